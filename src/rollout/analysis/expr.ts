// The condition language of Analysis metrics: the subset of expr-lang (github.com/expr-lang/expr,
// what Argo Rollouts evaluates successCondition/failureCondition with) that such conditions use:
//   result[0] < 0.05 · len(result) > 0 && all(result, {# < 500}) · result.status == "ok" ? …
// Our own small parser and tree-walking evaluator: a condition comes from a file in a repository,
// so it must never reach eval/Function, and its mistakes must be found when the file is read
// (parseExpr), not when the metric first reports.
//
// Strict like expr-lang: `&&`, `||`, `!` and `?:` want booleans, arithmetic wants numbers (`+` also
// joins strings), comparisons want two numbers or two strings; anything else is an ExprError at
// evaluation, which the verdict engine counts as a measurement error, never as a pass.

export class ExprError extends Error {
  constructor(message: string, readonly position?: number) {
    super(message)
    this.name = 'ExprError'
  }
}

export type Expr =
  | {t: 'lit'; value: Value}
  | {t: 'ident'; name: string}
  | {t: 'elem'} // `#`, the element inside a predicate {…}
  | {t: 'unary'; op: '!' | '-' | '+'; arg: Expr}
  | {t: 'binary'; op: BinaryOp; left: Expr; right: Expr}
  | {t: 'cond'; test: Expr; then: Expr; else: Expr}
  | {t: 'index'; target: Expr; index: Expr}
  | {t: 'member'; target: Expr; name: string}
  | {t: 'call'; fn: string; args: Expr[]}
  | {t: 'closure'; body: Expr}
  | {t: 'array'; items: Expr[]}

type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '**' | 'in'
export type Value = null | boolean | number | string | Value[] | {[k: string]: Value}

/** Functions a condition may call: name → [min args, max args, which args are predicates]. */
const functions: Record<string, {min: number; max: number; predicate?: number}> = {
  len: {min: 1, max: 1},
  all: {min: 2, max: 2, predicate: 1},
  any: {min: 2, max: 2, predicate: 1},
  none: {min: 2, max: 2, predicate: 1},
  one: {min: 2, max: 2, predicate: 1},
  filter: {min: 2, max: 2, predicate: 1},
  map: {min: 2, max: 2, predicate: 1},
  count: {min: 2, max: 2, predicate: 1},
  sum: {min: 1, max: 1},
  max: {min: 1, max: 99},
  min: {min: 1, max: 99},
  abs: {min: 1, max: 1},
  isNaN: {min: 1, max: 1},
  isInf: {min: 1, max: 1},
  float: {min: 1, max: 1},
  int: {min: 1, max: 1},
  asFloat: {min: 1, max: 1},
  asInt: {min: 1, max: 1},
  default: {min: 2, max: 2},
}

type Tok = {k: 'num'; v: number; p: number} | {k: 'str'; v: string; p: number} | {k: 'id'; v: string; p: number} | {k: 'op'; v: string; p: number} | {k: 'end'; p: number}

const operators = ['**', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', '{', '}', ',', '.', '?', ':', '#']

function tokenize(src: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    const start = i
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]+)?(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i))!
      const text = m[0].replace(/_/g, '')
      const v = Number(text)
      if (m[0] === '' || !Number.isFinite(v)) throw new ExprError(`bad number at ${start}`, start)
      toks.push({k: 'num', v, p: start})
      i += m[0].length
      continue
    }
    if (c === '"' || c === "'") {
      let out = ''
      i++
      for (;;) {
        if (i >= src.length) throw new ExprError(`unterminated string starting at ${start}`, start)
        const d = src[i]
        if (d === c) break
        if (d === '\\') {
          const e = src[i + 1]
          const map: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'"}
          if (e === undefined || !(e in map)) throw new ExprError(`unknown escape \\${e ?? ''} at ${i}`, i)
          out += map[e]
          i += 2
          continue
        }
        out += d
        i++
      }
      i++
      toks.push({k: 'str', v: out, p: start})
      continue
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!
      toks.push({k: 'id', v: m[0], p: start})
      i += m[0].length
      continue
    }
    const op = operators.find((o) => src.startsWith(o, i))
    if (!op) throw new ExprError(`unexpected ${JSON.stringify(c)} at ${i}`, i)
    toks.push({k: 'op', v: op, p: start})
    i += op.length
  }
  toks.push({k: 'end', p: src.length})
  return toks
}

