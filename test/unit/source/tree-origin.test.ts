import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {treeOrigin} from '../../../src/source/tree-origin.js'

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {cwd, stdio: 'pipe'})

function scratch(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-origin-')))
}

describe('tree origin', () => {
  test('a directory outside any git work tree: its real path only', () => {
    const dir = path.join(scratch(), 'prod')
    fs.mkdirSync(dir)
    assert.deepEqual(treeOrigin(dir), {root: dir})
    const link = path.join(path.dirname(dir), 'link')
    fs.symlinkSync(dir, link)
    assert.deepEqual(treeOrigin(link), {root: dir}, 'a symlink is followed to the real directory')
  })

  test('in a clone: the origin remote and the path inside the repository', () => {
    const top = scratch()
    git(top, 'init', '-q')
    git(top, 'remote', 'add', 'upstream', 'https://git.example.com/fork/deploy.git')
    git(top, 'remote', 'add', 'origin', 'https://bot:tok@git.example.com/org/deploy.git')
    const dir = path.join(top, 'teamA', 'overlays', 'prod')
    fs.mkdirSync(dir, {recursive: true})
    assert.deepEqual(treeOrigin(dir), {root: dir, repo: 'https://bot:tok@git.example.com/org/deploy.git', path: 'teamA/overlays/prod'})
    assert.deepEqual(treeOrigin(top), {root: top, repo: 'https://bot:tok@git.example.com/org/deploy.git', path: '.'})
  })

  test('a linked worktree reads the shared config; a repository without remotes gives the path only', () => {
    const top = scratch()
    const main = path.join(top, 'main')
    fs.mkdirSync(path.join(main, 'apps', 'web'), {recursive: true})
    git(main, 'init', '-q')
    fs.writeFileSync(path.join(main, 'apps', 'web', 'kustomization.yaml'), 'resources: []\n')
    git(main, 'add', '.')
    git(main, 'commit', '-qm', 'init')
    assert.deepEqual(treeOrigin(path.join(main, 'apps', 'web')), {root: path.join(main, 'apps', 'web')})
    git(main, 'remote', 'add', 'only', 'git@git.example.com:org/deploy.git')
    git(main, 'worktree', 'add', '-q', path.join(top, 'wt'))
    const dir = path.join(top, 'wt', 'apps', 'web')
    assert.deepEqual(treeOrigin(dir), {root: dir, repo: 'git@git.example.com:org/deploy.git', path: 'apps/web'})
  })
})
