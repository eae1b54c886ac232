// buildMetadata origin tracking through a remote git base (a local bare repository over file://,
// which kustomize accepts too): objects from the repository name it, its ref and paths inside it.
// The expected output is `kubectl kustomize` on the same tree at test time (tmp paths cannot be goldens).
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {after, describe, test} from 'node:test'
import {renderKustomization} from '../../../src/render/index.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-remote-origin-'))
after(() => fs.rmSync(root, {recursive: true, force: true}))

function write(files: Record<string, string>, under: string): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(under, name)), {recursive: true})
    fs.writeFileSync(path.join(under, name), text)
  }
}

function bareRepo(files: Record<string, string>): string {
  const work = path.join(root, 'work')
  write(files, work)
  const git = (...args: string[]) => execFileSync('git', args, {cwd: work, env: {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t'}})
  git('init', '-q', '-b', 'main')
  git('add', '.')
  git('commit', '-qm', 'base')
  const bare = path.join(root, 'repo.git')
  execFileSync('git', ['clone', '-q', '--bare', work, bare])
  return bare
}

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

describe('origin annotations through a remote base', {skip: hasKubectl ? false : 'kubectl not on PATH'}, () => {
  test('files, generators and transformers inside the repository carry repo and ref, as kubectl prints them', async () => {
    const bare = bareRepo({
      'base/kustomization.yaml': 'resources:\n- app.yaml\nconfigMapGenerator:\n- name: g\n  literals: [a=b]\ncommonLabels:\n  from: repo\n',
      'base/app.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n',
    })
    const top = path.join(root, 'top')
    write(
      {
        'kustomization.yaml': `resources:\n- file://${bare}//base?ref=main\n- local.yaml\nbuildMetadata: [originAnnotations, transformerAnnotations]\nnamePrefix: x-\n`,
        'local.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n',
      },
      top,
    )
    const expected = execFileSync('kubectl', ['kustomize', top], {encoding: 'utf8', env: {...process.env, HOME: root}})
    const {yaml} = await renderKustomization(top, {cacheDir: path.join(root, 'cache')})
    assert.equal(yaml, expected)
    assert.match(yaml, new RegExp(`repo: file://${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n {6}ref: main\n`))
  })
})
