import {BoundedCache} from '../model/bounded-cache.js'
import {UserError, type ErrorOrigin} from '../model/errors.js'

// Kubernetes label selector strings (`a=b,c in (x,y),!d`), as kustomize parses them for patch and
// replacement targets: a port of the apimachinery lexer/parser that kustomize vendors (kyaml
// k8sgen/pkg/labels), with the same validation and the same error texts, so a bad selector fails
// here exactly where `kubectl kustomize` fails.

export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt'

export interface Requirement {
  key: string
  operator: SelectorOperator
  /** Sorted and de-duplicated, as apimachinery's string set lists them. */
  values: string[]
}

/** Requirements sorted by key; an empty list selects everything. */
export type LabelSelector = readonly Requirement[]

const enum Tok {
  Error,
  End,
  ClosePar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const literalTokens = new Map<string, Tok>([
  [')', Tok.ClosePar],
  [',', Tok.Comma],
  ['!', Tok.DoesNotExist],
  ['==', Tok.DoubleEquals],
  ['=', Tok.Equals],
  ['>', Tok.GreaterThan],
  ['in', Tok.In],
  ['<', Tok.LessThan],
  ['!=', Tok.NotEquals],
  ['notin', Tok.NotIn],
  ['(', Tok.OpenPar],
])

interface Item {
  tok: Tok
  lit: string
}

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isSpecial = (c: string) => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<'

function scan(s: string): Item[] {
  const items: Item[] = []
  let pos = 0
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++
    if (pos >= s.length) {
      items.push({tok: Tok.End, lit: ''})
      return items
    }
    if (isSpecial(s[pos])) {
      // Longest special-symbol run that still forms a token, like the Go lexer.
      let buf = ''
      let last: Item | undefined
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos]
        const t = literalTokens.get(buf)
        if (t !== undefined) last = {tok: t, lit: buf}
        else if (last) break
        pos++
      }
      items.push(last ?? {tok: Tok.Error, lit: `error expected: keyword found '${buf}'`})
      continue
    }
    const start = pos
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++
    const word = s.slice(start, pos)
    items.push({tok: literalTokens.get(word) ?? Tok.Identifier, lit: word})
  }
}

class Parser {
  private pos = 0
  constructor(private readonly items: Item[]) {}

  /** In value position `in`/`notin` are plain identifiers. */
  private asValue(it: Item): Item {
    return it.tok === Tok.In || it.tok === Tok.NotIn ? {tok: Tok.Identifier, lit: it.lit} : it
  }
  lookahead(values = true): Item {
    const it = this.items[this.pos]
    return values ? this.asValue(it) : it
  }
  consume(values = true): Item {
    const it = this.items[this.pos++]
    return values ? this.asValue(it) : it
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = []
    for (;;) {
      const {tok, lit} = this.lookahead()
      if (tok === Tok.Identifier || tok === Tok.DoesNotExist) {
        let r: Requirement
        try {
          r = this.parseRequirement()
        } catch (e) {
          throw new SelectorSyntaxError(`unable to parse requirement: ${(e as Error).message}`)
        }
        reqs.push(r)
        const next = this.consume()
        if (next.tok === Tok.End) return reqs
        if (next.tok === Tok.Comma) {
          const after = this.lookahead()
          if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) throw new SelectorSyntaxError(`found '${after.lit}', expected: identifier after ','`)
          continue
        }
        throw new SelectorSyntaxError(`found '${next.lit}', expected: ',' or 'end of string'`)
      }
      if (tok === Tok.End) return reqs
      throw new SelectorSyntaxError(`found '${lit}', expected: !, identifier, or 'end of string'`)
    }
  }

  private parseRequirement(): Requirement {
    let {tok, lit} = this.consume()
    let operator: SelectorOperator | undefined
    if (tok === Tok.DoesNotExist) {
      operator = '!'
      ;({tok, lit} = this.consume())
    }
    if (tok !== Tok.Identifier) throw new Error(`found '${lit}', expected: identifier`)
    const key = lit
    validateKey(key)
    const ahead = this.lookahead().tok
    if ((ahead === Tok.End || ahead === Tok.Comma) && operator !== '!') operator = 'exists'
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, [])
    operator = this.parseOperator()
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue()
    return newRequirement(key, operator, [...values].sort())
  }

  private parseOperator(): SelectorOperator {
    const {tok, lit} = this.consume(false)
    switch (tok) {
      case Tok.In:
        return 'in'
      case Tok.Equals:
        return '='
      case Tok.DoubleEquals:
        return '=='
      case Tok.GreaterThan:
        return 'gt'
      case Tok.LessThan:
        return 'lt'
      case Tok.NotIn:
        return 'notin'
      case Tok.NotEquals:
        return '!='
      default:
        throw new Error(`found '${lit}', expected: '=', '!=', '==', 'in', notin'`)
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume()
    if (open.tok !== Tok.OpenPar) throw new Error(`found '${open.lit}' expected: '('`)
    const {tok, lit} = this.lookahead()
    if (tok === Tok.Identifier || tok === Tok.Comma) {
      const s = this.parseIdentifiers()
      // The Go parser reports the literal it looked at before the list, not the one it found.
      if (this.consume().tok !== Tok.ClosePar) throw new Error(`found '${lit}', expected: ')'`)
      return s
    }
    if (tok === Tok.ClosePar) {
      this.consume()
      return new Set([''])
    }
    throw new Error(`found '${lit}', expected: ',', ')' or identifier`)
  }

  private parseIdentifiers(): Set<string> {
    const s = new Set<string>()
    for (;;) {
      const {tok, lit} = this.consume()
      if (tok === Tok.Identifier) {
        s.add(lit)
        const next = this.lookahead()
        if (next.tok === Tok.Comma) continue
        if (next.tok === Tok.ClosePar) return s
        throw new Error(`found '${next.lit}', expected: ',' or ')'`)
      }
      if (tok === Tok.Comma) {
        // `(,`, `,)` and `,,` stand for empty values.
        if (s.size === 0) s.add('')
        const next = this.lookahead().tok
        if (next === Tok.ClosePar) {
          s.add('')
          return s
        }
        if (next === Tok.Comma) {
          this.consume()
          s.add('')
        }
        continue
      }
      throw new Error(`found '${lit}', expected: ',', or identifier`)
    }
  }

  private parseExactValue(): Set<string> {
    const ahead = this.lookahead()
    if (ahead.tok === Tok.End || ahead.tok === Tok.Comma) return new Set([''])
    const {tok, lit} = this.consume()
    if (tok === Tok.Identifier) return new Set([lit])
    throw new Error(`found '${lit}', expected: identifier`)
  }
}

