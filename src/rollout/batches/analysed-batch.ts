// A batch judged by analyses: the analyses start with the batch and run beside its wait for
// Ready pods; the batch's gate (its pods Ready) ends open-ended metrics, metrics with a count
// measure out their count. Successful → the batch's own outcome stands; Failed → a breaker
// outcome (auto-abort as for crashed pods); Inconclusive → a pause with the reason. A decisive
// verdict before the gate stops the batch's wait at once. Every measurement is kept in the
// WorkloadRecord, so an interrupted batch resumes its analysis where it stood (an Inconclusive
// one starts afresh on resume: a person looked and chose to go on, as Argo starts a new run).
// Each measurement is saved as it is taken (ctx.saveRecord), so `rollout status` in another
// process shows it mid-batch and a killed process loses none. An Analysis that uses
// {{canaryHash}}/{{stableHash}} starts once the batch has applied its change and the controllers
// have named the new pods' hash (template-hashes.ts); one that does not starts with the batch.
import {BugError} from '../../model/errors.js'
import {parseAnalysis, type TemplateValues} from '../analysis/spec.js'
import {runAnalyses, type AnalysisDeps, type AnalysisEvent, type AnalysisOutcome, type AnalysisProgress, type AnalysisRun} from '../analysis/run.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../types.js'
import {clockOf, type BatchContext, type BatchOutcome} from './context.js'
import {templateHashes, usesTemplateHashes, type TemplateHashes} from './template-hashes.js'

/** The analyses of one workload, resolved for this run: documents parsed, args and built-ins filled. */
export function analysisRuns(item: PlanItem, namespace: string, app: string, hashes: TemplateHashes): AnalysisRun[] {
  return (item.batches?.analyses ?? []).map((a) => {
    const spec = parseAnalysis(a.document, a.file)
    const args: Record<string, string> = {}
    for (const arg of spec.args) args[arg.name] = Object.hasOwn(a.args, arg.name) ? a.args[arg.name] : (arg.value ?? '')
    const values: TemplateValues = {args, builtins: {app, namespace, workload: item.id.name, canaryHash: hashes.canary ?? '', stableHash: hashes.stable ?? ''}}
    return {spec, values}
  })
}

type Next<T, R> = Promise<{from: 'batch'; r: IteratorResult<T, R>} | {from: 'analysis'; r: IteratorResult<AnalysisEvent, AnalysisOutcome | undefined>}>

/**
 * `runs`: the analyses resolved by a caller that knows the hashes (blue/green names its versions);
 * without, they are resolved here, reading the hashes from the cluster when a placeholder needs them.
 */
