// Reads kustomize's api/krusty/*_test.go and turns each test that writes its files through the
// test harness and runs one build into a tree on disk: the files, the directory built and the
// options the build needs. It understands only what it can reproduce faithfully (string
// literals, concatenations, local string variables, filepath.Join); any other test is reported
// as not extractable with the reason, never guessed.

export interface GoCase {
  /** `file.go:TestName`. */
  name: string
  /** Path (relative to the tree root, `/`-separated) -> content. Directories end with `/`. */
  files: Map<string, string>
  /** The directory the test builds, relative to the tree root ('' is the root). */
  buildDir: string
  /** The test expects the build to fail (RunWithErr). */
  expectsError: boolean
  loadRestrictionsNone: boolean
  enableHelm: boolean
}

export interface GoSkip {
  name: string
  /** 'not extractable' or 'plugins' (exec/KRM function/Go plugin tests, out of scope). */
  category: 'not extractable' | 'plugins'
  reason: string
}

// ---------------------------------------------------------------- lexer

type Token = {kind: 'ident' | 'string' | 'number' | 'punct' | 'rune'; text: string; value?: string}

class NotExtractable extends Error {}
class PluginCase extends Error {}

function decodeInterpreted(body: string): string {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c !== '\\') {
      out += c
      continue
    }
    const n = body[++i]
    const simple: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v'}
    if (n in simple) out += simple[n]
    else if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16))
      i += 2
    } else if (n === 'u' || n === 'U') {
      const len = n === 'u' ? 4 : 8
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + len), 16))
      i += len
    } else if (n >= '0' && n <= '7') {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8))
      i += 2
    } else throw new NotExtractable(`unknown escape \\${n}`)
  }
  // Octal and \x escapes are bytes in Go; a test writing raw non-UTF-8 bytes is not reproduced.
  return out
}

export function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (c === ' ' || c === '\t' || c === '\r') {
      i++
    } else if (c === '\n') {
      out.push({kind: 'punct', text: '\n'})
      i++
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i)
      i = end < 0 ? src.length : end
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2)
      i = end < 0 ? src.length : end + 2
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1)
      const raw = src.slice(i + 1, end).replace(/\r/g, '')
      out.push({kind: 'string', text: raw, value: raw})
      i = end + 1
    } else if (c === '"') {
      let j = i + 1
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1
      const body = src.slice(i + 1, j)
      let value: string | undefined
      try {
        value = decodeInterpreted(body)
      } catch {
        value = undefined
      }
      out.push({kind: 'string', text: body, value})
      i = j + 1
    } else if (c === "'") {
      let j = i + 1
      while (src[j] !== "'") j += src[j] === '\\' ? 2 : 1
      out.push({kind: 'rune', text: src.slice(i, j + 1)})
      i = j + 1
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++
      out.push({kind: 'ident', text: src.slice(i, j)})
      i = j
    } else if (/[0-9]/.test(c)) {
      let j = i
      while (j < src.length && /[0-9A-Za-z_.]/.test(src[j])) j++
      out.push({kind: 'number', text: src.slice(i, j)})
      i = j
    } else {
      const three = src.slice(i, i + 3)
      const two = src.slice(i, i + 2)
      const op = ['...', '<<=', '>>=', '&^='].includes(three) ? three : [':=', '==', '!=', '<=', '>=', '&&', '||', '++', '--', '+=', '-=', '<-', '*=', '/='].includes(two) ? two : c
      out.push({kind: 'punct', text: op})
      i += op.length
    }
  }
  return out
}

// ---------------------------------------------------------------- file structure

interface GoFunc {
  name: string
  /** Parameter names in order, with their type text. */
  params: Array<{name: string; type: string}>
  body: Token[]
}

function matching(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = {'(': ')', '{': '}', '[': ']'}
  const close = pairs[tokens[open].text]
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]
    if (t.kind !== 'punct') continue
    if (t.text === tokens[open].text) depth++
    else if (t.text === close && --depth === 0) return i
  }
  throw new Error('unbalanced brackets')
}

/** Top-level funcs, and package-level string constants/variables (`name = "..."`). */
function topLevel(tokens: Token[]): {funcs: GoFunc[]; strings: Map<string, string>} {
  const funcs: GoFunc[] = []
  const strings = new Map<string, string>()
  const pending: Array<{name: string; expr: Token[]}> = []
  let i = 0
  while (i < tokens.length) {
    const t = tokens[i]
    if (t.kind === 'ident' && t.text === 'func') {
      const name = tokens[i + 1]?.kind === 'ident' ? tokens[i + 1].text : ''
      const params: Array<{name: string; type: string}> = []
      if (name && tokens[i + 2]?.text === '(') {
        const close = matching(tokens, i + 2)
        // `path, name, patch string`: names without a type take the next one's.
        const untyped: string[] = []
        for (const p of splitArgs(tokens.slice(i + 3, close))) {
          if (p.length === 1 && p[0].kind === 'ident') untyped.push(p[0].text)
          else if (p.length >= 2 && p[0].kind === 'ident') {
            const type = p.slice(1).map((t) => t.text).join('')
            for (const name of [...untyped, p[0].text]) params.push({name, type})
            untyped.length = 0
          }
        }
      }
      let j = i + 1
      while (j < tokens.length && tokens[j].text !== '{') j++
      const end = matching(tokens, j)
      funcs.push({name, params, body: tokens.slice(j + 1, end)})
      i = end + 1
    } else if (t.kind === 'ident' && (t.text === 'const' || t.text === 'var')) {
      let end = i + 1
      const group = tokens[i + 1]?.text === '('
      if (group) end = matching(tokens, i + 1)
      // One declaration, continued past a newline after a binary operator (`a +\n b`).
      else while (end < tokens.length && (tokens[end].text !== '\n' || ['+', ','].includes(tokens[end - 1].text))) end++
      const decl = tokens.slice(group ? i + 2 : i + 1, end)
      for (const line of splitLines(decl)) {
        const eq = line.findIndex((x) => x.text === '=')
        // `name = expr` or `name string = expr`
        if ((eq === 1 || (eq === 2 && line[1].kind === 'ident')) && line[0].kind === 'ident') pending.push({name: line[0].text, expr: line.slice(eq + 1)})
      }
      i = end + 1
    } else i++
  }
  // Go's package-level declarations may use ones declared later (or in a later file).
  for (let progress = true; progress; ) {
    progress = false
    for (const d of pending) {
      if (strings.has(d.name)) continue
      try {
        strings.set(d.name, evalString(d.expr, new Map(strings)))
        progress = true
      } catch {
        // not a string constant, or not yet known
      }
    }
  }
  return {funcs, strings}
}

