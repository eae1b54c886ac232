// The live view on a terminal: a block of lines (steps with status glyphs, the current step's
// batches and objects still converging, elapsed time) redrawn in place (../live-block.ts); lines
// that must stay readable (failures, pause instructions, the summary) are logged above the block.
import {describeId} from '../../rollout/plan.js'
import type {PlanObjectId, RolloutEvent} from '../../rollout/types.js'
import type {Theme} from '../theme.js'
import {describeEvent, seconds} from './describe-event.js'
import type {EventPrinter} from './types.js'
import {liveBlock, type LiveBlockOptions} from '../live-block.js'

export {redrawIntervalMs} from '../live-block.js'
const maxConverging = 5

type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'paused'
interface StepView {
  name: string
  items: number
  status: StepStatus
  applied: number
  elapsedMs?: number
}
interface BatchView {
  id: PlanObjectId
  batch: number
  of: number
  ready: number
  desired: number
}

const glyph: Record<StepStatus, string> = {pending: '·', running: '▶', done: '✓', failed: '✗', paused: '⏸'}

export type TtyOptions = LiveBlockOptions

export function makeTtyPrinter(out: NodeJS.WritableStream, theme: Theme, now: () => number, options: TtyOptions = {}): EventPrinter {
  const start = now()
  let app = ''
  let steps: StepView[] = []
  let current = -1
  const batches = new Map<string, BatchView>()
  const converging = new Map<string, string>()

  function frame(cut: (s: string) => string): string[] {
    const lines = [theme.header(cut(`strata rollout ${app}  ${seconds(now() - start)}`))]
    steps.forEach((s, i) => {
      const detail = s.status === 'running' ? `  ${s.applied}/${s.items} applied` : s.elapsedMs !== undefined ? `  ${seconds(s.elapsedMs)}` : ''
      const text = cut(`  ${glyph[s.status]} ${i + 1}/${steps.length} ${s.name}${detail}`)
      lines.push(s.status === 'done' ? theme.added(text) : s.status === 'failed' ? theme.error(text) : s.status === 'paused' ? theme.warn(text) : s.status === 'pending' ? theme.dim(text) : text)
      if (i !== current) return
      for (const b of batches.values()) lines.push(cut(`      ${b.id.name} ${b.ready}/${b.desired} ready (batch ${b.batch}/${b.of})`))
      let shown = 0
      for (const [key, message] of converging) {
        if (batches.has(key)) continue
        if (shown++ === maxConverging) {
          lines.push(theme.dim(cut(`      … ${converging.size - maxConverging} more`)))
          break
        }
        lines.push(theme.dim(cut(`      ${message}`)))
      }
    })
    return lines
  }

  const block = liveBlock(out, frame, now, options)
  const {draw, schedule, log} = block

  return {
    event(e: RolloutEvent) {
      if (block.closed) return
      const stepCount = steps.length
      switch (e.type) {
        case 'init':
          app = e.plan.app
          steps = e.plan.steps.map((s, i) => ({name: s.name, items: s.items.length, status: i < e.fromStep ? 'done' : 'pending', applied: 0}))
          return draw()
        case 'step-start':
          current = e.step
          batches.clear()
          converging.clear()
          if (steps[e.step]) steps[e.step] = {...steps[e.step], status: 'running', applied: 0, items: e.items}
          return schedule()
        case 'applied':
          if (steps[e.step]) steps[e.step].applied++
          return schedule()
        case 'deleted':
          if (steps[current]) steps[current].applied++
          if (e.result === 'failed') return log(describeEvent(e, stepCount, theme))
          return schedule()
        case 'health':
          if (e.health.status === 'healthy') converging.delete(e.id.key)
          else converging.set(e.id.key, `${describeId(e.id)}: ${e.health.message}`)
          return schedule()
        case 'batch':
          batches.set(e.id.key, {id: e.id, batch: e.batch, of: e.of, ready: e.ready, desired: e.desired})
          return schedule()
        case 'step-done':
          if (steps[e.step]) steps[e.step] = {...steps[e.step], status: 'done', elapsedMs: e.elapsedMs}
          batches.clear()
          converging.clear()
          return schedule()
        case 'paused':
          if (steps[e.step]) steps[e.step].status = e.workload ? 'paused' : 'done'
          return log(describeEvent(e, stepCount, theme))
        case 'gate-failed':
        case 'apply-failed':
        case 'breaker':
          if (steps[current]) steps[current].status = 'failed'
          return log(describeEvent(e, stepCount, theme))
        case 'failed':
          if (steps[e.step]) steps[e.step].status = 'failed'
          return log(describeEvent(e, stepCount, theme))
        case 'interrupted':
          if (steps[e.step]) steps[e.step].status = 'paused'
          return log(describeEvent(e, stepCount, theme))
        case 'blue-green':
        case 'aborted':
        case 'nothing-to-abort':
        case 'stopping':
        case 'stop-requested':
        case 'stop-waiting':
        case 'warning':
        case 'done':
          return log(describeEvent(e, stepCount, theme))
      }
    },
    close() {
      // The last frame stays on screen as the summary; nothing is drawn after it.
      block.close(steps.length > 0)
    },
  }
}
