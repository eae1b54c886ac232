// Go's strconv.FormatFloat(f, 'g', -1, 64), which go-yaml v2 uses for floats: the shortest
// digits that round-trip, in %e form when the decimal exponent is < -4 or >= 6 (Go's rule for
// shortest precision), with at least two exponent digits (1e+06, 1.5e-05).

/** Shortest round-trip decimal digits and the decimal point position (Go's decimalSlice). */
function shortestDigits(f: number): {digits: string; dp: number} {
  const [mant, exp] = Math.abs(f).toExponential().split('e')
  const digits = mant.replace('.', '')
  return {digits, dp: Number(exp) + 1}
}

export function formatGoFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const neg = f < 0
  const {digits, dp} = shortestDigits(f)
  const exp = dp - 1
  let out: string
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const e = Math.abs(exp)
    out = `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`
  } else if (dp >= digits.length) {
    out = digits + '0'.repeat(dp - digits.length)
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`
  }
  return neg ? `-${out}` : out
}