/** Splits tokens into lines at depth 0 (Go statements end at newlines unless a bracket is open or the line ends in an operator). */
function splitLines(tokens: Token[]): Token[][] {
  const lines: Token[][] = []
  let cur: Token[] = []
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'punct') {
      if ('({['.includes(t.text)) depth++
      else if (')}]'.includes(t.text)) depth--
      else if ((t.text === '\n' || t.text === ';') && depth === 0) {
        const last = cur[cur.length - 1]
        if (last && last.kind === 'punct' && ['+', ',', '(', '&&', '||', '='].includes(last.text) && t.text === '\n') continue
        if (cur.length) lines.push(cur)
        cur = []
        continue
      }
      if (t.text === '\n') continue
    }
    cur.push(t)
  }
  if (cur.length) lines.push(cur)
  return lines
}

function splitArgs(tokens: Token[]): Token[][] {
  const args: Token[][] = []
  let cur: Token[] = []
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '\n') continue
    if (t.kind === 'punct' && '({['.includes(t.text)) depth++
    if (t.kind === 'punct' && ')}]'.includes(t.text)) depth--
    if (t.kind === 'punct' && t.text === ',' && depth === 0) {
      args.push(cur)
      cur = []
    } else cur.push(t)
  }
  if (cur.length) args.push(cur)
  return args
}

// ---------------------------------------------------------------- expressions

/** A string expression: literals, known variables, `+`, filepath.Join(...), []byte(...), th.GetRoot(). */
function evalString(tokens: Token[], vars: Map<string, string>, harness?: string): string {
  const toks = tokens.filter((t) => t.text !== '\n')
  let out = ''
  let i = 0
  const operand = (): string => {
    const t = toks[i]
    if (!t) throw new NotExtractable('empty expression')
    if (t.kind === 'string') {
      if (t.value === undefined) throw new NotExtractable('a string escape that cannot be reproduced')
      i++
      return t.value
    }
    if (t.kind === 'punct' && t.text === '(') {
      const end = matching(toks, i)
      const v = evalString(toks.slice(i + 1, end), vars, harness)
      i = end + 1
      return v
    }
    if (t.kind === 'ident' && t.text === 'string' && toks[i + 1]?.text === '(') {
      const end = matching(toks, i + 1)
      const v = evalString(toks.slice(i + 2, end), vars, harness)
      i = end + 1
      return v
    }
    if (t.kind === 'punct' && t.text === '[' && toks[i + 1]?.text === ']' && toks[i + 2]?.text === 'byte' && toks[i + 3]?.text === '(') {
      const end = matching(toks, i + 3)
      const v = evalString(toks.slice(i + 4, end), vars, harness)
      i = end + 1
      return v
    }
    if (t.kind === 'ident' && t.text === 'filepath' && toks[i + 1]?.text === '.' && toks[i + 2]?.text === 'Join' && toks[i + 3]?.text === '(') {
      const end = matching(toks, i + 3)
      const parts = splitArgs(toks.slice(i + 4, end)).map((a) => evalString(a, vars, harness))
      i = end + 1
      return joinPath(...parts)
    }
    if (t.kind === 'ident' && t.text === 'konfig' && toks[i + 2]?.text === 'DefaultKustomizationFileName' && toks[i + 3]?.text === '(' && toks[i + 4]?.text === ')') {
      i += 5
      return 'kustomization.yaml'
    }
    if (t.kind === 'ident' && t.text === 'fmt' && toks[i + 1]?.text === '.' && toks[i + 2]?.text === 'Sprintf' && toks[i + 3]?.text === '(') {
      const end = matching(toks, i + 3)
      const [format, ...rest] = splitArgs(toks.slice(i + 4, end)).map((a) => evalString(a, vars, harness))
      if (/%[^s%]/.test(format.replace(/%%/g, ''))) throw new NotExtractable('fmt.Sprintf with verbs other than %s')
      let k = 0
      const v = format.replace(/%[s%]/g, (m) => (m === '%%' ? '%' : (rest[k++] ?? '%!s(MISSING)')))
      i = end + 1
      return v
    }
    if (t.kind === 'ident' && t.text === 'strings' && toks[i + 1]?.text === '.' && toks[i + 2]?.text === 'ReplaceAll' && toks[i + 3]?.text === '(') {
      const end = matching(toks, i + 3)
      const [subject, from, to] = splitArgs(toks.slice(i + 4, end)).map((a) => evalString(a, vars, harness))
      i = end + 1
      return subject.split(from).join(to)
    }
    if (t.kind === 'ident' && t.text === harness && toks[i + 1]?.text === '.' && toks[i + 2]?.text === 'GetRoot' && toks[i + 3]?.text === '(' && toks[i + 4]?.text === ')') {
      i += 5
      return '/'
    }
    if (t.kind === 'ident' && vars.has(t.text) && toks[i + 1]?.text !== '.' && toks[i + 1]?.text !== '(') {
      i++
      return vars.get(t.text)!
    }
    throw new NotExtractable(`expression ${toks.map((x) => x.text).join(' ').slice(0, 60)}`)
  }
  out += operand()
  while (i < toks.length) {
    if (toks[i].text !== '+') throw new NotExtractable(`expression ${toks.map((x) => x.text).join(' ').slice(0, 60)}`)
    i++
    out += operand()
  }
  return out
}

/** Go's filepath.Join on `/` paths: joined, cleaned. */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/')
  if (joined === '') return ''
  const abs = joined.startsWith('/')
  const segs: string[] = []
  for (const s of joined.split('/')) {
    if (s === '' || s === '.') continue
    if (s === '..' && segs.length && segs[segs.length - 1] !== '..') segs.pop()
    else if (s === '..' && abs) continue
    else segs.push(s)
  }
  const out = (abs ? '/' : '') + segs.join('/')
  return out || (abs ? '/' : '.')
}

