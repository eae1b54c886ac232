// oclif's parse errors, reworded as strata's own: one sentence per problem, flags written as the
// user types them (`--repo`, not `repo`), arguments by their usage name (NAME), no "The following
// error occurred:" header over a single line and no tab-indented second line.

/** The message of an oclif parse error (its "See more help" tail already cut) as strata prints it. */
export function rewordOclifMessage(message: string): string {
  const header = /^The following errors? occurred:\n/
  const lines = header.test(message)
    ? message.replace(header, '').split('\n').map((l) => l.trim()).filter(Boolean)
    : [message.trim()]
  const problems: string[] = []
  const missingFlags: string[] = []
  for (const line of lines) {
    const missing = /^Missing required flag:?\s+(?:--)?([\w-]+)$/.exec(line)
    if (missing) missingFlags.push(`--${missing[1]}`)
    else problems.push(rewordOne(line))
  }
  if (missingFlags.length > 0) problems.unshift(`missing required flag${missingFlags.length > 1 ? 's' : ''} ${missingFlags.join(', ')}`)
  return problems.join('; ')
}

function rewordOne(text: string): string {
  // "Missing 1 required arg:\nname  app name (…)" (one line per argument)
  const args = /^Missing \d+ required args?:\n([\s\S]*)$/.exec(text)
  if (args) {
    const names = args[1].split('\n').map((l) => /^(\S+)\s+(.*)$/.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null)
    if (names.length > 0) return names.map((m) => `missing argument ${m[1].toUpperCase()}: ${m[2]}`).join('; ')
  }
  // "Parsing --concurrency \n\tExpected an integer but received: abc"
  const parsing = /^Parsing (--[\w-]+)\s*\n\s*([\s\S]*)$/.exec(text)
  if (parsing) return `${parsing[1]}: ${parsing[2].charAt(0).toLowerCase()}${parsing[2].slice(1).trim()}`
  return text
}
