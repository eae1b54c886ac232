// Start-up fast path: the calls users make most — `strata render DIR [flags]`, `strata --version`
// and help (`strata --help`, `strata help X`, `strata X --help`, from texts oclif rendered at
// build: scripts/help-texts.js) — answered without loading oclif's configuration, help and command
// machinery, which costs more than the whole render of a small overlay. Only argument lists
// whose meaning under oclif is certain are taken: the flags and their defaults come from the
// oclif.manifest.json that `npm run build` generates from the commands themselves, and anything
// else (help, unknown or repeated flags, integer or multiple-valued flags, `--`, plugins or
// hooks in package.json) goes to oclif unchanged. test/unit/cli/fast-path.test.ts compares
// both paths' output and exit codes.
import * as fs from 'node:fs'
import * as os from 'node:os'

/** The parts of oclif.manifest.json the fast path reads (its shape is oclif's Command.Cached). */
export interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  default?: unknown
  multiple?: boolean
  options?: string[]
  allowNo?: boolean
  env?: string
  dependsOn?: unknown
  exclusive?: unknown
  exactlyOne?: unknown
  relationships?: unknown
}

export interface ManifestCommand {
  id: string
  strict?: boolean
  enableJsonFlag?: boolean
  args: Record<string, {name: string; default?: unknown; required?: boolean; options?: string[]}>
  flags: Record<string, ManifestFlag>
}

export interface Manifest {
  version: string
  commands: Record<string, ManifestCommand>
}

export interface PackageJson {
  name: string
  version: string
  oclif: {plugins?: unknown[]; hooks?: Record<string, unknown>; additionalVersionFlags?: string[]; additionalHelpFlags?: string[]; topicSeparator?: string}
}

/** What to do instead of starting oclif; undefined: start oclif. */
export type FastPlan = {kind: 'version'; text: string} | {kind: 'render'; dir: string; flags: Record<string, unknown>} | {kind: 'help'; id: string}

/** The texts scripts/help-texts.js renders with oclif's help at build (dist/help.json). */
export interface HelpTexts {
  version: string
  /** Keyed by command or topic id (`rollout:status`), '' for the root. */
  texts: Record<string, string>
}

/** What decides how oclif lays help out: the texts were rendered for a pipe (80 columns, no colour). */
export interface Terminal {
  stdoutIsTTY: boolean
  env: NodeJS.ProcessEnv
}

/**
 * oclif's user agent (`strata/0.1.0 linux-x64 node-v20.20.2`), or undefined where oclif would name
 * the platform differently (it says `wsl` under Windows' Linux subsystem).
 */
export function userAgent(pjson: PackageJson): string | undefined {
  const platform = os.platform()
  if (platform === 'linux' && (os.release().toLowerCase().includes('microsoft') || procVersion().includes('microsoft'))) return undefined
  const arch = os.arch() === 'ia32' ? 'x86' : os.arch()
  return `${pjson.name}/${pjson.version} ${platform}-${arch} node-${process.version}`
}

function procVersion(): string {
  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase()
  } catch {
    return ''
  }
}

/** Whether nothing in package.json or the manifest changes what oclif would do on its own. */
function plainSetup(pjson: PackageJson, manifest: Manifest): boolean {
  const o = pjson.oclif
  // command_not_found runs only for an id that is no command: never for --version or render.
  return !o.plugins?.length && Object.keys(o.hooks ?? {}).every((h) => h === 'command_not_found') && manifest.version === pjson.version
}

export function fastPlan(argv: string[], pjson: PackageJson, manifest: Manifest | undefined, terminal?: Terminal): FastPlan | undefined {
  if (!manifest || !plainSetup(pjson, manifest)) return undefined
  const help = terminal && helpSubject(argv, pjson, terminal)
  if (help !== undefined) return {kind: 'help', id: help}
  if (argv.length > 0 && ['--version', ...(pjson.oclif.additionalVersionFlags ?? [])].includes(argv[0])) {
    const text = userAgent(pjson)
    return text ? {kind: 'version', text} : undefined
  }
  if (argv[0] === 'render' && manifest.commands.render) {
    const parsed = parseCertain(argv.slice(1), manifest.commands.render, pjson)
    return parsed && {kind: 'render', dir: parsed.dir, flags: parsed.flags}
  }
  return undefined
}

