import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {BugError, UserError} from '../../../src/model/errors.js'
import {repoTreeDisplay} from '../../../src/source/repo-tree-display.js'

const commit = '82efc77d2707ae507baf8a2a34bb5cd69317cd23'

describe('repoTreeDisplay', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-tree-display-'))
  const tree = path.join(root, 'trees', commit)
  fs.mkdirSync(path.join(tree, 'base'), {recursive: true})
  const names = repoTreeDisplay('./deploy', commit, tree, '/work')

  test('a file in the tree is repo@shortsha:path; the top is "."; anything else is relative to cwd', () => {
    assert.equal(names.display(path.join(tree, 'base', 'deploy.yaml')), './deploy@82efc77:base/deploy.yaml')
    assert.equal(names.display(tree), './deploy@82efc77:.')
    assert.equal(names.display('/work/other/x.yaml'), 'other/x.yaml')
    assert.equal(names.display(`${tree}-sibling/x.yaml`), path.relative('/work', `${tree}-sibling/x.yaml`), 'a sibling sharing the prefix is not in the tree')
  })

  test('relabel rewrites cache paths in the file, message and hint of a user error, keeps line and field', () => {
    const e = new UserError(`'p.yaml' not found (looked for ${tree}/overlays/p.yaml)`, {file: path.join(tree, 'overlays/kustomization.yaml'), line: 3, field: 'patches[0]'}, `Create ${tree}/overlays/p.yaml.`)
    const r = names.relabel(e) as UserError
    assert.ok(r instanceof UserError)
    assert.equal(r.describe(), "./deploy@82efc77:overlays/kustomization.yaml:3, field patches[0]: 'p.yaml' not found (looked for ./deploy@82efc77:overlays/p.yaml)\n  Create ./deploy@82efc77:overlays/p.yaml.")
  })

  test('the tree under its real path (through a symbolic link) is named the same', () => {
    const link = path.join(root, 'link')
    fs.symlinkSync(tree, link)
    const viaLink = repoTreeDisplay('./deploy', commit, link, '/work')
    assert.equal(viaLink.display(path.join(tree, 'base/x.yaml')), './deploy@82efc77:base/x.yaml')
    assert.equal(viaLink.display(path.join(link, 'base/x.yaml')), './deploy@82efc77:base/x.yaml')
  })

  test('errors without tree paths, and bugs, pass through as the same object', () => {
    const plain = new UserError('no such ref', {field: '--ref'})
    assert.equal(names.relabel(plain), plain)
    const bug = new BugError(`broke in ${tree}`)
    assert.equal(names.relabel(bug), bug)
  })
})