// Precedence climbing, lowest first (expr-lang's table: or, and, equality/relational/in, +-, */%, **).
const binaryLevels: Array<Record<string, BinaryOp>> = [
  {'||': '||', or: '||'},
  {'&&': '&&', and: '&&'},
  {'==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', in: 'in'},
  {'+': '+', '-': '-'},
  {'*': '*', '/': '/', '%': '%'},
]

/**
 * Parses `src`; throws ExprError naming the position of the first mistake. `names` are the
 * identifiers the condition may read (e.g. ['result']); any other name is refused here.
 */
export function parseExpr(src: string, names: readonly string[] = ['result']): Expr {
  const toks = tokenize(src)
  let pos = 0
  let closureDepth = 0
  const peek = () => toks[pos]
  const isOp = (v: string) => {
    const t = toks[pos]
    return (t.k === 'op' || t.k === 'id') && t.v === v
  }
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExprError(`expected ${JSON.stringify(v)} at ${peek().p}, found ${describe(peek())}`, peek().p)
    pos++
  }
  const describe = (t: Tok) => (t.k === 'end' ? 'the end' : JSON.stringify(String(t.v)))

  const ternary = (): Expr => {
    const test = binary(0)
    if (isOp('?')) {
      pos++
      const then = ternary()
      expect(':')
      const otherwise = ternary()
      return {t: 'cond', test, then, else: otherwise}
    }
    return test
  }
  const binary = (level: number): Expr => {
    if (level === binaryLevels.length) return power()
    let left = binary(level + 1)
    for (;;) {
      const t = peek()
      const op = (t.k === 'op' || t.k === 'id') && Object.hasOwn(binaryLevels[level], t.v) ? binaryLevels[level][t.v] : undefined
      if (!op) return left
      pos++
      left = {t: 'binary', op, left, right: binary(level + 1)}
    }
  }
  const power = (): Expr => {
    const base = unary()
    if (isOp('**')) {
      pos++
      return {t: 'binary', op: '**', left: base, right: power()} // right-associative
    }
    return base
  }
  const unary = (): Expr => {
    if (isOp('!') || isOp('not')) {
      pos++
      return {t: 'unary', op: '!', arg: unary()}
    }
    if (isOp('-') || isOp('+')) {
      const op = (peek() as {v: string}).v as '-' | '+'
      pos++
      return {t: 'unary', op, arg: unary()}
    }
    return postfix(primary())
  }
  const postfix = (e: Expr): Expr => {
    for (;;) {
      if (isOp('[')) {
        pos++
        const index = ternary()
        expect(']')
        e = {t: 'index', target: e, index}
      } else if (isOp('.')) {
        pos++
        const t = peek()
        if (t.k !== 'id') throw new ExprError(`expected a field name after "." at ${t.p}`, t.p)
        pos++
        e = {t: 'member', target: e, name: t.v}
      } else return e
    }
  }
  const primary = (): Expr => {
    const t = peek()
    if (t.k === 'num' || t.k === 'str') {
      pos++
      return {t: 'lit', value: t.v}
    }
    if (t.k === 'op' && t.v === '(') {
      pos++
      const e = ternary()
      expect(')')
      return e
    }
    if (t.k === 'op' && t.v === '[') {
      pos++
      const items: Expr[] = []
      while (!isOp(']')) {
        items.push(ternary())
        if (!isOp(']')) expect(',')
      }
      pos++
      return {t: 'array', items}
    }
    if (t.k === 'op' && t.v === '#') {
      if (closureDepth === 0) throw new ExprError(`"#" at ${t.p} is only meaningful inside a predicate such as all(result, {# < 1})`, t.p)
      pos++
      return {t: 'elem'}
    }
    if (t.k === 'id') {
      pos++
      if (t.v === 'true' || t.v === 'false') return {t: 'lit', value: t.v === 'true'}
      if (t.v === 'nil') return {t: 'lit', value: null}
      if (isOp('(')) return call(t.v, t.p)
      if (!names.includes(t.v)) throw new ExprError(`unknown name ${JSON.stringify(t.v)} at ${t.p} (a condition can read ${names.join(', ')})`, t.p)
      return {t: 'ident', name: t.v}
    }
    throw new ExprError(`unexpected ${describe(t)} at ${t.p}`, t.p)
  }
  const call = (fn: string, at: number): Expr => {
    const spec = Object.hasOwn(functions, fn) ? functions[fn] : undefined
    if (!spec) throw new ExprError(`unknown function ${fn}() at ${at} (known: ${Object.keys(functions).join(', ')})`, at)
    expect('(')
    const args: Expr[] = []
    while (!isOp(')')) {
      if (args.length === spec.predicate) {
        expect('{')
        closureDepth++
        const body = ternary()
        closureDepth--
        expect('}')
        args.push({t: 'closure', body})
      } else args.push(ternary())
      if (!isOp(')')) expect(',')
    }
    pos++
    if (args.length < spec.min || args.length > spec.max) throw new ExprError(`${fn}() at ${at} takes ${spec.min === spec.max ? spec.min : `${spec.min} to ${spec.max}`} argument(s), not ${args.length}`, at)
    return {t: 'call', fn, args}
  }

  const e = ternary()
  if (peek().k !== 'end') throw new ExprError(`unexpected ${describe(peek())} at ${peek().p}`, peek().p)
  return e
}

