import {spawn} from 'node:child_process'
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
const localGitRunner: GitRunner = {
  async run(args, options) {
    // Loaded on first use: a render without remote bases never pays for simple-git.
    const {simpleGit} = await import('simple-git')
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

// Commands that talk to a remote start a transport helper (git-remote-https, ssh) as a child of
// git. simple-git's timeout kills git alone, which leaves the helper blocked on a silent server
// forever (a leak per timeout in a watch loop). These run in their own process group instead,
// and a timeout kills the whole group.
const networkSubcommands = new Set(['fetch', 'ls-remote', 'clone'])
const localSubcommands = new Set(['init', 'checkout', 'rev-parse', 'for-each-ref', 'read-tree', 'checkout-index', 'cat-file', 'config'])

const processGroupRunner: GitRunner = {
  run(args, options) {
    const argv = [...protocolConfig.flatMap((c) => ['-c', c]), ...args]
    return new Promise<string>((resolve, reject) => {
      const child = spawn('git', argv, {cwd: options.cwd, env: gitEnv(options.env), detached: true, stdio: ['ignore', 'pipe', 'pipe']})
      const out: Buffer[] = []
      const err: Buffer[] = []
      let timedOut = false
      let timer: NodeJS.Timeout | undefined
      const arm = (): void => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          timedOut = true
          killGroup(child.pid)
        }, options.timeoutMs)
      }
      arm()
      // Like simple-git's block timeout: a command that makes progress is not cut off.
      child.stdout.on('data', (c: Buffer) => (out.push(c), arm()))
      child.stderr.on('data', (c: Buffer) => (err.push(c), arm()))
      child.on('error', (e) => {
        clearTimeout(timer)
        reject(new GitCommandError(redactUrls(e.message), false))
      })
      child.on('close', (code) => {
        clearTimeout(timer)
        // A helper that outlived git is of no use to anyone.
        killGroup(child.pid)
        if (code === 0 && !timedOut) return resolve(Buffer.concat(out).toString('utf8'))
        const text = Buffer.concat(err).toString('utf8').trim() || `git exited with ${code}`
        reject(new GitCommandError(redactUrls(timedOut ? `timed out: ${text}` : text), timedOut))
      })
    })
  },
}

function killGroup(pid: number | undefined): void {
  if (!pid) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/** The runner the git cache uses: network commands in a killable process group, the rest through simple-git. */
export const simpleGitRunner: GitRunner = {
  run(args, options) {
    // The first known subcommand decides; what follows it (URLs, refs) comes after it in argv.
    const sub = args.find((a) => networkSubcommands.has(a) || localSubcommands.has(a))
    return (sub && networkSubcommands.has(sub) ? processGroupRunner : localGitRunner).run(args, options)
  },
}