/**
 * The arguments of one command when every one of them means the same to oclif's parser without
 * doubt: at most one positional, `--name value`, `--name=value`, `-c value`, `--bool`, `-b`, each
 * flag once. undefined for anything else, which oclif then parses (and reports) itself.
 */
export function parseCertain(args: string[], command: ManifestCommand, pjson: PackageJson): {dir: string; flags: Record<string, unknown>} | undefined {
  const argDefs = Object.values(command.args)
  if (command.strict === false || command.enableJsonFlag || argDefs.length !== 1 || argDefs[0].required || argDefs[0].options) return undefined
  const flagDefs = Object.values(command.flags)
  if (flagDefs.some((f) => f.env || f.dependsOn || f.exclusive || f.exactlyOne || f.relationships)) return undefined
  const helpFlags = ['--help', ...(pjson.oclif.additionalHelpFlags ?? [])]
  const byChar = new Map(flagDefs.filter((f) => f.char).map((f) => [`-${f.char}`, f]))

  const given = new Map<string, unknown>()
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (helpFlags.includes(arg)) return undefined
    if (!arg.startsWith('-')) {
      positionals.push(arg)
      continue
    }
    let def: ManifestFlag | undefined
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2)
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined
      def = command.flags[name]
      if (def && def.name !== name) def = undefined
    } else {
      def = byChar.get(arg)
    }
    if (!def || given.has(def.name) || def.multiple) return undefined
    if (def.type === 'boolean') {
      if (inline !== undefined) return undefined
      given.set(def.name, true)
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined || value === '' || value.startsWith('-') || helpFlags.includes(value)) return undefined
    // The manifest does not keep a flag's parser: a number default marks an integer flag (its
    // bounds live in the command), left to oclif.
    if (typeof def.default === 'number') return undefined
    if (def.options && !def.options.includes(value)) return undefined
    given.set(def.name, value)
  }
  if (positionals.length > 1) return undefined

  const flags: Record<string, unknown> = {}
  for (const def of flagDefs) {
    if (given.has(def.name)) flags[def.name] = given.get(def.name)
    else if (def.default !== undefined) flags[def.name] = def.default
    else if (def.type === 'boolean') flags[def.name] = false
  }
  const dir = positionals[0] ?? argDefs[0].default
  if (typeof dir !== 'string') return undefined
  return {dir, flags}
}

/**
 * The command or topic id whose help oclif would print for argv ('' for the root), when that help
 * is the text rendered at build: stdout is no terminal (oclif then lays out 80 columns, and
 * colours nothing, whatever theme a user has), nothing overrides the width or colour, and argv is
 * `[]`, `[--help]`, `[help]`, `[help, ...words]` or `[...words, --help]`. The caller prints the
 * text only where the build rendered one for that id (so unknown words still go to oclif).
 */
export function helpSubject(argv: string[], pjson: PackageJson, terminal: Terminal): string | undefined {
  if (terminal.stdoutIsTTY || terminal.env.OCLIF_COLUMNS || terminal.env.FORCE_COLOR !== undefined) return undefined
  const helpFlags = ['--help', ...(pjson.oclif.additionalHelpFlags ?? [])]
  let words: string[]
  if (argv[0] === 'help' && !argv.slice(1).some((a) => helpFlags.includes(a))) words = argv.slice(1)
  else if (argv.length === 0) words = []
  else if (helpFlags.includes(argv.at(-1)!)) words = argv.slice(0, -1)
  else return undefined
  if (!words.every((w) => /^[a-z][a-z0-9-]*$/.test(w))) return undefined
  return words.join(':')
}
