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

function less(a: string, b: string): boolean {
  const ar = runes(a)
  const br = runes(b)
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue
    const al = isLetter(ar[i])
    const bl = isLetter(br[i])
    if (al && bl) return ar[i] < br[i]
    if (al || bl) return bl
    let an = 0
    let bn = 0
    if (ar[i] === 0x30 || br[i] === 0x30) {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== 0x30) {
          an = 1
          bn = 1
          break
        }
      }
    }
    let ai = i
    let bi = i
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai] - 0x30)
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi] - 0x30)
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ar[i] < br[i]
  }
  return ar.length < br.length
}

export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0
  return less(a, b) ? -1 : less(b, a) ? 1 : 0
}
