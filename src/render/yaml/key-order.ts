// go-yaml v2 sorts map keys with its own "natural" order (keyList.Less): runs of digits compare
// as numbers, letters sort after non-letters, and otherwise code points compare. Output key
// order is part of byte-identical output, so this mirrors it rune for rune.

const letter = /\p{L}/u
const isLetter = (c: number) => (c < 0x80 ? (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) : letter.test(String.fromCodePoint(c)))
const isDigit = (c: number) => c >= 0x30 && c <= 0x39

function runes(s: string): number[] {
  const out: number[] = []
  for (const ch of s) out.push(ch.codePointAt(0)!)
  return out
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false
  return true
}

/** go-yaml v2's keyList.Less. */
// Keys are almost always ASCII: compare their UTF-16 units in place, and only build rune arrays
// (what Go iterates) when a key holds other characters.
export function goYamlKeyLess(a: string, b: string): boolean {
  if (isAscii(a) && isAscii(b)) {
    // The common case settles at the first difference between two letters.
    const n = a.length < b.length ? a.length : b.length
    let i = 0
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
    if (i === n) return a.length < b.length
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    const al = (x >= 0x61 && x <= 0x7a) || (x >= 0x41 && x <= 0x5a)
    const bl = (y >= 0x61 && y <= 0x7a) || (y >= 0x41 && y <= 0x5a)
    if (al && bl) return x < y
    if (al || bl) return bl
    return lessRunes(a.length, (k) => a.charCodeAt(k), b.length, (k) => b.charCodeAt(k))
  }
  const ar = runes(a)
  const br = runes(b)
  return lessRunes(ar.length, (i) => ar[i], br.length, (i) => br[i])
}

function lessRunes(na: number, ra: (i: number) => number, nb: number, rb: (i: number) => number): boolean {
  for (let i = 0; i < na && i < nb; i++) {
    const x = ra(i)
    const y = rb(i)
    if (x === y) continue
    const al = isLetter(x)
    const bl = isLetter(y)
    if (al && bl) return x < y
    if (al || bl) return bl
    let an = 0
    let bn = 0
    if (x === 0x30 || y === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ra(j)); j--) {
        if (ra(j) !== 0x30) {
          an = 1
          bn = 1
          break
        }
      }
    }
    let ai = i
    let bi = i
    for (; ai < na && isDigit(ra(ai)); ai++) an = an * 10 + (ra(ai) - 0x30)
    for (; bi < nb && isDigit(rb(bi)); bi++) bn = bn * 10 + (rb(bi) - 0x30)
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return x < y
  }
  return na < nb
}

export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0
  // The ASCII case of less() settles both directions at the first difference (a prefix, or two
  // letters, or a letter against a non-letter): one scan instead of less(a, b) then less(b, a).
  if (isAscii(a) && isAscii(b)) {
    const n = a.length < b.length ? a.length : b.length
    let i = 0
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
    if (i === n) return a.length < b.length ? -1 : 1
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    const al = (x >= 0x61 && x <= 0x7a) || (x >= 0x41 && x <= 0x5a)
    const bl = (y >= 0x61 && y <= 0x7a) || (y >= 0x41 && y <= 0x5a)
    if (al && bl) return x < y ? -1 : 1
    if (al !== bl) return bl ? -1 : 1
  }
  return goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0
}
