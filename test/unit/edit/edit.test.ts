// strata edit, golden: a kustomization before, one edit, the file after — comments, key order,
// quoting and sequence layout kept — for each subcommand, plus kustomize edit's refusals.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {editKustomization} from '../../../src/edit/run-edit.js'
import type {KustomizationDocument} from '../../../src/edit/document.js'
import {parseImageArg, setImages} from '../../../src/edit/images.js'
import {setNamePrefix, setNameSuffix, setNamespace} from '../../../src/edit/scalars.js'
import {parseReplicasArg, setReplicas} from '../../../src/edit/replicas.js'
import {addPaths, removePaths} from '../../../src/edit/paths.js'
import {addMetadata, parsePairs, removeLabels} from '../../../src/edit/metadata.js'
import {addPatch, removePatch} from '../../../src/edit/patches.js'
import {addGenerator} from '../../../src/edit/generators.js'
import {memoryFileSystem} from '../../../src/source/filesystem.js'
import {UserError} from '../../../src/model/errors.js'

const before = `# prod overlay: CI bumps the web image
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop # where it runs
resources:
- ../../base # shared manifests
- extra.yaml
images:
# the app
- name: web
  newName: registry.example.com/web
  newTag: "1.0" # bumped by CI
replicas:
- name: web
  count: 2
commonLabels:
  team: payments
`

const files = {'/app/kustomization.yaml': before, '/app/extra.yaml': '', '/app/jobs/a.yaml': '', '/app/jobs/b.yaml': '', '/app/jobs/c.txt': '', '/app/patch.yaml': '', '/app/app.env': 'A=1\n', '/app/config.json': '{}'}

function run(edit: (k: KustomizationDocument, fsys: ReturnType<typeof memoryFileSystem>) => string[], text = before) {
  const fsys = memoryFileSystem({...files, '/app/kustomization.yaml': text})
  let written: string | undefined
  const result = editKustomization('/app', (k) => edit(k, fsys), fsys, (_file, t) => {
    written = t
  })
  return {...result, written: written ?? text}
}

/** The edited file must equal `before` with each [from, to] replaced, and nothing else changed. */
function expectEdits(after: string, replacements: [string, string][], base = before): void {
  let expected = base
  for (const [from, to] of replacements) {
    assert.ok(expected.includes(from), `golden setup: ${JSON.stringify(from)} not in the file`)
    expected = expected.replace(from, to)
  }
  assert.equal(after, expected)
}

function userError(pattern: RegExp) {
  return (e: unknown) => e instanceof UserError && pattern.test(e.message)
}

describe('strata edit set', () => {
  test('image: NAME=NEWNAME:TAG replaces the entry in place, comments kept; a new name is appended', () => {
    const r = run((k) => setImages(k.doc, ['web=registry.example.com/web:1.1', 'db:15'].map(parseImageArg)))
    expectEdits(r.written, [
      ['  newTag: "1.0" # bumped by CI\n', '  newTag: "1.1" # bumped by CI\n- name: db\n  newTag: "15"\n'],
    ])
    assert.deepEqual(r.messages, ['image web set', 'image db set'])
  })

  test('image: NAME:TAG drops the new name (the whole entry is replaced, as kustomize edit); * keeps it', () => {
    expectEdits(run((k) => setImages(k.doc, [parseImageArg('web:2.0')])).written, [['  newName: registry.example.com/web\n  newTag: "1.0" # bumped by CI\n', '  newTag: "2.0" # bumped by CI\n']])
    expectEdits(run((k) => setImages(k.doc, [parseImageArg('web=*:2.0')])).written, [['"1.0"', '"2.0"']])
    const digest = 'sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3'
    expectEdits(run((k) => setImages(k.doc, [parseImageArg(`web=*@${digest}`)])).written, [['  newTag: "1.0" # bumped by CI\n', `digest: ${digest}\n`.replace(/^/, '  ')]])
  })

  test('image argument parsing follows kustomize edit', () => {
    assert.deepEqual(parseImageArg('postgres=eu.gcr.io/p/postgres:latest'), {name: 'postgres', newName: 'eu.gcr.io/p/postgres', newTag: 'latest', digest: undefined})
    assert.deepEqual(parseImageArg('node:8.15.0'), {name: 'node', newTag: '8.15.0', digest: undefined})
    assert.deepEqual(parseImageArg('mysql=mariadb'), {name: 'mysql', newName: 'mariadb', newTag: undefined, digest: undefined})
    assert.deepEqual(parseImageArg('alpine@sha256:abc'), {name: 'alpine', newTag: undefined, digest: 'sha256:abc'})
    assert.deepEqual(parseImageArg('localhost:5000/web:1'), {name: 'localhost:5000/web', newTag: '1', digest: undefined})
    assert.throws(() => parseImageArg('web'), userError(/invalid image "web"/))
    assert.throws(() => parseImageArg('a=b=c'), userError(/invalid image/))
  })

  test('namespace, nameprefix, namesuffix: replaced in place (comment kept) or appended', () => {
    expectEdits(run((k) => setNamespace(k.doc, 'shop-staging')).written, [['namespace: shop # where it runs', 'namespace: shop-staging # where it runs']])
    expectEdits(run((k) => setNamePrefix(k.doc, 'prod-')).written, [['  team: payments\n', '  team: payments\nnamePrefix: prod-\n']])
    expectEdits(run((k) => setNameSuffix(k.doc, '-v2')).written, [['  team: payments\n', '  team: payments\nnameSuffix: -v2\n']])
    assert.throws(() => run((k) => setNamespace(k.doc, 'Shop_1')), userError(/invalid namespace "Shop_1"/))
  })

  test('replicas: an existing name updated, a new one appended; NAME=COUNT checked', () => {
    const r = run((k) => setReplicas(k.doc, ['web=5', 'worker=1'].map(parseReplicasArg)))
    expectEdits(r.written, [['  count: 2\n', '  count: 5\n- name: worker\n  count: 1\n']])
    assert.throws(() => parseReplicasArg('web=three'), userError(/invalid replicas "web=three"/))
    assert.throws(() => parseReplicasArg('=3'), userError(/invalid replicas/))
  })
})