class SelectorSyntaxError extends Error {}

function newRequirement(key: string, operator: SelectorOperator, values: string[]): Requirement {
  validateKey(key)
  if ((operator === 'in' || operator === 'notin') && values.length === 0) throw new Error("for 'in', 'notin' operators, values set can't be empty")
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) throw new Error('exact-match compatibility requires one single value')
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) throw new Error("for 'Gt', 'Lt' operators, exactly one value is required")
    if (parseInt64(values[0]) === undefined) throw new Error("for 'Gt', 'Lt' operators, the value must be an integer")
  }
  for (const v of values) {
    const errs = labelValueErrors(v)
    if (errs.length) throw new Error(`invalid label value: ${goQuote(v)}: at key: ${goQuote(key)}: ${errs.join('; ')}`)
  }
  return {key, operator, values}
}

function validateKey(key: string): void {
  const errs = qualifiedNameErrors(key)
  if (errs.length) throw new Error(`invalid label key ${goQuote(key)}: ${errs.join('; ')}`)
}

const qnameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const qnameRe = new RegExp(`^${qnameFmt}$`)
const qnameMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const labelValueFmt = `(${qnameFmt})?`
const labelValueRe = new RegExp(`^${labelValueFmt}$`)
const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const dnsLabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const dnsSubdomainFmt = `${dnsLabelFmt}(\\.${dnsLabelFmt})*`
const dnsSubdomainRe = new RegExp(`^${dnsSubdomainFmt}$`)
const dnsSubdomainMsg = "a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`
}

/** Go measures these limits in bytes. */
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8')

function qualifiedNameErrors(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) name = parts[0]
  else if (parts.length === 2) {
    const prefix = parts[0]
    name = parts[1]
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else {
      if (byteLength(prefix) > 253) errs.push('prefix part must be no more than 253 characters')
      if (!dnsSubdomainRe.test(prefix)) errs.push(`prefix part ${regexError(dnsSubdomainMsg, dnsSubdomainFmt, 'example.com')}`)
    }
  } else {
    return [`a qualified name ${regexError(qnameMsg, qnameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else if (byteLength(name) > 63) errs.push('name part must be no more than 63 characters')
  if (!qnameRe.test(name)) errs.push(`name part ${regexError(qnameMsg, qnameFmt, 'MyName', 'my.name', '123-abc')}`)
  return errs
}

function labelValueErrors(value: string): string[] {
  const errs: string[] = []
  if (byteLength(value) > 63) errs.push('must be no more than 63 characters')
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueMsg, labelValueFmt, 'MyValue', 'my_value', '12345'))
  return errs
}

/** Go's %q for the strings that reach it here (label keys and values). */
function goQuote(s: string): string {
  return JSON.stringify(s)
}

const int64Min = -(2n ** 63n)
const int64Max = 2n ** 63n - 1n

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined
  const n = BigInt(s)
  return n < int64Min || n > int64Max ? undefined : n
}

const parsedCache = new BoundedCache<string, LabelSelector>()

/**
 * Parses a selector string (cached: patch targets are matched against every resource). Throws a
 * UserError worded like kustomize's, with `origin` naming where the selector was written.
 */
export function parseLabelSelector(selector: string, origin: ErrorOrigin = {}): LabelSelector {
  const cached = parsedCache.get(selector)
  if (cached) return cached
  let reqs: Requirement[]
  try {
    reqs = new Parser(scan(selector)).parse()
  } catch (e) {
    throw new UserError(`${(e as Error).message} (in selector ${JSON.stringify(selector)})`, origin, 'Write the selector as Kubernetes label selectors are written, e.g. `app=web,tier in (fe,be),!canary`.')
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  parsedCache.set(selector, reqs)
  return reqs
}

/** True when `labels` satisfies every requirement (an empty selector matches everything). */
export function matchesSelector(labels: Readonly<Record<string, string>>, selector: LabelSelector): boolean {
  for (const r of selector) if (!matchesRequirement(labels, r)) return false
  return true
}

function matchesRequirement(labels: Readonly<Record<string, string>>, r: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key)
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(labels[r.key])
    case 'notin':
    case '!=':
      return !has || !r.values.includes(labels[r.key])
    case 'exists':
      return has
    case '!':
      return !has
    case 'gt':
    case 'lt': {
      if (!has) return false
      const v = parseInt64(labels[r.key])
      const want = parseInt64(r.values[0])
      if (v === undefined || want === undefined) return false
      return r.operator === 'gt' ? v > want : v < want
    }
  }
}
