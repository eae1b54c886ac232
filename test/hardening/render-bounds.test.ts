// Promise 6 of issue 8: hostile input to render ends with a clear UserError or a correct result,
// within bounded time and memory — never a hang, a stack overflow or prototype pollution.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {UserError} from '../../src/model/errors.js'
import {applyJson6902} from '../../src/render/patch/json6902.js'
import {strategicMerge} from '../../src/render/patch/strategic-merge.js'
import {renderKustomization} from '../../src/render/render.js'
import {parseYamlDocuments} from '../../src/render/yaml/parse.js'
import {memoryFileSystem} from '../../src/source/filesystem.js'
import {growthOf} from '../unit/helpers/growth.js'

const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`

function render(files: Record<string, string | Buffer>, options: {maxInputBytes?: number} = {}) {
  return renderKustomization('/app', {fs: memoryFileSystem(files), displayBase: '/', ...options})
}

async function rejectsWithUserError(p: Promise<unknown>, pattern: RegExp, file?: string | RegExp): Promise<UserError> {
  let caught: unknown
  try {
    await p
  } catch (e) {
    caught = e
  }
  assert.ok(caught instanceof UserError, `expected a UserError, got ${String(caught)}`)
  assert.match(caught.message, pattern)
  if (typeof file === 'string') assert.equal(caught.origin.file, file)
  else if (file) assert.match(caught.origin.file ?? '', file)
  return caught
}

describe('YAML alias bombs', () => {
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i <= 9; i++) {
    const prev = String.fromCharCode(96 + i)
    const cur = String.fromCharCode(97 + i)
    bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`)
  }
  const bombText = cm('bomb', `data:\n  x: y\nbomb:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`)

  // 'excessive aliasing' is the parser's count of expanded alias nodes running over its allowance:
  // the refusal comes from counting, before any expansion is built, whatever the machine's speed.
  test('billion laughs: a UserError naming the file, from the alias count', async () => {
    await rejectsWithUserError(render({'/app/kustomization.yaml': 'resources:\n- bomb.yaml\n', '/app/bomb.yaml': bombText}), /excessive aliasing/, 'app/bomb.yaml')
  })

  test('a bomb in the kustomization file itself', async () => {
    const k = `resources:\n- cm.yaml\ncommonLabels: &l0 {a: b}\n${bomb.map((l) => `x${l}`).join('\n')}\n`
    await rejectsWithUserError(render({'/app/kustomization.yaml': k, '/app/cm.yaml': cm('a')}), /excessive aliasing/, 'app/kustomization.yaml')
  })

  test('an alias inside its own anchor (js-yaml accepts it; nothing can expand it)', () => {
    for (const text of ['a: &x [1, *x]\n', 'a: &x {b: *x}\n']) {
      assert.throws(() => parseYamlDocuments(text, 'f.yaml'), (e) => e instanceof UserError && /alias inside the node/.test(e.message))
    }
  })

  test('legitimate anchors still render: 1000 aliases of a small map, and merge keys', async () => {
    const items = Array.from({length: 1000}, (_, i) => `  k${i}: *env`).join('\n')
    const text = `${cm('big', `env: &env {a: "1", b: "2"}\ndata:\n${items.replaceAll('*env', '*s')}\n`).replace('env: &env {a: "1", b: "2"}', 'other: &s "v"')}`
    const r = await render({'/app/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n', '/app/a.yaml': text, '/app/b.yaml': `${cm('merge')}data: &d {x: "1"}\nbinaryData:\n  <<: *d\n`})
    assert.equal(r.resources.size, 2)
    assert.match(r.yaml, /k999: v/)
    // go-yaml's allowance: 99% of a document's nodes may come from aliases when it is small.
    const fanout = `root:\n  base: &b {${Array.from({length: 10}, (_, i) => `k${i}: v`).join(', ')}}\n  list: [${Array(500).fill('*b').join(', ')}]\n`
    assert.equal((parseYamlDocuments(fanout, 'f.yaml')[0] as {root: {list: unknown[]}}).root.list.length, 500)
  })
})

