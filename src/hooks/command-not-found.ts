// oclif's command_not_found hook: a mistyped command names the nearest one (`strata lst` →
// `strata list`, `strata rollout statsu` and `strata statsu` → `strata rollout status`) and exits 2,
// with topics spelt with a space as users type them.
import type {Hook} from '@oclif/core'
import {nearest} from '../cli/suggest.js'

const hook: Hook<'command_not_found'> = async function (options) {
  const spaced = (id: string) => id.replaceAll(':', ' ')
  const candidates = new Set<string>()
  for (const c of options.config.commands) {
    if (c.hidden) continue
    candidates.add(spaced(c.id))
    for (const alias of c.aliases ?? []) candidates.add(spaced(alias))
  }
  const wanted = spaced(options.id)
  // A command of a topic typed without its topic (`strata statsu` for `strata rollout status`).
  const byLastWord = new Map([...candidates].map((c) => [c.split(' ').at(-1)!, c]))
  const lastWord = !wanted.includes(' ') ? nearest(wanted, byLastWord.keys()) : undefined
  const best = nearest(wanted, candidates) ?? (lastWord && byLastWord.get(lastWord))
  process.stderr.write(`Error: unknown command '${wanted}'${best ? `. Did you mean \`${options.config.bin} ${best}\`?` : ''}\n  Run \`${options.config.bin} help\` for the list of commands.\n`)
  process.exitCode = 2
}

export default hook