describe('strata edit add/remove resource and component', () => {
  test('globs expand over the directory; an entry already listed is skipped; a missing path refused; a remote URL added as is', () => {
    const r = run((k, fsys) => addPaths(k.doc, 'resources', ['jobs/*.yaml', 'extra.yaml', 'https://github.com/example/app//deploy?ref=v1'], k.dir, fsys))
    expectEdits(r.written, [['- extra.yaml\n', '- extra.yaml\n- jobs/a.yaml\n- jobs/b.yaml\n- https://github.com/example/app//deploy?ref=v1\n']])
    assert.ok(r.messages.includes('extra.yaml already in resources'))
    assert.throws(() => run((k, fsys) => addPaths(k.doc, 'resources', ['nope.yaml'], k.dir, fsys)), userError(/nope\.yaml has no match/))
  })

  test('component: a components list is created at the end when absent', () => {
    const r = run((k, fsys) => addPaths(k.doc, 'components', ['jobs'], k.dir, fsys))
    expectEdits(r.written, [['  team: payments\n', '  team: payments\ncomponents:\n- jobs\n']])
  })

  test('remove resource: exact entries and globs over the entries; a miss is reported, not an error', () => {
    const r = run((k) => removePaths(k.doc, 'resources', ['extra.yaml', 'nothing-*']))
    expectEdits(r.written, [['- extra.yaml\n', '']])
    assert.deepEqual(r.messages, ['extra.yaml removed from resources', 'nothing-* not in resources'])
    const glob = run((k) => removePaths(k.doc, 'resources', ['../../*']))
    expectEdits(glob.written, [['- ../../base # shared manifests\n', '']])
  })
})