describe('deep nesting', () => {
  test('100,000 nested [ in a resource file', async () => {
    await rejectsWithUserError(render({'/app/kustomization.yaml': 'resources:\n- deep.yaml\n', '/app/deep.yaml': `x: ${'['.repeat(100_000)}`}), /./, 'app/deep.yaml')
  })

  test('100,000 nested block sequences and flow mappings', () => {
    // `- - - …` opens one block sequence inside another per dash.
    assert.throws(() => parseYamlDocuments(`${'- '.repeat(100_000)}x\n`, 'f.yaml'), UserError)
    assert.throws(() => parseYamlDocuments(`${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}\n`, 'f.yaml'), UserError)
  })

  test('150 levels (past the js-yaml 4.3 default of 100) render as kubectl renders them; 1000 is a clear error', async () => {
    const block = Array.from({length: 150}, (_, i) => `${'  '.repeat(i + 1)}a:`).join('\n')
    const files = {'/app/kustomization.yaml': 'resources:\n- r.yaml\n', '/app/r.yaml': `${cm('a')}data:\n${block}\n${'  '.repeat(151)}b: 1\n`}
    const r = await render(files)
    assert.ok(r.yaml.includes(`\n${' '.repeat(302)}b: 1\n`))
    const flow = (n: number) => `${cm('a')}data: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`
    assert.equal((await render({...files, '/app/r.yaml': flow(150)})).resources.size, 1)
    await rejectsWithUserError(render({...files, '/app/r.yaml': flow(1000)}), /nesting/, 'app/r.yaml')
  })

  test('deep JSON through a JSON 6902 patch and a strategic-merge patch', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    const base = {'/app/cm.yaml': cm('a')}
    await rejectsWithUserError(
      render({...base, '/app/kustomization.yaml': `resources:\n- cm.yaml\npatches:\n- path: p.json\n  target: {kind: ConfigMap}\n`, '/app/p.json': `[{"op":"add","path":"/data","value":${deep}}]`}),
      /./,
    )
    await rejectsWithUserError(
      render({...base, '/app/kustomization.yaml': `resources:\n- cm.yaml\npatches:\n- path: p.yaml\n`, '/app/p.yaml': `${cm('a')}data: ${deep}\n`}),
      /./,
    )
  })
})

describe('size', () => {
  test('a 100 MB document under the default cap (256 MiB) is read; over a lower cap it is a clear error before parsing', async () => {
    const big = Buffer.alloc(100 * 1024 * 1024, 'a')
    const header = `${cm('big')}data:\n  v: `
    big.write(header, 0)
    const files = {'/app/kustomization.yaml': 'resources:\n- big.yaml\n', '/app/big.yaml': big}
    const e = await rejectsWithUserError(render(files, {maxInputBytes: 64 * 1024 * 1024}), /more than 64 MiB/, 'app/big.yaml')
    assert.match(e.hint ?? '', /--max-input-bytes/)
    // Before parsing: the same file made no YAML at all (an unterminated quote after the header) is
    // refused for its size, not for its syntax.
    big.fill('"', header.length)
    await rejectsWithUserError(render(files, {maxInputBytes: 64 * 1024 * 1024}), /more than 64 MiB/, 'app/big.yaml')
  })

  test('a 100 MB document within the cap renders correctly', async () => {
    const value = 'a'.repeat(100 * 1024 * 1024)
    const big = Buffer.from(`${cm('big')}data:\n  v: ${value}\n`)
    const r = await render({'/app/kustomization.yaml': 'resources:\n- big.yaml\n', '/app/big.yaml': big})
    assert.equal((r.resources.toArray()[0].obj as {data: {v: string}}).data.v.length, value.length)
  })

  test('100,000 tiny documents: all rendered, in time linear in their number', async () => {
    const growth = await growthOf(
      (n) => {
        const docs = Array.from({length: n}, (_, i) => `kind: ConfigMap\napiVersion: v1\nmetadata: {name: c${i}}`).join('\n---\n')
        return async () => assert.equal((await render({'/app/kustomization.yaml': 'resources:\n- many.yaml\n', '/app/many.yaml': docs})).resources.size, n)
      },
      25_000,
      100_000,
      {small: 2, large: 1},
    )
    assert.ok(growth.ratio < 8, growth.describe)
  })

  test('the cap sums distinct files, not visits of a shared one', async () => {
    const files: Record<string, string> = {'/app/kustomization.yaml': `resources:\n${Array.from({length: 10}, (_, i) => `- c${i}.yaml`).join('\n')}\n`}
    for (let i = 0; i < 10; i++) files[`/app/c${i}.yaml`] = cm(`c${i}`, `data: {v: "${'x'.repeat(1000)}"}\n`)
    await rejectsWithUserError(render(files, {maxInputBytes: 5000}), /more than 5000 bytes/)
    assert.equal((await render(files, {maxInputBytes: 20_000})).resources.size, 10)
  })
})

