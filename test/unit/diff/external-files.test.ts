import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {externalDiffCommand, externalDiffFileName, externalDiffFiles} from '../../../src/diff/external-files.js'
import type {DiffReport} from '../../../src/diff/types.js'

describe('external diff files', () => {
  test('names as kubectl: group.version.kind.namespace.name, no group for core, empty namespace for cluster scope', () => {
    assert.equal(externalDiffFileName({group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web'}), 'apps.v1.Deployment.shop.web')
    assert.equal(externalDiffFileName({group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'shop'}), 'v1.Namespace..shop')
  })
  test('one entry per added, changed or deleted object; live absent for an add, merged absent for a delete', () => {
    const id = (name: string) => ({group: '', version: 'v1', kind: 'ConfigMap', namespace: 'ns', name})
    const report: DiffReport = {
      resources: [
        {id: id('new'), action: 'add', changedPaths: [], after: {kind: 'ConfigMap', data: {a: '1'}}},
        {id: id('same'), action: 'unchanged', changedPaths: []},
        {id: id('mod'), action: 'change', changedPaths: ['data.a'], before: {data: {a: '1'}}, after: {data: {a: '2'}}},
        {id: id('bad'), action: 'error', changedPaths: [], error: 'forbidden'},
        {id: id('old'), action: 'delete', changedPaths: [], before: {data: {a: '1'}}},
      ],
      summary: {add: 1, change: 1, delete: 1, unchanged: 1, error: 1},
      modes: {server: 3, matched: 0, 'read-only': 0, rendered: 0},
      inventory: {name: 'applyset-x', namespace: 'ns', id: 'x', found: true},
    }
    assert.deepEqual(externalDiffFiles(report), [
      {name: 'v1.ConfigMap.ns.new', merged: 'data:\n  a: "1"\nkind: ConfigMap\n'},
      {name: 'v1.ConfigMap.ns.mod', live: 'data:\n  a: "1"\n', merged: 'data:\n  a: "2"\n'},
      {name: 'v1.ConfigMap.ns.old', live: 'data:\n  a: "1"\n'},
    ])
  })
})

describe('externalDiffCommand', () => {
  test('STRATA_EXTERNAL_DIFF first, then KUBECTL_EXTERNAL_DIFF; split on spaces; unsafe words dropped and reported', () => {
    assert.deepEqual(externalDiffCommand({STRATA_EXTERNAL_DIFF: 'colordiff  -u -N', KUBECTL_EXTERNAL_DIFF: 'meld'}), {variable: 'STRATA_EXTERNAL_DIFF', program: 'colordiff', args: ['-u', '-N'], dropped: []})
    assert.deepEqual(externalDiffCommand({KUBECTL_EXTERNAL_DIFF: 'diff --color=always $(x) a;b'}), {variable: 'KUBECTL_EXTERNAL_DIFF', program: 'diff', args: ['--color=always'], dropped: ['$(x)', 'a;b']})
  })
  test('unset, or STRATA_EXTERNAL_DIFF set empty: the built-in diff', () => {
    assert.equal(externalDiffCommand({}), undefined)
    assert.equal(externalDiffCommand({STRATA_EXTERNAL_DIFF: '', KUBECTL_EXTERNAL_DIFF: 'meld'}), undefined)
    assert.equal(externalDiffCommand({KUBECTL_EXTERNAL_DIFF: '  '}), undefined)
  })
})
