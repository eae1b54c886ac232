// `strata rollout status --watch`: runs the follower into the right output (a redrawn line on a
// terminal, plain lines in CI, JSON lines with --json) and sets the exit code from how it ended.
import {setTimeout as delay} from 'node:timers/promises'
import type {ClusterPort} from '../cluster/port.js'
import {RolloutStateStore} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import type {ClusterTarget} from '../model/follow-up.js'
import {followExitCode, followRollout} from '../rollout/follow-status.js'
import {choosePrinterKind} from '../ui/printers/index.js'
import {followBar, followEndJson, followEndText, followJson, followLine} from '../ui/rollout-follow.js'
import {makeTheme, wantsColor} from '../ui/theme.js'

export async function watchRolloutStatus(cluster: ClusterPort, app: string, namespace: string, options: {json: boolean; color?: boolean; timeoutMs?: number; target: ClusterTarget; pollMs?: number}): Promise<number> {
  const store = new RolloutStateStore(cluster, app, namespace)
  if (!(await store.load())) {
    throw new UserError(`no rollout of app '${app}' in namespace ${namespace}`, {field: 'NAME'}, 'Check the app name and pass its namespace with -n (the namespace of its applyset Secret); `strata list` shows every app.')
  }
  const out = process.stdout
  const kind = choosePrinterKind(options.json, out)
  const theme = makeTheme(wantsColor(options.color, out))
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.on('SIGINT', onSigint)
  let live = false
  try {
    const gen = followRollout(store, {now: Date.now, sleep: (ms) => delay(ms, undefined, {signal: controller.signal}).catch(() => undefined), signal: controller.signal}, {timeoutMs: options.timeoutMs, pollMs: options.pollMs})
    let r = await gen.next()
    while (!r.done) {
      if (kind === 'json') out.write(`${JSON.stringify(followJson(r.value))}\n`)
      else if (kind === 'plain') out.write(`${followLine(r.value)}\n`)
      else {
        out.write(`\r\x1b[2K${followBar(r.value, out.columns ?? 80)}`)
        live = true
      }
      r = await gen.next()
    }
    if (live) out.write('\n')
    const code = followExitCode(r.value)
    if (kind === 'json') out.write(`${JSON.stringify(followEndJson(r.value, app, namespace, code))}\n`)
    else out.write(`${followEndText(r.value, app, namespace, theme, options.target).join('\n')}\n`)
    return code
  } finally {
    process.off('SIGINT', onSigint)
  }
}
