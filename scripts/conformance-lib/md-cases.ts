// Reads kustomize's examples/*.md (shell blocks run by its doc tests): files written with
// `cat <<EOF >$DEMO_HOME/...` heredocs and directories made with mkdir, up to each
// `kustomize build $DEMO_HOME/...`, which becomes one case with the tree as it stands then. A
// command that changes the tree in a way not modelled here (kustomize edit, sed, curl, cp, ...)
// makes every later build of that file not extractable.
import type {GoCase, GoSkip} from './go-cases.js'
import {joinPath} from './go-cases.js'

const harmless = new Set(['tree', 'echo', 'test', 'grep', 'diff', 'cat', 'export', 'clear', 'ls', 'wc', '[', 'mktemp', 'expected=$(', 'if', 'then', 'fi', 'else', 'exit', 'more', 'head', 'tail'])

/**
 * The lines of the blocks the doc tests run. A walkthrough that labels blocks for mdrip
 * (`<!-- @name @test -->` just before the fence) runs only those: its other blocks show output.
 */
function shellBlocks(md: string): string[] {
  const lines: string[] = []
  const labelled = /^<!--\s*@/m.test(md)
  let inBlock = false
  let shell = false
  let previous = ''
  for (const line of md.split('\n')) {
    const fence = /^\s*```(\w*)/.exec(line)
    if (fence) {
      if (!inBlock) shell = ['', 'sh', 'bash', 'shell'].includes(fence[1]) && (!labelled || /^<!--\s*@/.test(previous))
      inBlock = !inBlock
      continue
    }
    if (inBlock && shell) lines.push(line)
    if (!inBlock && line.trim() !== '') previous = line.trim()
  }
  return lines
}

/**
 * `$DEMO_HOME/x/y` (or `${DEMO_HOME}`, or a variable set to a path below it, or a path relative to
 * a `cd` there) as a path below the tree root; undefined for anything else.
 */
function demoPath(word: string, vars: Map<string, string>, cwd: string | undefined): string | undefined {
  const w = word.replace(/^"|"$/g, '').replace(/\)$/, '')
  const m = /^\$\{?(\w+)\}?(\/.*)?$/.exec(w)
  let p: string
  if (m) {
    const base = vars.get(m[1])
    if (base === undefined) return undefined
    p = joinPath('/', base, m[2] ?? '')
  } else if (cwd !== undefined && /^[\w.][\w./-]*$/.test(w)) p = joinPath('/', cwd, w)
  else return undefined
  return p === '/' ? '' : p.slice(1)
}

/**
 * The body of an unquoted heredoc as the shell writes it: `\$`, `\\`, `` \` `` unescaped, a
 * backslash-newline removed, `$NAME`/`${NAME}` of a variable the walkthrough never set expanded to
 * nothing. Undefined when the result depends on the run: a variable the script set (they hold the
 * temporary directory), an environment variable (upper case), command substitution, positional or
 * special parameters.
 */
export function expandHeredoc(body: string, vars: Map<string, string>): string | undefined {
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') {
      const n = body[i + 1]
      if (n === '$' || n === '\\' || n === '`') out += n
      else if (n !== '\n') out += c + (n ?? '')
      i++
    } else if (c === '`') return undefined
    else if (c === '$') {
      const m = /^\$(?:\{(\w+)\}|([A-Za-z_]\w*))/.exec(body.slice(i))
      if (!m) {
        // A lone `$` (before a space, a quote, the end) is written as it is; `$(`, `$1`, `$@` are not reproduced.
        if (/^\$[\s"'\n]|^\$$/.test(body.slice(i))) out += c
        else return undefined
        continue
      }
      const name = m[1] ?? m[2]
      if (vars.has(name) || !/^[a-z]/.test(name)) return undefined
      i += m[0].length - 1
    } else out += c
  }
  return out
}

export function extractMarkdownCases(md: string, file: string): {cases: GoCase[]; skipped: GoSkip[]} {
  const cases: GoCase[] = []
  const skipped: GoSkip[] = []
  const files = new Map<string, string>()
  let taint: string | undefined
  const lines = shellBlocks(md)
  let build = 0
  const vars = new Map<string, string>([['DEMO_HOME', '']])
  let cwd: string | undefined
  const at = (w: string) => demoPath(w, vars, cwd)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim()
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i].trim()
    if (line === '' || line.startsWith('#')) continue
    // `DEMO_HOME=$(mktemp -d)` again: a second walkthrough in the same file starts from an empty directory.
    if (/^DEMO_HOME=/.test(line)) {
      files.clear()
      taint = undefined
      cwd = undefined
      continue
    }
    const assignment = /^(\w+)=(\S+)$/.exec(line)
    if (assignment && assignment[1] !== 'DEMO_HOME') {
      const p = at(assignment[2])
      if (p !== undefined) {
        vars.set(assignment[1], `/${p}`)
        continue
      }
    }
    const cd = /^cd\s+(\S+)$/.exec(line)
    if (cd && at(cd[1]) !== undefined) {
      cwd = `/${at(cd[1])}`
      continue
    }
    const heredoc = /^cat\s+(?:<<-?\s*(['"]?)(\w+)\1\s*(>>?)\s*(\S+)|(>>?)\s*(\S+)\s+<<-?\s*(['"]?)(\w+)\7)\s*$/.exec(line)
    if (heredoc) {
      const quoted = heredoc[1] || heredoc[7]
      const delimiter = heredoc[2] ?? heredoc[8]
      const append = (heredoc[3] ?? heredoc[5]) === '>>'
      const target = at(heredoc[4] ?? heredoc[6])
      const body: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) body.push(lines[i])
      const raw = body.length ? body.join('\n') + '\n' : ''
      // An unquoted delimiter lets the shell expand $ and backquotes in the body.
      const content = quoted ? raw : expandHeredoc(raw, vars)
      if (target === undefined) taint ??= `writes outside $DEMO_HOME: ${line.slice(0, 60)}`
      else if (content === undefined) taint ??= `heredoc with shell expansions: ${target}`
      else files.set(target, append ? (files.get(target) ?? '') + content : content)
      continue
    }
    // Output shown in a shell block (a `tree` listing) is not a command.
    if (/^[├│└]/.test(line)) continue
    const words = line.split(/\s+/).map((w) => w.replace(/^(\w+=)?\$\(/, ''))
    if (words[0] === 'mkdir') {
      for (const w of words.slice(1)) {
        if (w.startsWith('-')) continue
        const p = at(w)
        if (p === undefined) taint ??= `mkdir outside $DEMO_HOME`
        else files.set(`${p}/`, '')
      }
      continue
    }
    const k = words.indexOf('kustomize')
    if (k >= 0 && words[k + 1] === 'build') {
      const name = `${file}#${++build}`
      const args = words.slice(k + 2)
      const end = args.findIndex((w) => ['|', '>', '>>', ')', '&&', ';'].includes(w) || w.endsWith(')'))
      const own = end < 0 ? args : args.slice(0, end + (args[end]?.endsWith(')') && args[end] !== ')' ? 1 : 0))
      // A relative path in a walkthrough that never `cd`s is meant from $DEMO_HOME when the script made it there.
      const madeBelowHome = (w: string) => (cwd === undefined && /^[\w][\w./-]*$/.test(w) && [...files.keys()].some((f) => f.startsWith(`${joinPath(w)}/`)) ? joinPath(w) : undefined)
      const dir = own.length === 0 || own.every((w) => w.startsWith('-')) ? (cwd === undefined ? undefined : cwd.slice(1)) : own.map((w) => at(w) ?? madeBelowHome(w)).find((p) => p !== undefined)
      // A walkthrough that installs an exec or Go plugin (under a plugin directory) is about plugins.
      if (own.some((a) => /^--enable[-_](alpha[-_]plugins|exec)|^--mount|^--network/.test(a))) skipped.push({name, category: 'plugins', reason: 'plugins or KRM functions enabled'})
      else if (taint) skipped.push({name, category: /^command .*plugin/i.test(taint) ? 'plugins' : 'not extractable', reason: taint})
      else if (dir === undefined) skipped.push({name, category: 'not extractable', reason: `build of ${args.join(' ').slice(0, 60)}`})
      else {
        const flags = own.join(' ')
        cases.push({
          name,
          files: new Map(files),
          buildDir: dir,
          expectsError: false,
          loadRestrictionsNone: /load[-_]restrictor[= ]\s*LoadRestrictionsNone/.test(flags),
          enableHelm: flags.includes('--enable-helm'),
        })
      }
      continue
    }
    if (k >= 0 || !harmless.has(words[0])) taint ??= `command ${line.slice(0, 60)}`
  }
  return {cases, skipped}
}
