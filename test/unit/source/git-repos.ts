// Local git repositories for the remote-base tests: bare repos on disk, written through a work
// clone with the git CLI (tests may use git and kubectl directly; strata goes through its cache).
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type {GitRunner} from '../../../src/source/git-runner.js'
import {simpleGitRunner} from '../../../src/source/git-runner.js'

const identity = ['-c', 'user.email=test@strata.dev', '-c', 'user.name=strata test', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false']

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...identity, ...args], {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
}

export function tmpDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
}

/** A bare repository `<root>/<name>.git` and a work clone to commit and push from. */
export class LocalRepo {
  readonly bare: string
  readonly work: string
  constructor(root: string, name: string) {
    this.bare = path.join(root, `${name}.git`)
    this.work = path.join(root, `${name}-work`)
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', this.bare)
    git(root, 'init', '--quiet', '--initial-branch=main', this.work)
    git(this.work, 'remote', 'add', 'origin', this.bare)
  }

  get url(): string {
    return `file://${this.bare}`
  }

  /** Writes files (path → content; null deletes), commits, pushes the current branch; returns the commit. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [p, c] of Object.entries(files)) {
      const abs = path.join(this.work, p)
      if (c === null) fs.rmSync(abs, {force: true})
      else {
        fs.mkdirSync(path.dirname(abs), {recursive: true})
        fs.writeFileSync(abs, c)
      }
    }
    git(this.work, 'add', '-A')
    git(this.work, 'commit', '--quiet', '--allow-empty', '-m', message)
    git(this.work, 'push', '--quiet', '--force', 'origin', 'HEAD')
    return this.head()
  }

  head(): string {
    return git(this.work, 'rev-parse', 'HEAD')
  }

  tag(name: string, annotated = false): void {
    if (annotated) git(this.work, 'tag', '-a', '-m', name, name)
    else git(this.work, 'tag', name)
    git(this.work, 'push', '--quiet', '--force', 'origin', `refs/tags/${name}`)
  }

  branch(name: string): void {
    git(this.work, 'checkout', '--quiet', '-B', name)
  }
}

/** A ConfigMap manifest and a kustomization listing it: the smallest base. */
export function configMapBase(name: string, value: string): Record<string, string> {
  return {
    'kustomization.yaml': 'resources:\n- cm.yaml\n',
    'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`,
  }
}

export function under(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, c]) => [`${dir}/${p}`, c]))
}

/** A GitRunner that records each git subcommand it runs (fetch, ls-remote, checkout, ...). */
export function countingRunner(): GitRunner & {commands: string[]; count(sub: string): number} {
  const commands: string[] = []
  const subcommands = new Set(['ls-remote', 'fetch', 'checkout', 'rev-parse', 'for-each-ref', 'init'])
  return {
    commands,
    count: (sub) => commands.filter((c) => c === sub).length,
    run(args, options) {
      commands.push(args.find((a) => subcommands.has(a)) ?? args[0])
      return simpleGitRunner.run(args, options)
    },
  }
}
