// Go's filepath.Match patterns, which kustomize edit matches paths with: `*` and `?` never cross a
// `/`, `[abc]`/`[^a-z]` are classes, `\` escapes.
export function globToRegExp(pattern: string): RegExp {
  let body = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*') body += '[^/]*'
    else if (c === '?') body += '[^/]'
    else if (c === '\\' && i + 1 < pattern.length) body += escape(pattern[++i])
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) {
        body += escape(c)
        continue
      }
      let cls = pattern.slice(i + 1, end)
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`
      body += `[${cls.replace(/\\/g, '\\\\')}]`
      i = end
    } else body += escape(c)
  }
  return new RegExp(`^${body}$`)
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