export async function* runAnalysedBatch(ctx: BatchContext, item: PlanItem, record: WorkloadRecord, start: (ctx: BatchContext) => AsyncGenerator<RolloutEvent, BatchOutcome>, runs?: AnalysisRun[]): AsyncGenerator<RolloutEvent, BatchOutcome> {
  if (!ctx.metrics) throw new BugError('runAnalysedBatch: no MetricsPort in the batch context')
  const {now, sleep} = clockOf(ctx)
  const batch = record.batchesDone + 1
  const saved = record.analysis?.batch === batch && record.analysis.verdict !== 'Inconclusive' ? record.analysis : undefined
  const startedAt = saved ? Date.parse(saved.startedAt) : now()
  const measurements: Record<string, NonNullable<WorkloadRecord['analysis']>['measurements'][string]> = saved ? structuredClone(saved.measurements) : {}
  const withAnalysis = (r: WorkloadRecord, verdict?: string, reason?: string): WorkloadRecord => ({...r, analysis: {batch, startedAt: new Date(startedAt).toISOString(), measurements, ...(verdict ? {verdict} : {}), ...(reason ? {reason} : {})}})

  const gate = new AbortController()
  const stopBatch = new AbortController()
  const stopAnalysis = new AbortController()
  const outer = ctx.signal ?? new AbortController().signal
  const analysisSignal = AbortSignal.any([outer, stopAnalysis.signal])
  // Resolved by the batch's first event (its change is applied by then) or by its end.
  let changeApplied!: () => void
  const applied = new Promise<void>((resolve) => (changeApplied = resolve))
  const needsHashes = !runs && usesTemplateHashes((item.batches?.analyses ?? []).map((a) => JSON.stringify(a.document)))
  const hashes = needsHashes ? applied.then(() => templateHashes({...ctx, signal: analysisSignal}, item, record)) : Promise.resolve({})
  const batchGen = start({...ctx, signal: AbortSignal.any([outer, stopBatch.signal])})
  const analysisGen = runAnalysesAfter(
    runs ? Promise.resolve(runs) : hashes.then((h) => analysisRuns(item, item.id.namespace, ctx.app ?? '', h)),
    {
      metrics: ctx.metrics,
      now,
      // The batch clock's sleep, cut short when the gate is reached or the run stops.
      sleep: (ms, signal) => (signal.aborted ? Promise.resolve() : Promise.race([sleep(ms), new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))])),
    },
    {gate: gate.signal, previous: saved?.measurements, startedAt},
    analysisSignal,
  )
  const pull = {
    batch: (): Next<RolloutEvent, BatchOutcome> => batchGen.next().then((r) => ({from: 'batch' as const, r})),
    analysis: (): Next<RolloutEvent, BatchOutcome> => analysisGen.next().then((r) => ({from: 'analysis' as const, r})),
  }
  let batchNext: Next<RolloutEvent, BatchOutcome> | undefined = pull.batch()
  let analysisNext: Next<RolloutEvent, BatchOutcome> | undefined = pull.analysis()
  let batchOutcome: BatchOutcome | undefined
  let verdict: AnalysisOutcome | undefined
  let analysisEnded = false

  while (batchNext || analysisNext) {
    const got = await Promise.race([batchNext, analysisNext].filter((p): p is Next<RolloutEvent, BatchOutcome> => p !== undefined))
    if (got.from === 'batch') {
      changeApplied()
      if (!got.r.done) {
        yield got.r.value
        batchNext = pull.batch()
        continue
      }
      batchNext = undefined
      batchOutcome = got.r.value
      // The gate: the batch's pods are Ready. Otherwise the batch failed or stopped: so does the analysis.
      if (batchOutcome.ok) gate.abort()
      else if (!analysisEnded) stopAnalysis.abort()
    } else {
      if (!got.r.done) {
        const e = got.r.value
        if (e.type === 'measurement') {
          ;(measurements[e.analysis] ??= []).push(e.measurement)
          await ctx.saveRecord?.(withAnalysis(record))
        }
        yield {type: 'analysis', id: item.id, batch, event: e}
        analysisNext = pull.analysis()
        continue
      }
      analysisNext = undefined
      analysisEnded = true
      verdict = got.r.value
      // A decisive verdict before the gate: no reason to wait for more pods.
      if (verdict && verdict.verdict !== 'Successful' && batchNext) stopBatch.abort()
    }
  }
  if (!batchOutcome) throw new BugError('runAnalysedBatch: the batch ended without an outcome')
  const interruptedByUs = !batchOutcome.ok && batchOutcome.interrupted && stopBatch.signal.aborted && !outer.aborted
  if (verdict?.verdict === 'Failed') return {ok: false, breaker: true, interrupted: false, reason: verdict.reason ?? 'analysis failed', record: withAnalysis(batchOutcome.record, 'Failed', verdict.reason)}
  if (verdict?.verdict === 'Inconclusive') return {ok: false, breaker: false, interrupted: false, paused: true, reason: verdict.reason ?? 'analysis inconclusive', record: withAnalysis(batchOutcome.record, 'Inconclusive', verdict.reason)}
  if (interruptedByUs) throw new BugError('runAnalysedBatch: batch stopped without a decisive verdict')
  if (!batchOutcome.ok) return {...batchOutcome, record: withAnalysis(batchOutcome.record)}
  if (!verdict) return {ok: false, breaker: false, interrupted: true, reason: 'interrupted', record: withAnalysis(batchOutcome.record)}
  return {ok: true, record: withAnalysis(batchOutcome.record, 'Successful')}
}

/** runAnalyses once its runs are known (after the template hashes are read). */
async function* runAnalysesAfter(runs: Promise<AnalysisRun[]>, deps: AnalysisDeps, progress: AnalysisProgress, signal: AbortSignal): AsyncGenerator<AnalysisEvent, AnalysisOutcome | undefined> {
  return yield* runAnalyses(await runs, deps, progress, signal)
}
