// `--repo ./deploy` or `--repo /srv/git/deploy.git` (sync and watch): a repository on this machine,
// given as a path, becomes its file:// URL, the form the git cache and its option-injection checks
// accept. URLs and scp-style addresses (a colon before any slash) pass through as given.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {pathToFileURL} from 'node:url'
import {UserError} from '../model/errors.js'

/** `repo` as a URL; a path that names no directory is refused here, naming `flag` and the path it looked at. */
export function localRepoUrl(repo: string, flag = '--repo'): string {
  if (repo.startsWith('-')) return repo // refused by the URL checks, which say why
  // scheme://…, or scp-style host:path (git's own rule: a colon before the first slash).
  if (/^[^/]*:/.test(repo)) return repo
  const abs = path.resolve(repo)
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) return pathToFileURL(abs).href
  throw new UserError(
    `${flag} ${repo}: no directory ${abs} on this machine`,
    {field: flag},
    'Give a git repository directory (a working tree or a bare repository), or a URL: https://…, ssh://…, git@host:org/repo or file://….',
  )
}