/** A harness path (absolute in the in-memory file system, or relative to its root `/`) as a path under the tree root. */
function treePath(p: string): string {
  const clean = joinPath('/', p)
  return clean === '/' ? '' : clean.slice(1)
}

// ---------------------------------------------------------------- one test

const kustomizationHeader = '\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
const componentHeader = '\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n'
const harnessMakers = new Set(['MakeHarness', 'MakeEnhancedHarness', 'MakeHarnessWithFs', 'MakeEnhancedHarnessWithTmpRoot'])
const passiveHarnessCalls = new Set(['AssertActualEqualsExpected', 'AssertActualEqualsExpectedNoIdAnnotations', 'AssertActualEqualsExpectedWithTweak', 'Reset', 'GetT'])

interface Options {
  loadRestrictionsNone: boolean
  enableHelm: boolean
}

interface Package {
  strings: Map<string, string>
  /** Functions of the package that take the harness, by name (helpers that write a shared base). */
  helpers: Map<string, GoFunc>
  /** Every function of the package, by name. */
  funcs: Map<string, GoFunc>
  testdata?: Testdata
  /** kustomize's default field specs (api/internal/konfig/builtinpluginconsts), for WriteLegacyConfigs. */
  defaultFieldSpecs?: string
}

/** Files of the test package's own directory (`./testdata/...`), read from the checkout. */
export interface Testdata {
  /** A file's text, or undefined when it is not there. */
  readFile(path: string): string | undefined
  /** Every file below a directory, as paths relative to it; undefined when it is not there. */
  listFiles(dir: string): string[] | undefined
}

interface State {
  files: Map<string, string>
  options: Map<string, Options>
  /** Every build, with the files the test had written when it ran. */
  builds: Array<{dir: string; expectsError: boolean; options: Options; files: Map<string, string>}>
  fsVar?: string
  depth: number
}

const defaultOptions = (): Options => ({loadRestrictionsNone: false, enableHelm: false})

