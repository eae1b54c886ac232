// The fleet's live view on a terminal (a live block, ../live-block.ts): one line per wave, one per
// cluster (its phase, and while it rolls out the step it is in and its batch). Lines that must stay
// readable (a cluster's failure, the fleet's pause or halt, the summary) are logged above the block.
import type {FleetEvent} from '../../fleet/types.js'
import {liveBlock, type LiveBlockOptions} from '../live-block.js'
import {seconds} from '../printers/describe-event.js'
import type {Theme} from '../theme.js'
import {FleetDescriber} from './describe.js'
import type {FleetPrinter} from './printers.js'

type Glyph = 'pending' | 'running' | 'done' | 'failed' | 'paused'
const glyphs: Record<Glyph, string> = {pending: '·', running: '▶', done: '✓', failed: '✗', paused: '⏸'}

interface ClusterView {
  status: Glyph
  text: string
}

export function makeFleetTtyPrinter(out: NodeJS.WritableStream, theme: Theme, now: () => number, options: LiveBlockOptions = {}): FleetPrinter {
  const start = now()
  const describer = new FleetDescriber(theme)
  let fleet = ''
  let waves: {name: string; clusters: string[]; status: Glyph}[] = []
  const clusters = new Map<string, ClusterView>()
  const steps = new Map<string, number>()

  const paint = (g: Glyph, s: string): string => (g === 'done' ? theme.added(s) : g === 'failed' ? theme.error(s) : g === 'paused' ? theme.warn(s) : g === 'pending' ? theme.dim(s) : s)

  function frame(cut: (s: string) => string): string[] {
    const lines = [theme.header(cut(`strata fleet ${fleet}  ${seconds(now() - start)}`))]
    for (const w of waves) {
      lines.push(paint(w.status, cut(`  ${glyphs[w.status]} wave ${w.name}`)))
      const pad = Math.max(...w.clusters.map((c) => c.length))
      for (const name of w.clusters) {
        const c = clusters.get(name) ?? {status: 'pending' as const, text: 'pending'}
        lines.push(paint(c.status, cut(`      ${glyphs[c.status]} ${name.padEnd(pad)}  ${c.text}`)))
      }
    }
    return lines
  }
  const block = liveBlock(out, frame, now, options)
  const {schedule, log} = block
  const set = (cluster: string, status: Glyph, text: string): void => void clusters.set(cluster, {status, text})

  return {
    event(e: FleetEvent) {
      if (block.closed) return
      switch (e.type) {
        case 'fleet-start':
          fleet = e.fleet
          waves = e.waves.map((w, i) => ({name: w.name, clusters: w.clusters, status: i < e.fromWave ? 'done' : 'pending'}))
          return log(describer.lines(e))
        case 'wave-start': {
          const w = waves.find((x) => x.name === e.wave)
          if (w) w.status = 'running'
          return schedule()
        }
        case 'cluster-start':
          set(e.cluster, 'running', e.action === 'abort' ? 'rolling back' : 'connecting')
          return schedule()
        case 'cluster-skip':
          set(e.cluster, 'done', e.reason)
          return schedule()
        case 'cluster-event': {
          const ev = e.event
          if (ev.type === 'init') steps.set(e.cluster, ev.plan.steps.length)
          if (ev.type === 'step-start') set(e.cluster, 'running', `step ${ev.step + 1}/${steps.get(e.cluster) ?? '?'} ${ev.name}`)
          else if (ev.type === 'batch') set(e.cluster, 'running', `${clusters.get(e.cluster)?.text.replace(/ {2}.*$/, '') ?? ''}  ${ev.id.name} ${ev.ready}/${ev.desired} ready (batch ${ev.batch}/${ev.of})`)
          else if (ev.type === 'apply-failed' || ev.type === 'gate-failed' || ev.type === 'breaker') return log(describer.lines(e))
          return schedule()
        }
        case 'cluster-done':
          set(e.cluster, e.phase === 'done' ? 'done' : e.phase === 'paused' ? 'paused' : 'failed', `${e.phase}${e.reason ? `: ${e.reason}` : ''}`)
          if (e.phase !== 'done') return log(describer.lines(e))
          return schedule()
        case 'wave-done': {
          const w = waves.find((x) => x.name === e.wave)
          if (w) w.status = e.failed.length > 0 ? 'failed' : e.paused.length > 0 ? 'paused' : 'done'
          return schedule()
        }
        case 'fleet-paused': {
          const w = waves.find((x) => x.name === e.wave)
          if (w && w.status === 'done') w.status = 'paused'
          return log(describer.lines(e))
        }
        case 'fleet-halted':
        case 'fleet-summary':
          return log(describer.lines(e))
      }
    },
    close() {
      block.close(waves.length > 0)
    },
  }
}