describe('strata edit add/remove label, add annotation', () => {
  test('add label: commonLabels grows; a key already set is refused unless --force', () => {
    expectEdits(run((k) => addMetadata(k.doc, 'label', parsePairs(['tier:web', 'env:prod'], 'label'), {force: false})).written, [['  team: payments\n', '  team: payments\n  tier: web\n  env: prod\n']])
    assert.throws(() => run((k) => addMetadata(k.doc, 'label', parsePairs(['team:core'], 'label'), {force: false})), userError(/label team already in kustomization file/))
    expectEdits(run((k) => addMetadata(k.doc, 'label', parsePairs(['team:core'], 'label'), {force: true})).written, [['team: payments', 'team: core']])
  })

  test('add label --without-selector [--include-templates]: a labels entry that leaves selectors alone', () => {
    const r = run((k) => addMetadata(k.doc, 'label', parsePairs(['release:r1'], 'label'), {force: false, withoutSelector: true, includeTemplates: true}))
    expectEdits(r.written, [['  team: payments\n', '  team: payments\nlabels:\n- pairs:\n    release: r1\n  includeTemplates: true\n']])
  })

  test('label and annotation keys and values are checked as Kubernetes does', () => {
    assert.throws(() => parsePairs(['bad key:x'], 'label'), userError(/invalid label key "bad key"/))
    assert.throws(() => parsePairs(['app:has space'], 'label'), userError(/invalid label value/))
    assert.deepEqual([...parsePairs(['note:"any text"'], 'annotation')], [['note', 'any text']])
    // As kustomize edit: one pair per argument (a comma belongs to the value), a key alone has an empty value.
    assert.deepEqual([...parsePairs(['a:1,b', 'c:', 'd'], 'annotation')], [['a', '1,b'], ['c', ''], ['d', '']])
    assert.deepEqual([...parsePairs(['q:"quoted"', "s:'single'"], 'annotation')], [['q', 'quoted'], ['s', "'single'"]])
    assert.throws(() => parsePairs(['tier:web,env:prod'], 'label'), userError(/invalid label value "web,env:prod"/))
    assert.deepEqual([...parsePairs(['example.com/owner:team-a'], 'annotation')], [['example.com/owner', 'team-a']])
  })

  test('add annotation: commonAnnotations created', () => {
    expectEdits(run((k) => addMetadata(k.doc, 'annotation', parsePairs(['owner:payments'], 'annotation'), {force: false})).written, [['  team: payments\n', '  team: payments\ncommonAnnotations:\n  owner: payments\n']])
  })

  test('remove label: the key goes, an emptied commonLabels goes; a missing key refused unless --ignore-non-existence', () => {
    expectEdits(run((k) => removeLabels(k.doc, ['team'], {ignoreNonExistence: false})).written, [['commonLabels:\n  team: payments\n', '']])
    assert.throws(() => run((k) => removeLabels(k.doc, ['nope'], {ignoreNonExistence: false})), userError(/label nope not in kustomization file/))
    const r = run((k) => removeLabels(k.doc, ['nope'], {ignoreNonExistence: true}))
    assert.equal(r.changed, false)
  })
})

describe('strata edit add/remove patch', () => {
  const target = {kind: 'Deployment', name: 'web'}
  test('add patch --path with a target; the same entry twice is skipped; a missing file refused', () => {
    const r = run((k, fsys) => addPatch(k.doc, {path: 'patch.yaml', target}, k.dir, fsys))
    expectEdits(r.written, [['  team: payments\n', '  team: payments\npatches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n    name: web\n']])
    const twice = run((k, fsys) => addPatch(k.doc, {path: 'patch.yaml', target}, k.dir, fsys), r.written)
    assert.equal(twice.changed, false)
    assert.throws(() => run((k, fsys) => addPatch(k.doc, {path: 'missing.yaml', target: {}}, k.dir, fsys)), userError(/patch file missing\.yaml does not exist/))
    assert.throws(() => run((k, fsys) => addPatch(k.doc, {target: {}}, k.dir, fsys)), userError(/exactly one of --path and --patch/))
  })

  test('add patch --patch inline keeps the text as a block; remove patch removes only the matching entry', () => {
    const inline = '- op: replace\n  path: /spec/replicas\n  value: 3\n'
    const added = run((k, fsys) => addPatch(k.doc, {patch: inline, target: {kind: 'Deployment'}}, k.dir, fsys))
    expectEdits(added.written, [['  team: payments\n', `  team: payments\npatches:\n- patch: |\n    - op: replace\n      path: /spec/replicas\n      value: 3\n  target:\n    kind: Deployment\n`]])
    const withBoth = run((k, fsys) => addPatch(k.doc, {path: 'patch.yaml', target}, k.dir, fsys), added.written)
    const removed = run((k) => removePatch(k.doc, {patch: inline, target: {kind: 'Deployment'}}), withBoth.written)
    expectEdits(removed.written, [['  team: payments\n', '  team: payments\npatches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n    name: web\n']])
    const miss = run((k) => removePatch(k.doc, {path: 'patch.yaml', target: {}}), withBoth.written)
    assert.equal(miss.changed, false)
  })
})

