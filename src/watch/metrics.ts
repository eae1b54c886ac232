// Prometheus metrics for watch, in the text exposition format (version 0.0.4), without a client
// library: a handful of gauges and counters keyed by label set, and histograms with fixed buckets.
// Values live in Maps keyed by the rendered label set, so an update is O(labels).

export type Labels = Record<string, string>

interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  buckets?: readonly number[]
  values: Map<string, {labels: Labels; value: number; counts?: number[]; sum?: number; count?: number}>
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>()

  counter(name: string, help: string): void {
    this.define(name, help, 'counter')
  }
  gauge(name: string, help: string): void {
    this.define(name, help, 'gauge')
  }
  histogram(name: string, help: string, buckets: readonly number[]): void {
    this.define(name, help, 'histogram', [...buckets].sort((a, b) => a - b))
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const v = this.slot(name, labels, 'counter')
    v.value += by
  }
  set(name: string, labels: Labels, value: number): void {
    this.slot(name, labels, 'gauge').value = value
  }
  observe(name: string, labels: Labels, value: number): void {
    const fam = this.family(name, 'histogram')
    const v = this.slot(name, labels, 'histogram')
    v.counts ??= fam.buckets!.map(() => 0)
    fam.buckets!.forEach((b, i) => {
      if (value <= b) v.counts![i]++
    })
    v.sum = (v.sum ?? 0) + value
    v.count = (v.count ?? 0) + 1
  }
  /** Drops an app's series when it leaves the config. */
  remove(labels: Labels): void {
    for (const fam of this.families.values()) {
      for (const [k, v] of fam.values) if (Object.entries(labels).every(([lk, lv]) => v.labels[lk] === lv)) fam.values.delete(k)
    }
  }

  /** The exposition text served on /metrics. */
  render(): string {
    const out: string[] = []
    for (const fam of this.families.values()) {
      out.push(`# HELP ${fam.name} ${escapeHelp(fam.help)}`, `# TYPE ${fam.name} ${fam.type}`)
      for (const v of fam.values.values()) {
        if (fam.type !== 'histogram') {
          out.push(`${fam.name}${labelText(v.labels)} ${formatNumber(v.value)}`)
          continue
        }
        fam.buckets!.forEach((b, i) => out.push(`${fam.name}_bucket${labelText({...v.labels, le: formatNumber(b)})} ${v.counts?.[i] ?? 0}`))
        out.push(`${fam.name}_bucket${labelText({...v.labels, le: '+Inf'})} ${v.count ?? 0}`)
        out.push(`${fam.name}_sum${labelText(v.labels)} ${formatNumber(v.sum ?? 0)}`, `${fam.name}_count${labelText(v.labels)} ${v.count ?? 0}`)
      }
    }
    return `${out.join('\n')}\n`
  }

  private define(name: string, help: string, type: Family['type'], buckets?: readonly number[]): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`)
    if (!this.families.has(name)) this.families.set(name, {name, help, type, buckets, values: new Map()})
  }
  private family(name: string, type: Family['type']): Family {
    const fam = this.families.get(name)
    if (!fam || fam.type !== type) throw new Error(`metric ${name} is not a defined ${type}`)
    return fam
  }
  private slot(name: string, labels: Labels, type: Family['type']): {labels: Labels; value: number; counts?: number[]; sum?: number; count?: number} {
    const fam = this.family(name, type)
    const key = labelText(labels)
    let v = fam.values.get(key)
    if (!v) fam.values.set(key, (v = {labels: {...labels}, value: 0}))
    return v
  }
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort()
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return '+Inf'
  if (n === -Infinity) return '-Inf'
  return String(n)
}
