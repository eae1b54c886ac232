/**
 * kustomize's encodeBase64 (kyaml/yaml/datamap.go): standard base64, but once the encoding
 * reaches 70 characters it is cut into 70-character lines, each ending in `\n` — the last one
 * too. The newlines are part of the value, so they show in the output and in the hash.
 */
export function kustomizeBase64(bytes: Buffer): string {
  const lineLen = 70
  const enc = bytes.toString('base64')
  if (enc.length < lineLen) return enc
  const lines: string[] = []
  for (let i = 0; i < enc.length; i += lineLen) lines.push(enc.slice(i, i + lineLen), '\n')
  return lines.join('')
}
