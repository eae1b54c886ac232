/**
 * What strata lets reach a git command line. URLs and refs come from kustomization files, i.e.
 * from repositories strata does not control, so each is checked before git sees it: nothing that
 * git could read as an option (`-`, `--upload-pack=…`), no `<transport>::` helpers (`ext::` runs a
 * command), only https, ssh (also scp style) and file transports. Refs are passed after
 * `--end-of-options` as a second guard.
 */

export type UnsafeReason = string

const controlOrSpace = /[\u0000-\u0020\u007f]/

/** Why a clone URL is refused, or undefined when it is safe to hand to git. */
export function unsafeCloneUrl(url: string): UnsafeReason | undefined {
  if (url === '') return 'the URL is empty'
  if (url.startsWith('-')) return 'it starts with "-", which git would read as an option'
  if (controlOrSpace.test(url)) return 'it contains whitespace or control characters'
  if (url.includes('::')) return 'transport helpers ("ext::", "fd::", ...) are not allowed'
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)
  if (scheme) {
    const name = scheme[1].toLowerCase()
    if (!['https', 'ssh', 'file'].includes(name)) return `the "${name}" transport is not allowed (use https, ssh or file)`
    const rest = url.slice(scheme[0].length)
    const authority = name === 'file' ? '' : rest.split('/')[0]
    const host = authority.slice(authority.lastIndexOf('@') + 1)
    if (name !== 'file' && (host === '' || host.startsWith('-'))) return 'the host is empty or starts with "-"'
    return undefined
  }
  // scp style: user@host:path
  const scp = /^([^@/:]+@)?([^@/:]+):(.*)$/.exec(url)
  if (!scp) return 'it is neither an https, ssh or file URL nor scp-style user@host:path'
  if (scp[2].startsWith('-') || scp[3].startsWith('-')) return 'the host or path starts with "-"'
  return undefined
}

/** Why a ref is refused, or undefined. Follows git check-ref-format, plus no leading "-". */
export function unsafeRef(ref: string): UnsafeReason | undefined {
  if (ref === '') return undefined
  if (ref.startsWith('-')) return 'it starts with "-", which git would read as an option'
  if (ref.length > 255) return 'it is longer than 255 characters'
  if (controlOrSpace.test(ref)) return 'it contains whitespace or control characters'
  if (/[~^:?*[\\]/.test(ref)) return 'it contains one of ~ ^ : ? * [ \\'
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//')) return 'it contains "..", "@{" or "//"'
  if (ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock') || ref.startsWith('/')) return 'it begins or ends with "/", or ends with "." or ".lock"'
  if (ref.split('/').some((part) => part.startsWith('.'))) return 'a path component starts with "."'
  return undefined
}

/**
 * Removes credentials from every URL in a text: all userinfo of http(s) URLs (tokens ride there),
 * the password of any other URL. scp-style `git@host:` users are not secrets and stay.
 */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@\s'"]+)@/g, (_m, scheme: string, userinfo: string) => {
    if (/^https?:\/\/$/i.test(scheme)) return scheme
    const colon = userinfo.indexOf(':')
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}@` : `${scheme}${userinfo}@`
  })
}