describe('strata edit add configmap/secret', () => {
  const none = {literals: [], files: [], envFiles: []}
  test('a new generator, then sources merged into it; keys unique; files must exist', () => {
    const r = run((k, fsys) => addGenerator(k.doc, 'configmap', 'app', {...none, literals: ['LOG=info'], files: ['config.json']}, k.dir, fsys))
    expectEdits(r.written, [['  team: payments\n', '  team: payments\nconfigMapGenerator:\n- name: app\n  literals:\n  - LOG=info\n  files:\n  - config.json\n']])
    const merged = run((k, fsys) => addGenerator(k.doc, 'configmap', 'app', {...none, envFiles: ['app.env'], behavior: 'merge'}, k.dir, fsys), r.written)
    expectEdits(merged.written, [['  - config.json\n', '  - config.json\n  envs:\n  - app.env\n  behavior: merge\n']], r.written)
    assert.throws(() => run((k, fsys) => addGenerator(k.doc, 'configmap', 'app', {...none, literals: ['LOG=debug']}, k.dir, fsys), r.written), userError(/configmap app already has key LOG/))
    assert.throws(() => run((k, fsys) => addGenerator(k.doc, 'configmap', 'x', {...none, files: ['missing.txt']}, k.dir, fsys)), userError(/missing\.txt does not exist/))
    assert.throws(() => run((k, fsys) => addGenerator(k.doc, 'configmap', 'x', {...none, literals: ['novalue']}, k.dir, fsys)), userError(/need KEY=VALUE/))
    assert.throws(() => run((k, fsys) => addGenerator(k.doc, 'configmap', 'x', {...none, literals: ['a=1'], behavior: 'upsert'}, k.dir, fsys)), userError(/--behavior must be one of/))
  })

  test('secret: type and the name-hash option', () => {
    const r = run((k, fsys) => addGenerator(k.doc, 'secret', 'db', {...none, literals: ['user=app'], type: 'Opaque', disableNameSuffixHash: true}, k.dir, fsys))
    expectEdits(r.written, [['  team: payments\n', '  team: payments\nsecretGenerator:\n- name: db\n  literals:\n  - user=app\n  type: Opaque\n  options:\n    disableNameSuffixHash: true\n']])
  })
})

describe('strata edit: the file', () => {
  test('a directory without a kustomization is refused (exit 2 error) and nothing is written', () => {
    const fsys = memoryFileSystem({'/empty/x.yaml': ''})
    let wrote = false
    assert.throws(
      () => editKustomization('/empty', (k) => setNamespace(k.doc, 'a'), fsys, () => (wrote = true)),
      userError(/unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'/),
    )
    assert.equal(wrote, false)
  })

  test('an edit that fails part way writes nothing', () => {
    let wrote = false
    const fsys = memoryFileSystem(files)
    assert.throws(() => editKustomization('/app', (k) => [...setNamespace(k.doc, 'ok'), ...addMetadata(k.doc, 'label', parsePairs(['team:x'], 'label'), {force: false})], fsys, () => (wrote = true)))
    assert.equal(wrote, false)
  })

  test('indented sequences, flow lists and 4-space indents stay as written', () => {
    const indented = `resources:\n    - a.yaml  # first\nimages: [{name: web, newTag: "1"}]\n`
    const r = run((k, fsys) => [...addPaths(k.doc, 'resources', ['extra.yaml'], k.dir, fsys), ...setImages(k.doc, [parseImageArg('web:2')])], indented)
    assert.equal(r.written, `resources:\n    - a.yaml # first\n    - extra.yaml\nimages: [{name: web, newTag: "2"}]\n`)
  })

  test('an unchanged result is not written', () => {
    const r = run((k) => setNamespace(k.doc, 'shop'))
    assert.equal(r.changed, false)
  })
})

describe('strata edit: untouched files come out byte for byte', () => {
  test("every fixture's kustomization.yaml round-trips unchanged through open and serialize", async () => {
    const fs = await import('node:fs')
    const path = await import('node:path')
    const {openKustomization, serialize} = await import('../../../src/edit/document.js')
    const root = path.join(import.meta.dirname, '..', '..', '..', 'fixtures')
    let checked = 0
    const differ: string[] = []
    for (const dir of fs.readdirSync(root, {recursive: true, withFileTypes: true})) {
      if (!dir.isFile() || dir.name !== 'kustomization.yaml') continue
      const at = path.join(dir.parentPath, '')
      let k
      try {
        k = openKustomization(at)
      } catch {
        continue // fixtures of invalid input
      }
      checked++
      if (serialize(k) !== k.text) differ.push(path.relative(root, at))
    }
    assert.ok(checked > 100, `only ${checked} fixtures read`)
    assert.deepEqual(differ, [])
  })
})