test('strata render --max-input-bytes: exit 2 with one paragraph naming the file and the flag; raised, it renders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cap-'))
  try {
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
    fs.writeFileSync(path.join(dir, 'cm.yaml'), cm('a', `data: {v: "${'x'.repeat(2000)}"}\n`))
    const run = (...args: string[]) => spawnSync(process.execPath, [path.resolve('bin/run.js'), 'render', dir, ...args], {encoding: 'utf8'})
    const refused = run('--max-input-bytes', '1000')
    assert.equal(refused.status, 2)
    assert.equal(refused.stdout, '')
    assert.match(refused.stderr, /cm\.yaml: the render read more than 1000 bytes of input[\s\S]*--max-input-bytes/)
    assert.doesNotMatch(refused.stderr, /\n\s+at /)
    assert.equal(run('--max-input-bytes', '100000').status, 0)
  } finally {
    fs.rmSync(dir, {recursive: true, force: true})
  }
})

describe('graphs and long patch lists', () => {
  test('a cyclic base graph is an error naming the cycle', async () => {
    await rejectsWithUserError(
      render({'/app/kustomization.yaml': 'resources:\n- ../b\n', '/b/kustomization.yaml': 'resources:\n- ../app\n'}, {}).catch((e) => {
        throw e
      }),
      /cycle|itself|already/i,
    )
  })

  test('10,000 JSON 6902 operations: correct result, linear time', async () => {
    const target = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}, data: {}}
    const growth = await growthOf(
      (n) => {
        const ops = [
          ...Array.from({length: n}, (_, i) => ({op: 'add', path: `/data/k${i}`, value: String(i)})),
          ...Array.from({length: n / 2}, (_, i) => ({op: 'remove', path: `/data/k${2 * i}`})),
        ]
        return () => {
          const data = applyJson6902(target, ops, {file: 'p'}).data as Record<string, string>
          assert.equal(Object.keys(data).length, n / 2)
          assert.equal(data[`k${n - 1}`], String(n - 1))
          assert.equal(data.k0, undefined)
          assert.deepEqual(target.data, {})
        }
      },
      2500,
      10_000,
      {small: 1, large: 1},
      5,
    )
    // Four times the ops: well under sixteen times the time (quadratic would be 16x).
    assert.ok(growth.ratio < 8, growth.describe)
  })
})

test('a render with a 15,000-operation YAML JSON 6902 patch file: correct result', async () => {
  const ops = [
    ...Array.from({length: 10_000}, (_, i) => `- op: add\n  path: /data/k${i}\n  value: "${i}"\n`),
    ...Array.from({length: 5000}, (_, i) => `- op: remove\n  path: /data/k${2 * i}\n`),
  ]
  const r = await render({'/app/kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- path: p.yaml\n  target: {kind: ConfigMap}\n', '/app/cm.yaml': cm('a', 'data: {}\n'), '/app/p.yaml': ops.join('')})
  const data = r.resources.toArray()[0].obj.data as Record<string, string>
  assert.equal(Object.keys(data).length, 5000)
  assert.equal(data.k9999, '9999')
})

