import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {evaluate, ExprError, parseExpr, type Value} from '../../../../src/rollout/analysis/expr.js'

const run = (src: string, result: Value) => evaluate(parseExpr(src), {result})

test('the conditions Argo Rollouts users write evaluate as expr-lang does', () => {
  assert.equal(run('result[0] < 0.05', [0.01]), true)
  assert.equal(run('result[0] < 0.05', [0.5]), false)
  assert.equal(run('len(result) > 0 && all(result, {# < 500})', [100, 499]), true)
  assert.equal(run('len(result) > 0 && all(result, {# < 500})', [100, 500]), false)
  assert.equal(run('len(result) > 0 && all(result, {# < 500})', []), false)
  assert.equal(run('any(result, {# >= 0.9})', [0.1, 0.95]), true)
  assert.equal(run('none(result, {# > 1})', [0.1, 0.95]), true)
  assert.equal(run('one(result, {# > 0.5})', [0.1, 0.95]), true)
  assert.equal(run('count(result, {# > 0})', [1, 2, 0]), 2)
  assert.equal(run('result >= 0.95', 0.97), true)
  assert.equal(run('result.data.ok == true and result.data.code != "E1"', {data: {ok: true, code: 'E0'}}), true)
  assert.equal(run('result["data"]["code"] in ["E0", "E2"]', {data: {code: 'E2'}}), true)
  assert.equal(run('not (result > 1) || result == nil', 0.5), true)
  assert.equal(run('result[-1] == 3', [1, 2, 3]), true)
  assert.equal(run('isNaN(result[0]) ? false : result[0] < 1', [Number.NaN]), false)
  assert.equal(run('default(result.missing, 7) == 7', {}), true)
  assert.equal(run('sum(result) / len(result) <= 2', [1, 2, 3]), true)
  assert.equal(run('max(result) - min(result) == 2 ** 1', [1, 2, 3]), true)
  assert.equal(run('asFloat("0.25") * 4 == 1 && asInt("7") % 4 == 3', null), true)
  assert.equal(run('abs(-1.5e2) == 150 && -result == -1', 1), true)
  assert.equal(run("'a\\'b' + \"c\" == \"a'bc\"", null), true)
  assert.equal(run('len(filter(result, {# > 1})) == len(map(result, {# * 2})) - 1', [1, 2]), true)
})

test('precedence: * over +, + over comparison, comparison over &&, && over ||, ** right-associative', () => {
  assert.equal(run('1 + 2 * 3 == 7', null), true)
  assert.equal(run('true || false && false', null), true)
  assert.equal(run('2 ** 3 ** 2 == 512', null), true)
  assert.equal(run('(1 + 2) * 3', null), 9)
  assert.equal(run('1 < 2 == true', null), true)
})

test('mistakes in a condition are refused when it is parsed, with the position', () => {
  for (const [src, why] of [
    ['result <', /unexpected the end/],
    ['result[0] < 0.05)', /unexpected "\)"/],
    ['rezult < 1', /unknown name "rezult"/],
    ['eval("1")', /unknown function eval/],
    ['len(result, 1)', /takes 1 argument/],
    ['all(result, # < 1)', /expected "\{"/],
    ['# < 1', /only meaningful inside a predicate/],
    ['"open', /unterminated string/],
    ['result @ 1', /unexpected "@"/],
    ['constructor', /unknown name/],
  ] as const) {
    assert.throws(() => parseExpr(src), (e: unknown) => e instanceof ExprError && why.test(e.message), src)
  }
})

test('a field name reads own data only, never the prototype chain', () => {
  assert.equal(run('result.__proto__', {}), null)
  assert.equal(run('result["constructor"]', {}), null)
  assert.throws(() => run('result.__proto__.x', {}), ExprError)
})

test('type mistakes at evaluation are ExprErrors, never a silent pass', () => {
  for (const [src, result] of [
    ['result < 1', 'x'],
    ['result && true', 1],
    ['result[3] < 1', [1]],
    ['result[0] < 1', 5],
    ['len(result) > 0', 5],
    ['all(result, {# < 1})', 5],
    ['all(result, {# + 1})', [1]],
    ['result % 0 == 0', 3],
    ['result.x', [1]],
  ] as Array<[string, Value]>) assert.throws(() => run(src, result), ExprError, src)
})

test('property: a number compared with a literal agrees with JavaScript', () => {
  const ops = ['<', '<=', '>', '>=', '==', '!='] as const
  fc.assert(
    fc.property(fc.double({noNaN: true, noDefaultInfinity: true}), fc.double({noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6}), fc.constantFrom(...ops), (x, lit, op) => {
      const text = `result ${op} ${lit.toPrecision(17).replace('+', '')}`
      const limit = Number(lit.toPrecision(17))
      const expected = {'<': x < limit, '<=': x <= limit, '>': x > limit, '>=': x >= limit, '==': x === limit, '!=': x !== limit}[op]
      return run(text, x) === expected
    }),
    {numRuns: 400},
  )
})

test('property: all/any over a vector agree with Array.every/some', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({min: -1000, max: 1000}), {maxLength: 20}), fc.integer({min: -1000, max: 1000}), (xs, limit) => {
      return run(`all(result, {# < ${limit}})`, xs) === xs.every((x) => x < limit) && run(`any(result, {# < ${limit}})`, xs) === xs.some((x) => x < limit) && run('len(result)', xs) === xs.length
    }),
    {numRuns: 300},
  )
})

test('property: arbitrary text either parses or throws an ExprError, nothing else', () => {
  fc.assert(
    fc.property(fc.string({maxLength: 40}), (s) => {
      try {
        parseExpr(s)
      } catch (e) {
        return e instanceof ExprError
      }
      return true
    }),
    {numRuns: 1000},
  )
})

test('property: arithmetic on integers matches JavaScript', () => {
  fc.assert(
    fc.property(fc.integer({min: -1000, max: 1000}), fc.integer({min: -1000, max: 1000}), fc.integer({min: 1, max: 50}), (a, b, c) => {
      return run(`(${a}) + (${b}) * ${c} - (${a}) % ${c}`, null) === a + b * c - (a % c)
    }),
    {numRuns: 300},
  )
})
