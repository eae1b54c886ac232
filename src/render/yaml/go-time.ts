// go-yaml (v2 and v3) reads a digit-led plain scalar as a timestamp when Go's time.Parse accepts
// it under one of four layouts; kustomize then prints the time.Time through encoding/json. This is
// that parse, field by field, because a regular expression drifts from time.Parse at the edges
// (a run of spaces as separator, any number of fraction digits, zone offsets of -00:00).

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  return c >= 48 && c <= 57
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/**
 * go-yaml's parseTimestamp (time.Parse over the layouts "2006-1-2T15:4:5.999999999Z07:00", the
 * same with a lower-case t, "2006-1-2 15:4:5.999999999" and "2006-1-2"), returning the instant
 * formatted as Go's time.RFC3339Nano — what a decoded timestamp becomes after kustomize's JSON
 * round trip — or undefined when it is not a timestamp.
 */
export function parseGoTimestamp(s: string): string | undefined {
  for (let k = 0; k < 4; k++) if (!isDigitAt(s, k)) return undefined
  if (s.charCodeAt(4) !== 45) return undefined
  let pos = 5
  // Go's non-fixed numeric fields take one or two digits.
  const num = (): number | undefined => {
    if (!isDigitAt(s, pos)) return undefined
    if (!isDigitAt(s, pos + 1)) return s.charCodeAt(pos++) - 48
    const v = (s.charCodeAt(pos) - 48) * 10 + (s.charCodeAt(pos + 1) - 48)
    pos += 2
    return v
  }
  const year = Number(s.slice(0, 4))
  const month = num()
  if (month === undefined || month < 1 || month > 12 || s.charCodeAt(pos) !== 45) return undefined
  pos++
  const day = num()
  if (day === undefined || day < 1 || day > daysIn(month, year)) return undefined
  const date = `${s.slice(0, 4)}-${pad2(month)}-${pad2(day)}`
  if (pos === s.length) return `${date}T00:00:00Z`

  const sep = s[pos]
  let zoned: boolean
  if (sep === 'T' || sep === 't') {
    zoned = true
    pos++
  } else if (sep === ' ') {
    // A space in a Go layout matches a run of spaces.
    zoned = false
    while (s[pos] === ' ') pos++
  } else return undefined

  const hour = num()
  if (hour === undefined || hour > 23 || s[pos] !== ':') return undefined
  pos++
  const minute = num()
  if (minute === undefined || minute > 59 || s[pos] !== ':') return undefined
  pos++
  const second = num()
  if (second === undefined || second > 59) return undefined

  let frac = ''
  if ((s[pos] === '.' || s[pos] === ',') && isDigitAt(s, pos + 1)) {
    let end = pos + 1
    while (isDigitAt(s, end)) end++
    // Go keeps nanoseconds: digits past the ninth are read and dropped.
    frac = s.slice(pos + 1, Math.min(end, pos + 10)).replace(/0+$/, '')
    pos = end
  }

  let offsetMinutes = 0
  if (zoned) {
    if (s[pos] === 'Z') pos++
    else {
      if (s.length - pos < 6 || s[pos + 3] !== ':') return undefined
      const sign = s[pos]
      if (sign !== '+' && sign !== '-') return undefined
      if (!isDigitAt(s, pos + 1) || !isDigitAt(s, pos + 2) || !isDigitAt(s, pos + 4) || !isDigitAt(s, pos + 5)) return undefined
      const hh = Number(s.slice(pos + 1, pos + 3))
      const mm = Number(s.slice(pos + 4, pos + 6))
      if (hh > 24 || mm > 60) return undefined
      offsetMinutes = (sign === '-' ? -1 : 1) * (hh * 60 + mm)
      pos += 6
    }
  }
  if (pos !== s.length) return undefined

  let zone = 'Z'
  if (offsetMinutes !== 0) {
    const a = Math.abs(offsetMinutes)
    zone = `${offsetMinutes < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`
  }
  return `${date}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${frac ? `.${frac}` : ''}${zone}`
}