const typeName = (v: Value | undefined): string => (v === null || v === undefined ? 'nil' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'map' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : 'string')

function bool(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') throw new ExprError(`${what} needs a bool, got ${typeName(v)}`)
  return v
}
function num(v: Value, what: string): number {
  if (typeof v !== 'number') throw new ExprError(`${what} needs a number, got ${typeName(v)}`)
  return v
}
function list(v: Value, what: string): Value[] {
  if (!Array.isArray(v)) throw new ExprError(`${what} needs an array, got ${typeName(v)}`)
  return v
}

function equal(a: Value, b: Value): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]))
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]))
  }
  return false
}

function compare(op: string, a: Value, b: Value): boolean {
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) throw new ExprError(`${op} compares two numbers or two strings, got ${typeName(a)} and ${typeName(b)}`)
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    default:
      return a >= b
  }
}

/** Evaluates a parsed condition against `env` (e.g. {result}). Throws ExprError on a type mistake. */
export function evaluate(e: Expr, env: Record<string, Value>, elem?: Value): Value {
  const ev = (x: Expr) => evaluate(x, env, elem)
  switch (e.t) {
    case 'lit':
      return e.value
    case 'ident':
      if (!Object.hasOwn(env, e.name)) throw new ExprError(`${e.name} is not set`)
      return env[e.name]
    case 'elem':
      return elem === undefined ? null : elem
    case 'array':
      return e.items.map(ev)
    case 'unary': {
      const v = ev(e.arg)
      if (e.op === '!') return !bool(v, '!')
      return e.op === '-' ? -num(v, 'unary -') : num(v, 'unary +')
    }
    case 'cond':
      return bool(ev(e.test), '?:') ? ev(e.then) : ev(e.else)
    case 'binary':
      return binaryOp(e.op, e.left, e.right, ev)
    case 'index': {
      const target = ev(e.target)
      const index = ev(e.index)
      if (Array.isArray(target)) {
        const i = num(index, 'an array index')
        if (!Number.isInteger(i)) throw new ExprError(`array index ${i} is not an integer`)
        const at = i < 0 ? target.length + i : i
        if (at < 0 || at >= target.length) throw new ExprError(`index ${i} out of range (len ${target.length})`)
        return target[at]
      }
      if (target && typeof target === 'object') {
        if (typeof index !== 'string') throw new ExprError(`a map index needs a string, got ${typeName(index)}`)
        return Object.hasOwn(target, index) ? target[index] : null
      }
      throw new ExprError(`cannot index ${typeName(target)}`)
    }
    case 'member': {
      const target = ev(e.target)
      if (target && typeof target === 'object' && !Array.isArray(target)) return Object.hasOwn(target, e.name) ? target[e.name] : null
      throw new ExprError(`cannot read .${e.name} of ${typeName(target)}`)
    }
    case 'closure':
      throw new ExprError('a predicate {…} is only valid as an argument of all/any/none/one/filter/map/count')
    case 'call':
      return callFn(e.fn, e.args, env, ev)
  }
}