describe('__proto__', () => {
  // kubectl kustomize keeps `__proto__` as a plain key (checked with kubectl: `add /__proto__` and a
  // strategic-merge patch with `__proto__:` keys render it; `/metadata/__proto__/polluted` fails as
  // a missing path). strata cannot hold such a key in a JavaScript object without it becoming the
  // prototype, so it refuses them with a UserError; nothing is ever polluted.
  const target = () => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}, data: {x: '1'}})
  const notPolluted = () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(({} as Record<string, unknown>).x, undefined)
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)
  }
  const isProtoError = (e: unknown) => e instanceof UserError && /__proto__/.test(e.message)

  const ops = [
    {op: 'add', path: '/metadata/__proto__/polluted', value: 'yes'},
    {op: 'add', path: '/__proto__/x', value: 'yes'},
    {op: 'add', path: '/__proto__', value: {polluted: 'yes'}},
    {op: 'replace', path: '/__proto__/polluted', value: 1},
    {op: 'copy', from: '/data', path: '/__proto__'},
    {op: 'move', from: '/data', path: '/metadata/__proto__'},
    {op: 'add', path: '/metadata/constructor/prototype/polluted', value: 'yes'},
    {op: 'add', path: '/data', value: JSON.parse('{"__proto__": {"polluted": "yes"}}')},
  ]
  for (const op of ops) {
    test(`JSON 6902 ${JSON.stringify(op)}: a UserError`, () => {
      assert.throws(() => applyJson6902(target(), [op], {file: 'p'}), isProtoError)
      notPolluted()
    })
  }

  test('a constructor key that is not followed by prototype is an ordinary key (as in kubectl)', () => {
    const out = applyJson6902(target(), [{op: 'add', path: '/metadata/constructor', value: {prototype: {}}}], {file: 'p'})
    assert.deepEqual((out.metadata as Record<string, unknown>).constructor, {prototype: {}})
    notPolluted()
  })

  test('YAML with __proto__ keys (patch, resource or kustomization): a UserError naming the field', () => {
    assert.throws(() => parseYamlDocuments('metadata:\n  name: a\n  __proto__: {polluted: yes}\n', 'p.yaml'), (e) => isProtoError(e) && (e as UserError).origin.field === 'document 1.metadata.__proto__')
    assert.throws(() => parseYamlDocuments('{"data": {"__proto__": "x"}}', 'p.json'), isProtoError)
    notPolluted()
  })

  test('strategic merge of an object holding an own __proto__ key pollutes nothing', () => {
    const patch = JSON.parse('{"metadata": {"name": "a", "__proto__": {"polluted": "yes"}}, "__proto__": {"polluted": "yes"}, "data": {"__proto__": {"x": "1"}}}')
    try {
      strategicMerge(target(), patch)
    } catch (e) {
      assert.ok(e instanceof UserError, String(e))
    }
    notPolluted()
  })

  test('render with __proto__ in a strategic-merge patch or a JSON 6902 patch: a UserError naming the patch file', async () => {
    const base = {'/app/cm.yaml': cm('a', 'data:\n  x: "1"\n')}
    await rejectsWithUserError(
      render({...base, '/app/kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- path: smp.yaml\n', '/app/smp.yaml': cm('a', '__proto__:\n  polluted: yes\n')}),
      /__proto__/,
      /smp\.yaml|patches\[0\]/,
    )
    await rejectsWithUserError(
      render({...base, '/app/kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- path: j.yaml\n  target: {kind: ConfigMap}\n', '/app/j.yaml': '- op: add\n  path: /metadata/__proto__/polluted\n  value: yes\n'}),
      /__proto__/,
      /j\.yaml|patches\[0\]/,
    )
    notPolluted()
  })
})
