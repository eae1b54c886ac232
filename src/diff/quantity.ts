// Kubernetes resource quantities (`100m`, `0.1`, `1Gi`, `1e3`) as exact rationals, so a
// read-only comparison can tell that the server's canonical `100m` is the `0.1` the render wrote.

interface Rational {
  num: bigint
  den: bigint
}

const binary: Record<string, bigint> = {Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n}
const decimal: Record<string, number> = {n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}
const quantityPattern = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/

/** The exact value of a quantity string, or undefined when it is not one. */
export function parseQuantity(text: string): Rational | undefined {
  const m = quantityPattern.exec(text)
  if (!m) return undefined
  const [, sign, digits, suffix = ''] = m
  const dot = digits.indexOf('.')
  const fraction = dot < 0 ? '' : digits.slice(dot + 1)
  let num = BigInt((dot < 0 ? digits : digits.slice(0, dot) + fraction) || '0')
  let den = 10n ** BigInt(fraction.length)
  if (sign === '-') num = -num
  if (suffix in binary) num *= binary[suffix]
  else {
    const exp = suffix === '' || suffix in decimal ? decimal[suffix] : Number(suffix.slice(1))
    if (Math.abs(exp) > 1000) return undefined
    if (exp >= 0) num *= 10n ** BigInt(exp)
    else den *= 10n ** BigInt(-exp)
  }
  return {num, den}
}

/** True when both are quantities of the same value (`100m` and `0.1`, `1Gi` and `1024Mi`). */
export function sameQuantity(a: string | number, b: string | number): boolean {
  const x = parseQuantity(String(a))
  const y = parseQuantity(String(b))
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den
}