function binaryOp(op: BinaryOp, l: Expr, r: Expr, ev: (x: Expr) => Value): Value {
  if (op === '||') return bool(ev(l), '||') || bool(ev(r), '||')
  if (op === '&&') return bool(ev(l), '&&') && bool(ev(r), '&&')
  const a = ev(l)
  const b = ev(r)
  switch (op) {
    case '==':
      return equal(a, b)
    case '!=':
      return !equal(a, b)
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a, b)
    case 'in':
      if (Array.isArray(b)) return b.some((x) => equal(x, a))
      if (b && typeof b === 'object') return typeof a === 'string' && Object.hasOwn(b, a)
      throw new ExprError(`in needs an array or map on its right, got ${typeName(b)}`)
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b
      return num(a, '+') + num(b, '+')
    case '-':
      return num(a, '-') - num(b, '-')
    case '*':
      return num(a, '*') * num(b, '*')
    case '/':
      return num(a, '/') / num(b, '/')
    case '%': {
      const x = num(a, '%')
      const y = num(b, '%')
      if (!Number.isInteger(x) || !Number.isInteger(y)) throw new ExprError('% needs integers')
      if (y === 0) throw new ExprError('integer divide by zero')
      return x % y
    }
    case '**':
      return num(a, '**') ** num(b, '**')
  }
}

function callFn(fn: string, args: Expr[], env: Record<string, Value>, ev: (x: Expr) => Value): Value {
  const predicate = (coll: Value) => {
    const items = list(coll, `${fn}()`)
    const body = (args[1] as {t: 'closure'; body: Expr}).body
    return {items, test: (x: Value) => evaluate(body, env, x)}
  }
  switch (fn) {
    case 'len': {
      const v = ev(args[0])
      if (Array.isArray(v) || typeof v === 'string') return v.length
      if (v && typeof v === 'object') return Object.keys(v).length
      throw new ExprError(`len() needs an array, string or map, got ${typeName(v)}`)
    }
    case 'all': {
      const {items, test} = predicate(ev(args[0]))
      return items.every((x) => bool(test(x), 'all() predicate'))
    }
    case 'any': {
      const {items, test} = predicate(ev(args[0]))
      return items.some((x) => bool(test(x), 'any() predicate'))
    }
    case 'none': {
      const {items, test} = predicate(ev(args[0]))
      return !items.some((x) => bool(test(x), 'none() predicate'))
    }
    case 'one': {
      const {items, test} = predicate(ev(args[0]))
      return items.filter((x) => bool(test(x), 'one() predicate')).length === 1
    }
    case 'count': {
      const {items, test} = predicate(ev(args[0]))
      return items.filter((x) => bool(test(x), 'count() predicate')).length
    }
    case 'filter': {
      const {items, test} = predicate(ev(args[0]))
      return items.filter((x) => bool(test(x), 'filter() predicate'))
    }
    case 'map': {
      const {items, test} = predicate(ev(args[0]))
      return items.map(test)
    }
    case 'sum':
      return list(ev(args[0]), 'sum()').reduce<number>((s, x) => s + num(x, 'sum()'), 0)
    case 'max':
    case 'min': {
      const vals = args.length === 1 && Array.isArray(ev(args[0])) ? (ev(args[0]) as Value[]) : args.map(ev)
      if (vals.length === 0) throw new ExprError(`${fn}() of an empty array`)
      const nums = vals.map((x) => num(x, `${fn}()`))
      return fn === 'max' ? Math.max(...nums) : Math.min(...nums)
    }
    case 'abs':
      return Math.abs(num(ev(args[0]), 'abs()'))
    case 'isNaN':
      return Number.isNaN(num(ev(args[0]), 'isNaN()'))
    case 'isInf': {
      const v = num(ev(args[0]), 'isInf()')
      return !Number.isFinite(v) && !Number.isNaN(v)
    }
    case 'float':
    case 'asFloat':
    case 'int':
    case 'asInt': {
      const v = ev(args[0])
      const n = typeof v === 'string' ? Number(v.trim()) : num(v, `${fn}()`)
      if (typeof v === 'string' && (v.trim() === '' || Number.isNaN(n))) throw new ExprError(`${fn}() cannot read ${JSON.stringify(v)} as a number`)
      return fn === 'int' || fn === 'asInt' ? Math.trunc(n) : n
    }
    case 'default': {
      const v = ev(args[0])
      return v === null ? ev(args[1]) : v
    }
  }
  throw new ExprError(`unknown function ${fn}()`)
}