/** `func() Options { o := th.MakeDefaultOptions(); o.X = ...; return o }()`, build options made in place (see optionsOf). */
const optionsClosure = /\bfunc \( \) (krusty \. )?Options \{/g

function checkShape(body: Token[]): void {
  // Code only: a string saying "for" or "func (" is not a loop or a closure.
  const code = body.map((t) => (t.kind === 'string' ? '""' : t.text)).join(' ')
  const text = body.map((t) => t.text).join(' ')
  // Plugins first: what else the test does cannot make it in scope.
  if (/EnableExec|FnpLoadingOptions|BuildGoPlugin|PrepExecPlugin|PrepGoPlugin|config\.kubernetes\.io\/function|config\.k8s\.io\/function/.test(text)) throw new PluginCase('exec or Go plugins, or KRM functions')
  if (/\bt \. Run \(/.test(code) || /\bfor\b/.test(code)) throw new NotExtractable('table-driven or looping test')
  if (/\bfunc \(/.test(code.replace(optionsClosure, ''))) throw new NotExtractable('closure in the test')
}

/**
 * `for _, f := range LIST { f(th) }` over a `[]FileGen{...}` (written in place, or a variable of
 * the body holding one) as one `item(th)` statement per item; a loop over kustomize's recognized
 * kustomization file names as one copy of its body per name.
 */
function expandFileGenLoops(body: Token[]): Token[] {
  for (let at = 0; at < body.length; at++) {
    if (body[at].text !== 'for' || body.slice(at + 1, at + 6).map((t) => t.text).join(' ') !== `_ , ${body[at + 3]?.text} := range`) continue
    const f = body[at + 3].text
    // for _, n := range konfig.RecognizedKustomizationFileNames() { ... }: the body once per name.
    if (body.slice(at + 6, at + 12).map((t) => t.text).join('') === 'konfig.RecognizedKustomizationFileNames(){') {
      const close = matching(body, at + 11)
      const copies = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].flatMap((name): Token[] => [
        ...body.slice(at + 12, close).map((t): Token => (t.kind === 'ident' && t.text === f ? {kind: 'string', text: name, value: name} : t)),
        {kind: 'punct', text: '\n'},
      ])
      return expandFileGenLoops([...body.slice(0, at), ...copies, ...body.slice(close + 1)])
    }
    const open = body.findIndex((t, k) => k > at + 5 && t.text === '{' && body[k - 1].text !== 'FileGen')
    const close = matching(body, open)
    const loopBody = body.slice(open + 1, close).filter((t) => t.text !== '\n')
    if (loopBody.length !== 4 || loopBody[0].text !== f || loopBody[1].text !== '(' || loopBody[3].text !== ')') continue
    let list = body.slice(at + 6, open).filter((t) => t.text !== '\n')
    if (list[0]?.text === '(' && matching(list, 0) === list.length - 1) list = list.slice(1, -1)
    if (list.length === 1) {
      const name = list[0].text
      const decl = body.findIndex((t, k) => k < at && t.text === name && body[k + 1]?.text === ':=')
      if (decl < 0) continue
      const end = body.findIndex((t, k) => k > decl && t.text === '{')
      list = body.slice(decl + 2, matching(body, end) + 1).filter((t) => t.text !== '\n')
    }
    if (list.slice(0, 4).map((t) => t.text).join('') !== '[]FileGen{' || matching(list, 3) !== list.length - 1) continue
    const harness = loopBody[2]
    const calls = splitArgs(list.slice(4, -1)).flatMap((item): Token[] => [...item, {kind: 'punct', text: '('}, harness, {kind: 'punct', text: ')'}, {kind: 'punct', text: '\n'}])
    return expandFileGenLoops([...body.slice(0, at), ...calls, ...body.slice(close + 1)])
  }
  return body
}

/** One assignment to build options (`opts.LoadRestrictions = types.LoadRestrictionsNone`, as text without spaces). */
function applyOptionTweak(o: Options, t: string): void {
  if (t.endsWith('LoadRestrictions=types.LoadRestrictionsNone')) o.loadRestrictionsNone = true
  else if (t.endsWith('LoadRestrictions=types.LoadRestrictionsRootOnly')) o.loadRestrictionsNone = false
  else if (t.endsWith('PluginConfig.HelmConfig.Enabled=true')) o.enableHelm = true
  else if (/PluginConfig\.HelmConfig\.Command=/.test(t)) o.enableHelm = true
  // kubectl kustomize leaves --reorder unset: the kustomization's sortOptions, else legacy order.
  else if (t.endsWith('Reorder=krusty.ReorderOptionUnspecified') || /AddManagedbyLabel=\(?false\)?$/.test(t)) return
  else if (/Reorder=krusty\.ReorderOption(Legacy|None)$/.test(t) || /AddManagedbyLabel=/.test(t)) throw new NotExtractable(`build option ${t}: kubectl's deprecated, hidden --reorder/--enable-managedby-label flags, which strata does not offer (sortOptions and buildMetadata: [managedByLabel] replace them)`)
  else throw new NotExtractable(`build option ${t}`)
}

/** Runs the statements of a test (or of a helper it calls) against the state; `harness` is the harness's name there. */
function runLines(body: Token[], harness: string | undefined, vars: Map<string, string>, st: State, pkg: Package): string | undefined {
  body = expandFileGenLoops(body)
  checkShape(body)
  const optionsOf = (arg: Token[]): Options => {
    const t = arg.filter((x) => x.text !== '\n').map((x) => x.text).join('')
    // Plugins enabled changes nothing for builtin plugin configs, the only ones these cases keep.
    if ([`${harness}.MakeDefaultOptions()`, `${harness}.MakeOptionsPluginsDisabled()`, `${harness}.MakeOptionsPluginsEnabled()`, '*krusty.MakeDefaultOptions()'].includes(t)) return defaultOptions()
    const o = st.options.get(t)
    if (o) return o
    // A closure building them: `func() Options { o := th.MakeDefaultOptions(); o.X = Y; return o }()`.
    const closure = /^func\(\)(?:krusty\.)?Options\{(\w+):=(.+?\(\))((?:\1\.[\w.]+=[\w.]+)*)return\1\}\(\)$/.exec(t)
    if (closure && [`${harness}.MakeDefaultOptions()`, `${harness}.MakeOptionsPluginsDisabled()`, `${harness}.MakeOptionsPluginsEnabled()`, 'krusty.MakeDefaultOptions()'].includes(closure[2])) {
      const made = defaultOptions()
      for (const tweak of closure[3].split(`${closure[1]}.`).filter(Boolean)) applyOptionTweak(made, tweak)
      return made
    }
    throw new NotExtractable(`build options ${t}`)
  }
  for (const line of splitLines(body)) {
    const first = line[0]
    const mentions = (name: string | undefined) => name !== undefined && line.some((t) => t.kind === 'ident' && t.text === name)
    // A local constant or variable: `const name = expr`, `var name string = expr`.
    if ((first.text === 'const' || first.text === 'var') && line[1]?.kind === 'ident') {
      const eq = line.findIndex((x) => x.text === '=')
      if (eq === 2 || (eq === 3 && line[2].kind === 'ident')) {
        try {
          vars.set(line[1].text, evalString(line.slice(eq + 1), vars, harness))
          continue
        } catch {
          // not a string: judged below by what it mentions
        }
      }
    }
    // `data, _ := os.ReadFile("./testdata/x")`: a file of the test package, read from the checkout.
    if (first.kind === 'ident' && line.slice(1, 8).map((t) => t.text).join('') === ',_:=os.ReadFile(') {
      const path = evalString(line.slice(8, matching(line, 7)), vars, harness)
      const content = pkg.testdata?.readFile(path)
      if (content === undefined) throw new NotExtractable(`reads ${path}, not in the checkout`)
      vars.set(first.text, content)
      continue
    }
    // The harness: th := kusttest_test.MakeHarness(t) (and friends).
    if (line.some((t) => t.kind === 'ident' && harnessMakers.has(t.text)) && line[1]?.text === ':=') {
      if (harness) throw new NotExtractable('several harnesses')
      harness = first.text
      continue
    }
    // `th = kusttest_test.MakeHarness(t)` again: a new, empty file system for the builds after it.
    if (harness && first.text === harness && line[1]?.text === '=' && line.some((t) => t.kind === 'ident' && harnessMakers.has(t.text))) {
      st.files = new Map()
      continue
    }
    if (first.kind === 'ident' && line[1]?.text === ':=' && ['filesys.MakeFsInMemory()', `${harness}.GetFSys()`].includes(line.slice(2).map((t) => t.text).join(''))) {
      st.fsVar = first.text
      continue
    }
    // `if EXPR != "" { ... }` (or `== ""`) on a string the test knows: its block runs or not.
    if (first.text === 'if') {
      const blockAt = line.findIndex((t) => t.text === '{')
      const blockEnd = blockAt > 0 ? matching(line, blockAt) : -1
      const op = line.findIndex((t, k) => k < blockAt && (t.text === '!=' || t.text === '=='))
      if (op > 0 && blockEnd === line.length - 1 && blockAt === op + 2 && line[op + 1].kind === 'string' && line[op + 1].value === '') {
        let value: string | undefined
        try {
          value = evalString(line.slice(1, op), vars, harness)
        } catch {
          // a condition on something else: judged below
        }
        if (value !== undefined) {
          if ((value !== '') === (line[op].text === '!=')) harness = runLines(line.slice(blockAt + 1, blockEnd), harness, vars, st, pkg)
          continue
        }
      }
    }
    // A FileGen applied to the harness: writeK/writeC/writeF(path, content)(th).
    if (harness && ['writeK', 'writeC', 'writeF'].includes(first.text) && line[1]?.text === '(') {
      const close = matching(line, 1)
      if (line.slice(close + 1).map((t) => t.text).join('') === `(${harness})`) {
        writeFileGen(first.text, splitArgs(line.slice(2, close)), vars, st)
        continue
      }
    }
    // A FileGen maker applied to the harness: name(args)(th), where name's body is `return writeX(...)`.
    if (harness && first.kind === 'ident' && line[1]?.text === '(') {
      const close = matching(line, 1)
      const maker = pkg.funcs.get(first.text)
      if (maker && line[close + 1]?.text === '(' && line[close + 2]?.text === harness && line[close + 3]?.text === ')') {
        const local = new Map(pkg.strings)
        splitArgs(line.slice(2, close)).forEach((a, k) => maker.params[k] && local.set(maker.params[k].name, evalString(a, vars, harness)))
        const ret = maker.body.filter((t) => t.text !== '\n')
        if (ret[0]?.text !== 'return' || !['writeK', 'writeC', 'writeF'].includes(ret[1]?.text ?? '') || ret[2]?.text !== '(') throw new NotExtractable(`file maker ${first.text}`)
        writeFileGen(ret[1].text, splitArgs(ret.slice(3, matching(ret, 2))), local, st)
        continue
      }
    }
    // A helper of the package handed the harness: its statements run here, its parameters bound.
    const helper = first.kind === 'ident' && line[1]?.text === '(' ? pkg.helpers.get(first.text) : undefined
    if (helper && harness && mentions(harness)) {
      if (st.depth > 4) throw new NotExtractable('helpers nested too deep')
      const args = splitArgs(line.slice(2, matching(line, 1)))
      const local = new Map(pkg.strings)
      let inner: string | undefined
      helper.params.forEach((p, k) => {
        const a = args[k] ?? []
        if ((a.length === 1 && a[0].text === harness) || a.map((x) => x.text).join('') === `${harness}.Harness`) inner = p.name
        else if (a.length === 1 && a[0].text === 't') return
        else local.set(p.name, evalString(a, vars, harness))
      })
      st.depth++
      runLines(helper.body, inner, local, st, pkg)
      st.depth--
      continue
    }
    if (first.kind === 'ident' && (line[1]?.text === ':=' || line[1]?.text === '=')) {
      const rhs = line.slice(2)
      const rhsText = rhs.map((t) => t.text).join('')
      if (harness && [`${harness}.MakeDefaultOptions()`, `${harness}.MakeOptionsPluginsDisabled()`, `${harness}.MakeOptionsPluginsEnabled()`, '*krusty.MakeDefaultOptions()', 'krusty.MakeDefaultOptions()'].includes(rhsText)) {
        st.options.set(first.text, defaultOptions())
        continue
      }
      if (harness && rhs[0]?.text === harness && rhs[2]?.text === 'MkDir') {
        const dir = treePath(evalString(rhs.slice(4, matching(rhs, 3)), vars, harness))
        st.files.set(`${dir}/`, '')
        vars.set(first.text, `/${dir}`)
        continue
      }
      try {
        vars.set(first.text, evalString(rhs, vars, harness))
        continue
      } catch {
        // not a string: judged below by what it mentions
      }
    }
    // Option tweaks: opts.LoadRestrictions = ..., opts.PluginConfig.HelmConfig.Enabled = true.
    if (first.kind === 'ident' && st.options.has(first.text) && line[1]?.text === '.') {
      applyOptionTweak(st.options.get(first.text)!, line.map((x) => x.text).join(''))
      continue
    }
    if (harness && mentions(harness)) {
      runHarnessCalls(line, harness, vars, st, pkg, optionsOf)
      continue
    }
    if (st.fsVar && mentions(st.fsVar)) {
      if (line.some((x) => harnessMakers.has(x.text))) continue
      const k = line.findIndex((x, k) => x.text === st.fsVar && line[k + 1]?.text === '.' && line[k + 3]?.text === '(')
      if (k < 0 || line.slice(0, k).some((x) => ['if', 'for', 'switch', 'func'].includes(x.text))) throw new NotExtractable(`file system use ${line.map((x) => x.text).join(' ').slice(0, 60)}`)
      fileSystemCall(line[k + 2].text, splitArgs(line.slice(k + 4, matching(line, k + 3))), vars, harness, st, pkg)
      continue
    }
    if (line.some((t) => t.text === 'MakeKustomizer')) throw new NotExtractable('kustomizer made by hand')
  }
  return harness
}

const harnessWrites = new Set(['WriteK', 'WriteC', 'WriteF', 'MkDir', 'Run', 'RunWithErr', 'ErrIfNoHelm', 'GetFSys', 'WriteLegacyConfigs'])
const harnessValues = new Set(['GetRoot', 'MakeDefaultOptions', 'MakeOptionsPluginsDisabled', 'MakeOptionsPluginsEnabled', 'Harness'])

/**
 * The harness calls of one statement. A statement may wrap its one effective call in an assertion
 * (`th.AssertActualEqualsExpected(th.Run(...), ...)`, `require.NoError(t, th.GetFSys().MkdirAll(...))`)
 * or assign its result; a statement with two effective calls, or one under `if`/`for`, is a block
 * whose control flow is not reproduced.
 */
function runHarnessCalls(line: Token[], harness: string, vars: Map<string, string>, st: State, pkg: Package, optionsOf: (arg: Token[]) => Options): void {
  const calls: Array<{at: number; method: string}> = []
  line.forEach((t, k) => {
    if (t.text === harness && line[k + 1]?.text === '.' && line[k + 2]?.kind === 'ident') calls.push({at: k, method: line[k + 2].text})
  })
  if (calls.length === 0) throw new NotExtractable(`harness passed to a function outside the package: ${line.map((x) => x.text).join(' ').slice(0, 60)}`)
  // Builtins statically linked is how kubectl runs them: the setting changes nothing here.
  if (line.map((x) => x.text).join('') === `${harness}.GetPluginConfig().BpLoadingOptions=types.BploUseStaticallyLinked`) return
  const unknown = calls.find((c) => !harnessWrites.has(c.method) && !harnessValues.has(c.method) && !passiveHarnessCalls.has(c.method))
  if (unknown) throw new NotExtractable(`harness call ${unknown.method}`)
  const effective = calls.filter((c) => harnessWrites.has(c.method))
  if (effective.length > 1) throw new NotExtractable('harness calls inside a block')
  if (effective.length === 0) return
  const {at, method} = effective[0]
  if (method !== 'ErrIfNoHelm' && line.slice(0, at).some((t) => ['if', 'for', 'switch', 'func', 'go', 'defer', 'return'].includes(t.text))) throw new NotExtractable('harness call inside a block')
  const open = at + 3
  if (line[open]?.text !== '(') throw new NotExtractable(`harness field ${method}`)
  if (method === 'GetFSys') {
    // th.GetFSys().MkdirAll(dir) / .Mkdir(dir) / .WriteFile(path, data), or copyutil.CopyDir(th.GetFSys(), from, to)
    const copy = line.findIndex((x, k) => x.text === 'copyutil' && line[k + 2]?.text === 'CopyDir' && line[k + 3]?.text === '(')
    if (copy >= 0 && copy < at) {
      const args = splitArgs(line.slice(copy + 4, matching(line, copy + 3)))
      fileSystemCall('CopyDir', args.slice(1), vars, harness, st, pkg)
      return
    }
    if (line[open + 1]?.text !== ')' || line[open + 2]?.text !== '.' || line[open + 4]?.text !== '(') throw new NotExtractable(`harness file system handed to another function: ${line.map((x) => x.text).join(' ').slice(0, 60)}`)
    fileSystemCall(line[open + 3]?.text ?? '', splitArgs(line.slice(open + 5, matching(line, open + 4))), vars, harness, st, pkg)
    return
  }
  const args = splitArgs(line.slice(open + 1, matching(line, open)))
  if (method === 'WriteK' || method === 'WriteC') {
    const dir = evalString(args[0], vars, harness)
    st.files.set(treePath(joinPath(dir, 'kustomization.yaml')), (method === 'WriteK' ? kustomizationHeader : componentHeader) + evalString(args[1], vars, harness))
  } else if (method === 'WriteF') {
    st.files.set(treePath(evalString(args[0], vars, harness)), evalString(args[1], vars, harness))
  } else if (method === 'WriteLegacyConfigs') {
    // kustomize's default field specs, every kind of them in one file (the harness concatenates
    // them in Go's map order; they are distinct top-level keys, so the order means nothing).
    if (pkg.defaultFieldSpecs === undefined) throw new NotExtractable('WriteLegacyConfigs without the default field specs of the checkout')
    st.files.set(treePath(evalString(args[0], vars, harness)), pkg.defaultFieldSpecs)
  } else if (method === 'MkDir') {
    st.files.set(`${treePath(evalString(args[0], vars, harness))}/`, '')
  } else if (method === 'Run' || method === 'RunWithErr') {
    st.builds.push({dir: treePath(evalString(args[0], vars, harness)), expectsError: method === 'RunWithErr', options: optionsOf(args[1]), files: new Map(st.files)})
  } else if (method === 'ErrIfNoHelm') {
    st.options.set('helm', {loadRestrictionsNone: false, enableHelm: true})
  }
}

/**
 * A call on the test's file system: MkdirAll/Mkdir(dir), WriteFile(path, data), or CopyDir(from,
 * to) copying a directory of the test package (testdata) into the tree.
 */
function fileSystemCall(op: string, args: Token[][], vars: Map<string, string>, harness: string | undefined, st: State, pkg: Package): void {
  if (op === 'MkdirAll' || op === 'Mkdir') st.files.set(`${treePath(evalString(args[0], vars, harness))}/`, '')
  else if (op === 'WriteFile') st.files.set(treePath(evalString(args[0], vars, harness)), evalString(args[1], vars, harness))
  else if (op === 'CopyDir') {
    const from = evalString(args[0], vars, harness)
    const to = evalString(args[1], vars, harness)
    const files = pkg.testdata?.listFiles(from)
    if (files === undefined) throw new NotExtractable(`copies ${from}, not in the checkout`)
    for (const f of files) st.files.set(treePath(joinPath(to, f)), pkg.testdata!.readFile(joinPath(from, f))!)
  } else throw new NotExtractable(`file system call ${op}`)
}

/** writeK/writeC/writeF(path, content) of kustomize's FileGen helpers. */
function writeFileGen(callee: string, args: Token[][], vars: Map<string, string>, st: State): void {
  const p = evalString(args[0], vars)
  const content = evalString(args[1], vars)
  if (callee === 'writeF') st.files.set(treePath(p), content)
  else st.files.set(treePath(joinPath(p, 'kustomization.yaml')), (callee === 'writeK' ? kustomizationHeader : componentHeader) + content)
}

/**
 * `X(t, func(t *testing.T) { ... })` where X is a package function that only sets up global state
 * around the call (openapicustomschema_test.go resets the OpenAPI schema): the closure is the test.
 */
function unwrapTestClosure(body: Token[], pkg: Package): Token[] {
  const toks = body.filter((t) => t.text !== '\n')
  const wrapper = toks[0]?.kind === 'ident' ? pkg.funcs.get(toks[0].text) : undefined
  if (!wrapper || toks[1]?.text !== '(' || matching(toks, 1) !== toks.length - 1) return body
  if (!wrapper.params.some((p) => p.type.startsWith('func('))) return body
  const head = toks.slice(2, 13).map((t) => t.text).join('')
  if (head !== 't,func(t*testing.T){') return body
  const open = body.findIndex((t, k) => t.text === '{' && k > 0)
  return body.slice(open + 1, matching(body, open))
}

/** A test's cases: one per build it runs, each with the files written before that build. */
function extractTest(fn: GoFunc, file: string, pkg: Package): GoCase[] {
  const st: State = {files: new Map(), options: new Map(), builds: [], depth: 0}
  const harness = runLines(unwrapTestClosure(fn.body, pkg), undefined, new Map(pkg.strings), st, pkg)
  if (!harness) throw new NotExtractable('no test harness')
  if (st.builds.length === 0) throw new NotExtractable('no build')
  if (st.files.size === 0) throw new NotExtractable('writes no files')
  return st.builds.map((b, k) => ({
    name: st.builds.length === 1 ? `${file}:${fn.name}` : `${file}:${fn.name}#${k + 1}`,
    files: b.files,
    buildDir: b.dir,
    expectsError: b.expectsError,
    loadRestrictionsNone: b.options.loadRestrictionsNone,
    enableHelm: b.options.enableHelm || st.options.has('helm'),
  }))
}

/**
 * kustomize's table tests over `[]FileGen` (component_test.go): each entry's `input` lists
 * writeK/writeC/writeF(path, content) or a helper that takes the harness, and `runPath` is built.
 * Returns undefined when the test is not of that shape.
 */
function extractFileGenTable(fn: GoFunc, file: string, pkg: Package): {cases: GoCase[]; skipped: GoSkip[]} | undefined {
  const body = fn.body.filter((t) => t.text !== '\n')
  const mapAt = body.findIndex((t, k) => t.text === 'map' && body[k + 1]?.text === '[' && body[k + 2]?.text === 'string' && body[k + 3]?.text === ']' && body[k + 4]?.text === 'struct')
  if (mapAt < 0) return undefined
  const typeEnd = matching(body, mapAt + 5)
  const typeText = body.slice(mapAt + 5, typeEnd).map((t) => t.text).join(' ')
  if (!/input \[ \] FileGen/.test(typeText) || !/runPath string/.test(typeText)) return undefined
  const litEnd = matching(body, typeEnd + 1)
  const rest = body.slice(litEnd + 1).map((t) => t.text).join('')
  const expectsError = rest.includes('.RunWithErr(tc.runPath')
  if (!expectsError && !rest.includes('.Run(tc.runPath')) return undefined
  const cases: GoCase[] = []
  const skipped: GoSkip[] = []
  for (const entry of splitArgs(body.slice(typeEnd + 2, litEnd))) {
    if (entry.length < 3 || entry[0].kind !== 'string' || entry[1].text !== ':') continue
    const name = `${file}:${fn.name}/${entry[0].value}`
    try {
      const st: State = {files: new Map(), options: new Map(), builds: [], depth: 0}
      let runPath: string | undefined
      for (const field of splitArgs(entry.slice(3, matching(entry, 2)))) {
        const key = field[0]?.text
        const value = field.slice(2)
        if (key === 'runPath') runPath = evalString(value, pkg.strings)
        if (key !== 'input') continue
        const open = value.findIndex((t) => t.text === '{')
        for (const item of splitArgs(value.slice(open + 1, matching(value, open)))) {
          const callee = item[0]?.text ?? ''
          if (['writeK', 'writeC', 'writeF'].includes(callee) && item[1]?.text === '(') {
            writeFileGen(callee, splitArgs(item.slice(2, matching(item, 1))), pkg.strings, st)
          } else if (pkg.funcs.has(callee) && item[1]?.text === '(' && matching(item, 1) === item.length - 1) {
            const maker = pkg.funcs.get(callee)!
            const local = new Map(pkg.strings)
            splitArgs(item.slice(2, item.length - 1)).forEach((a, k) => maker.params[k] && local.set(maker.params[k].name, evalString(a, pkg.strings)))
            const ret = maker.body.filter((t) => t.text !== '\n')
            if (ret[0]?.text !== 'return' || !['writeK', 'writeC', 'writeF'].includes(ret[1]?.text ?? '') || ret[2]?.text !== '(') throw new NotExtractable(`file maker ${callee}`)
            writeFileGen(ret[1].text, splitArgs(ret.slice(3, matching(ret, 2))), local, st)
          } else if (item.length === 1 && pkg.helpers.has(callee)) {
            const helper = pkg.helpers.get(callee)!
            runLines(helper.body, helper.params[0]?.name, new Map(pkg.strings), st, pkg)
          } else throw new NotExtractable(`input item ${item.map((t) => t.text).join(' ').slice(0, 40)}`)
        }
      }
      if (runPath === undefined) throw new NotExtractable('no runPath')
      cases.push({name, files: st.files, buildDir: treePath(runPath), expectsError, loadRestrictionsNone: false, enableHelm: false})
    } catch (e) {
      skipped.push({name, category: 'not extractable', reason: e instanceof NotExtractable ? e.message : `parse failure: ${(e as Error).message}`})
    }
  }
  return {cases, skipped}
}

/** Every Test function of a Go test package (all its files), extracted or skipped with the reason. */
export function extractGoCases(sources: Array<{file: string; source: string}>, testdata?: Testdata, defaultFieldSpecs?: string): {cases: GoCase[]; skipped: GoSkip[]} {
  const parsed = sources.map(({file, source}) => ({file, ...topLevel(tokenize(source))}))
  const pkg: Package = {strings: new Map(), helpers: new Map(), funcs: new Map(), testdata, defaultFieldSpecs}
  for (const p of parsed) {
    for (const [k, v] of p.strings) pkg.strings.set(k, v)
    for (const fn of p.funcs) pkg.funcs.set(fn.name, fn)
    for (const fn of p.funcs) if (fn.params.some((x) => /kusttest_test\.(Harness|HarnessEnhanced)$/.test(x.type.replace('*', '')))) pkg.helpers.set(fn.name, fn)
  }
  const cases: GoCase[] = []
  const skipped: GoSkip[] = []
  for (const p of parsed) {
    for (const fn of p.funcs) {
      if (!/^Test[A-Z0-9_]/.test(fn.name)) continue
      const name = `${p.file}:${fn.name}`
      const table = extractFileGenTable(fn, p.file, pkg)
      if (table) {
        cases.push(...table.cases)
        skipped.push(...table.skipped)
        continue
      }
      let rows: Array<{name: string; fn: GoFunc}> = [{name, fn}]
      try {
        rows = unrollTable(fn.body)?.map((r) => ({name: `${name}/${r.name}`, fn: {...fn, name: `${fn.name}/${r.name}`, body: r.body}})) ?? rows
      } catch (e) {
        if (!(e instanceof NotExtractable)) throw e
        skipped.push({name, category: 'not extractable', reason: e.message})
        continue
      }
      for (const row of rows) {
        try {
          cases.push(...extractTest(row.fn, p.file, pkg))
        } catch (e) {
          if (e instanceof PluginCase) skipped.push({name: row.name, category: 'plugins', reason: e.message})
          else if (e instanceof NotExtractable) skipped.push({name: row.name, category: 'not extractable', reason: e.message})
          else skipped.push({name: row.name, category: 'not extractable', reason: `parse failure: ${(e as Error).message}`})
        }
      }
    }
  }
  return {cases, skipped}
}

/**
 * kustomize's default field specs as GetDefaultFieldSpecs joins them, from the Go sources of
 * api/internal/konfig/builtinpluginconsts; undefined when they are not there.
 */
export function defaultFieldSpecs(sources: string[]): string | undefined {
  // One token stream: a constant may be built from another file's.
  const {funcs, strings} = topLevel(tokenize(sources.map((s) => s.replace(/^package .*$/m, '')).join('\n')))
  const list = funcs.find((f) => f.name === 'GetDefaultFieldSpecs')?.body
  if (!list) return undefined
  const names = list.filter((t, k) => t.kind === 'ident' && list[k - 1]?.text === '(' && list[k - 2]?.text === 'byte').map((t) => t.text)
  if (names.length === 0 || names.some((n) => !strings.has(n))) return undefined
  return names.map((n) => strings.get(n)!).join('\n')
}

// ---------------------------------------------------------------- table-driven tests

/**
 * A table-driven test as one body per row: `cases := map[string]struct{...}{"name": {...}}` or
 * `[]struct{...}{{name: ...}}`, then `for name, tc := range cases { t.Run(name, func(t *testing.T)
 * { BODY }) }` (also `for name := range cases { tc := cases[name]; ... }`, or no t.Run). Each row's
 * body is the statements around the table and the loop, with BODY where the loop was and every
 * `tc.field` replaced by the row's value. Undefined when the test is not of that shape.
 */
function unrollTable(body: Token[]): Array<{name: string; body: Token[]}> | undefined {
  const at = body.findIndex((t, k) => t.text === 'for' && (k === 0 || body[k - 1].text === '\n'))
  if (at < 0) return undefined
  const open = body.findIndex((t, k) => k > at && t.text === '{')
  const header = body.slice(at + 1, open).map((t) => t.text)
  // for K, V := range X  |  for _, V := range X  |  for K := range X
  let key: string | undefined
  let row: string | undefined
  let table: string
  if (header.length === 6 && header[1] === ',' && header[3] === ':=' && header[4] === 'range') [key, row, table] = [header[0], header[2], header[5]]
  else if (header.length === 4 && header[1] === ':=' && header[2] === 'range') [key, table] = [header[0], header[3]]
  else return undefined
  if (key === '_') key = undefined
  const close = matching(body, open)
  const decl = body.findIndex((t, k) => k < at && t.text === table && body[k + 1]?.text === ':=' && (k === 0 || body[k - 1].text === '\n'))
  if (decl < 0) return undefined
  // The table's type and literal: map[string]struct{...}{...} or []struct{...}{...}.
  let k = decl + 2
  const isMap = body[k]?.text === 'map'
  if (isMap) {
    if (body.slice(k, k + 5).map((t) => t.text).join('') !== 'map[string]struct') return undefined
    k += 5
  } else {
    if (body.slice(k, k + 3).map((t) => t.text).join('') !== '[]struct') return undefined
    k += 3
  }
  if (body[k]?.text !== '{') return undefined
  const typeEnd = matching(body, k)
  if (body[typeEnd + 1]?.text !== '{') return undefined
  const litEnd = matching(body, typeEnd + 1)
  let inner = body.slice(open + 1, close)
  // `tc := cases[name]` first in the loop.
  const lines = splitLines(inner)
  if (!row && lines[0]?.map((t) => t.text).join('') === `${lines[0]?.[0]?.text}:=${table}[${key}]`) {
    row = lines[0][0].text
    const nl = inner.findIndex((t, j) => t.text === '\n' && j > 0 && inner.slice(0, j).some((x) => x.text === ']'))
    inner = inner.slice(nl + 1)
  }
  // t.Run(NAME, func(t *testing.T) { BODY }): the closure's body is the row's.
  const code = inner.filter((t) => t.text !== '\n')
  if (code[0]?.text === 't' && code[2]?.text === 'Run' && code[3]?.text === '(' && matching(code, 3) === code.length - 1) {
    const fnOpen = inner.findIndex((t, j) => t.text === '{' && inner[j - 1]?.text === ')' && inner.slice(0, j).some((x) => x.text === 'func'))
    inner = inner.slice(fnOpen + 1, matching(inner, fnOpen))
  }
  const outside = [...body.slice(0, decl), ...body.slice(litEnd + 1, at)]
  const after = body.slice(close + 1)
  const rows: Array<{name: string; body: Token[]}> = []
  splitArgs(body.slice(typeEnd + 2, litEnd)).forEach((entry, index) => {
    let name = String(index + 1)
    let fieldsAt = 0
    if (isMap) {
      if (entry[0]?.kind !== 'string' || entry[1]?.text !== ':') throw new NotExtractable('table row without a string key')
      name = entry[0].value ?? name
      fieldsAt = 2
    }
    if (entry[fieldsAt]?.text !== '{') throw new NotExtractable('table row that is not a struct literal')
    const fields = new Map<string, Token[]>()
    for (const f of splitArgs(entry.slice(fieldsAt + 1, matching(entry, fieldsAt)))) {
      if (f[0]?.kind !== 'ident' || f[1]?.text !== ':') throw new NotExtractable('table row with positional fields')
      fields.set(f[0].text, f.slice(2))
    }
    const nameField = fields.get('name') ?? fields.get('desc') ?? fields.get('description')
    if (!isMap && nameField?.length === 1 && nameField[0].kind === 'string' && nameField[0].value) name = nameField[0].value
    const subst: Token[] = []
    for (let j = 0; j < inner.length; j++) {
      const t = inner[j]
      if (row && t.text === row && inner[j + 1]?.text === '.' && inner[j + 2]?.kind === 'ident' && inner[j - 1]?.text !== '.') {
        // A field the row leaves out is Go's zero value: "" for the strings these tests use.
        const value = fields.get(inner[j + 2].text) ?? [{kind: 'string', text: '', value: ''}]
        subst.push({kind: 'punct', text: '('}, ...value.filter((x) => x.text !== '\n'), {kind: 'punct', text: ')'})
        j += 2
      } else if (key && t.text === key && inner[j - 1]?.text !== '.') subst.push({kind: 'string', text: name, value: name})
      else subst.push(t)
    }
    rows.push({name, body: [...outside, {kind: 'punct', text: '\n'}, ...subst, {kind: 'punct', text: '\n'}, ...after]})
  })
  return rows
}
