// The commands strata prints for the user to run next (`continue: strata rollout resume …`). A hint
// pasted into another shell must act on the same cluster and app as the run that printed it, so it
// carries the --kubeconfig and --context the user gave, the app's namespace, and is quoted so that
// a path with spaces or quotes survives the paste. Here, below cluster and rollout, because the
// state store, the executor and the commands all print such hints.
import * as path from 'node:path'

/** The flags that chose the cluster, as the user gave them (the kubeconfig made absolute). */
export interface ClusterTarget {
  kubeconfig?: string
  context?: string
}

export type RolloutVerb = 'resume' | 'abort' | 'status'

/** The target of `--kubeconfig`/`--context` flags; a relative kubeconfig is resolved against `cwd`. */
export function clusterTarget(flags: {kubeconfig?: string; context?: string}, cwd: string = process.cwd()): ClusterTarget {
  const target: ClusterTarget = {}
  if (flags.kubeconfig) target.kubeconfig = path.resolve(cwd, flags.kubeconfig)
  if (flags.context) target.context = flags.context
  return target
}

// Words made only of these need no quotes in sh, bash or zsh.
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/

/** One word for a POSIX shell: bare when safe, else single-quoted (a `'` becomes `'\''`). */
export function shellQuote(word: string): string {
  if (plainWord.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export function commandLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ')
}

/** `--kubeconfig FILE --context NAME`, as far as the user gave them. */
export function targetArgs(target: ClusterTarget = {}): string[] {
  const out: string[] = []
  if (target.kubeconfig) out.push('--kubeconfig', target.kubeconfig)
  if (target.context) out.push('--context', target.context)
  return out
}

/** `strata rollout VERB APP -n NAMESPACE [--kubeconfig …] [--context …]`, ready to paste. */
export function rolloutCommand(verb: RolloutVerb, app: string, namespace: string, target?: ClusterTarget): string {
  return commandLine(['strata', 'rollout', verb, app, '-n', namespace, ...targetArgs(target)])
}

/** `strata apply DIR --name APP -n NAMESPACE [target] [extra…]`, ready to paste. */
export function applyCommand(dir: string, app: string, namespace: string, target?: ClusterTarget, extra: readonly string[] = []): string {
  return commandLine(['strata', 'apply', dir, '--name', app, '-n', namespace, ...targetArgs(target), ...extra])
}
