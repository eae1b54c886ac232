import {simpleGit} from 'simple-git'
import {redactUrls} from './git-safety.js'

export interface GitRunOptions {
  /** Working directory (must exist). */
  cwd: string
  /** Killed when git prints nothing for this long. */
  timeoutMs: number
  /** Extra environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>
}

/** The only way the git cache runs git: tests wrap it to count or inspect invocations. */
export interface GitRunner {
  run(args: string[], options: GitRunOptions): Promise<string>
}

/** A failed git command, its text already stripped of credentials. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message)
    this.name = 'GitCommandError'
  }
}

// Only these transports, even when a repository's config, a redirect or a submodule asks for another.
const protocolConfig = ['protocol.allow=never', 'protocol.https.allow=always', 'protocol.ssh.allow=always', 'protocol.file.allow=always', 'gc.auto=0', 'maintenance.auto=false']

// Variables that would point our commands at another repository or make git start an editor or pager.
const droppedEnv = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_PAGER', 'PAGER', 'EDITOR', 'VISUAL', 'GIT_EXTERNAL_DIFF', 'GIT_TEMPLATE_DIR', 'GIT_EXEC_PATH', 'PREFIX']

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !droppedEnv.includes(k)) env[k] = v
  // Never wait for a password on a terminal: credentials come from the environment or git's helpers.
  env.GIT_TERMINAL_PROMPT = '0'
  return {...env, ...extra}
}

/** git through simple-git, with a transport allow-list and credentials scrubbed from errors. */
export const simpleGitRunner: GitRunner = {
  async run(args, options) {
    const git = simpleGit({
      baseDir: options.cwd,
      config: protocolConfig,
      timeout: {block: options.timeoutMs},
      // The user's own ssh command, askpass and config files are theirs to choose; our arguments are
      // validated before they get here (see git-safety.ts).
      unsafe: {allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeProtocolOverride: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true},
    }).env(gitEnv(options.env))
    try {
      return await git.raw(args)
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e)
      const timedOut = /timed? ?out|block timeout/i.test(text) && !/fatal:/.test(text)
      throw new GitCommandError(redactUrls(text.trim()), timedOut)
    }
  },
}
