import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {formatPreviewMarkdown, formatPreviewText, githubCommentLimit} from '../../../src/preview/format.js'
import {previewExitCode, type PreviewReport, type RootPreview} from '../../../src/preview/run.js'
import {makeTheme} from '../../../src/ui/theme.js'

function root(i: number, lines: number): RootPreview {
  const data = Object.fromEntries(Array.from({length: lines}, (_, j) => [`key${j}`, `value ${i}-${j}`]))
  return {
    root: `apps/app${String(i).padStart(3, '0')}/overlays/prod`,
    status: 'changed',
    counts: {add: 0, change: 1, delete: 0},
    changedInputs: ['shared/prod/hardening.yaml'],
    objects: [{id: {group: '', version: 'v1', kind: 'ConfigMap', namespace: 'ns', name: `cm${i}`}, action: 'change', changedPaths: ['data'], before: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `cm${i}`}, data: {}}, after: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `cm${i}`}, data}}],
  }
}

function report(roots: RootPreview[]): PreviewReport {
  const summary = {roots: roots.length, changedRoots: roots.filter((r) => r.status !== 'unchanged' && r.status !== 'error').length, errors: roots.filter((r) => r.status === 'error').length, add: 0, change: 0, delete: 0}
  for (const r of roots) {
    summary.add += r.counts.add
    summary.change += r.counts.change
    summary.delete += r.counts.delete
  }
  return {base: {ref: 'origin/main', commit: 'a'.repeat(40)}, head: {ref: 'work tree'}, roots, summary}
}

describe('preview markdown', () => {
  test('a large report is cut under GitHub\'s limit: summary and table first, whole sections only, a pointer to the full report', () => {
    const big = report(Array.from({length: 400}, (_, i) => root(i, 40)))
    const full = formatPreviewMarkdown(big)
    assert.ok(full.length > githubCommentLimit * 3)
    const cut = formatPreviewMarkdown(big, {limit: githubCommentLimit, fullReport: 'preview-full.md'})
    assert.ok(cut.length <= githubCommentLimit, `${cut.length}`)
    assert.ok(cut.startsWith('### strata preview\n\nComparing `origin/main (aaaaaaaaaaaa)` (merge base) with `work tree`: 400 roots affected'))
    assert.ok(cut.indexOf('| Root | Status |') < cut.indexOf('<details>'))
    assert.equal(cut.split('<details>').length, cut.split('</details>').length)
    assert.match(cut, /diffs shown\. The full report is in `preview-full\.md`\._\n$/)
    assert.ok(full.startsWith(cut.slice(0, cut.indexOf('<details>') - 400)))
    const small = formatPreviewMarkdown(report([root(1, 2)]), {limit: githubCommentLimit})
    assert.doesNotMatch(small, /Cut to fit/)
    assert.match(small, /<details><summary><code>apps\/app001\/overlays\/prod<\/code> — changed: \+0 ~1 -0<\/summary>\n\n```diff\n~ ConfigMap ns\/cm1: change\n/)
  })

  test('a diff holding backticks gets a longer fence, so it cannot close the block early', () => {
    const r = root(1, 1)
    r.objects[0].after = {...r.objects[0].after!, data: {script: 'echo ```done```'}}
    const md = formatPreviewMarkdown(report([r]))
    assert.match(md, /\n````diff\n[\s\S]*echo ```done```[\s\S]*\n````\n/)
  })

  test('text: one section per root, a summary table, and the exit code as strata diff', () => {
    const err: RootPreview = {root: 'apps/broken', status: 'error', counts: {add: 0, change: 0, delete: 0}, objects: [], changedInputs: [], error: 'apps/broken/kustomization.yaml: oops'}
    const text = formatPreviewText(report([root(1, 1), err]), makeTheme(false))
    assert.match(text, /=== apps\/app001\/overlays\/prod \(changed: \+0 ~1 -0\)\n~ ConfigMap ns\/cm1: change\n/)
    assert.match(text, /=== apps\/broken \(error\)\napps\/broken\/kustomization\.yaml: oops\n/)
    assert.match(text, /ROOT\s+\+\s+~\s+-\napps\/app001\/overlays\/prod\s+0\s+1\s+0\napps\/broken\s+error\n/)
    assert.equal(previewExitCode(report([root(1, 1), err])), 2)
    assert.equal(previewExitCode(report([root(1, 1)])), 1)
    assert.equal(previewExitCode(report([{...root(1, 1), status: 'unchanged', objects: [], counts: {add: 0, change: 0, delete: 0}}])), 0)
  })
})
