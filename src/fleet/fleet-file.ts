// The fleet file: which clusters get the app, from which tree, in which waves. It is local
// configuration, never applied. Everything is checked before any cluster is touched, and every
// error names the file and the field (`spec.clusters[1].labels.tier`): a cluster in no wave or in
// two, an unknown key, a duplicate name, a bad selector. Paths are relative to the fleet file.
//
//   apiVersion: strata.dev/v1alpha1
//   kind: Fleet
//   metadata: {name: shop}
//   spec:
//     path: overlays/{cluster}       # tree per cluster; {cluster} = the cluster's name
//     app: shop                      # default: metadata.name
//     namespace: shop                # optional, as apply -n
//     clusters:
//     - {name: canary, kubeconfig: ./kube/canary.yaml, labels: {tier: canary}}
//     - {name: eu-1, context: eu-1, labels: {tier: main}}     # no kubeconfig: the default one
//     waves:
//     - {name: canary, selector: {tier: canary}, pause: true}
//     - {name: main, selector: {tier: main}, maxParallel: 2, maxFailures: 0}
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {parseYamlDocument} from '../render/yaml/parse.js'
import type {Fleet, FleetCluster, FleetWave} from './types.js'

export const fleetApiVersion = 'strata.dev/v1alpha1'
const topFields = ['apiVersion', 'kind', 'metadata', 'spec']
const metadataFields = ['name', 'labels', 'annotations']
const specFields = ['path', 'app', 'namespace', 'clusters', 'waves']
const clusterFields = ['name', 'kubeconfig', 'context', 'labels', 'path']
const waveFields = ['name', 'selector', 'pause', 'maxParallel', 'maxFailures']
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
// Label keys and values as Kubernetes allows them (an optional DNS prefix and '/').
const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/

/** Parses and validates a fleet file's text; `file` is its path (relative paths inside resolve against its directory). */
export function parseFleet(text: string, file: string): Fleet {
  const fail = (field: string, message: string, hint?: string): never => {
    throw new UserError(message, {file, field}, hint)
  }
  const doc = parseYamlDocument(text, file)
  if (!isObject(doc)) fail('apiVersion', 'expected a Fleet document (a mapping with apiVersion, kind, metadata and spec)', `Start the file with \`apiVersion: ${fleetApiVersion}\` and \`kind: Fleet\`.`)
  const top = doc as JsonObject
  onlyKnown(top, topFields, '', fail)
  if (top.apiVersion !== fleetApiVersion) fail('apiVersion', `apiVersion must be ${fleetApiVersion}, not ${JSON.stringify(top.apiVersion ?? null)}`)
  if (top.kind !== 'Fleet') fail('kind', `kind must be Fleet, not ${JSON.stringify(top.kind ?? null)}`)
  const metadata = mapping(top.metadata, 'metadata', fail, true)
  onlyKnown(metadata, metadataFields, 'metadata.', fail)
  const name = dnsName(metadata.name, 'metadata.name', fail, true)!
  const spec = mapping(top.spec, 'spec', fail, true)
  onlyKnown(spec, specFields, 'spec.', fail)
  const app = dnsName(spec.app, 'spec.app', fail, false) ?? name
  const namespace = dnsName(spec.namespace, 'spec.namespace', fail, false)
  const template = pathTemplate(spec.path, 'spec.path', fail, true)!
  const base = path.dirname(path.resolve(file))

  if (!Array.isArray(spec.clusters) || spec.clusters.length === 0) fail('spec.clusters', 'spec.clusters must be a non-empty list', 'List each cluster as {name, kubeconfig, context, labels}.')
  const clusters: (Omit<FleetCluster, 'wave'> & {at: string})[] = []
  const clusterIndex = new Map<string, number>()
  ;(spec.clusters as JsonValue[]).forEach((entry, i) => {
    const at = `spec.clusters[${i}]`
    const c = mapping(entry, at, fail, true)
    onlyKnown(c, clusterFields, `${at}.`, fail)
    const cname = dnsName(c.name, `${at}.name`, fail, true)!
    const first = clusterIndex.get(cname)
    if (first !== undefined) fail(`${at}.name`, `cluster name "${cname}" is already used by spec.clusters[${first}]`, 'Cluster names must be unique: they name the cluster in every output and fill {cluster} in the path.')
    clusterIndex.set(cname, i)
    const kubeconfig = optionalString(c.kubeconfig, `${at}.kubeconfig`, fail)
    const context = optionalString(c.context, `${at}.context`, fail)
    const own = pathTemplate(c.path, `${at}.path`, fail, false)
    clusters.push({
      at,
      name: cname,
      kubeconfig: kubeconfig === undefined ? undefined : path.resolve(base, kubeconfig),
      context,
      labels: labels(c.labels, `${at}.labels`, fail, false),
      dir: path.resolve(base, (own ?? template).replaceAll('{cluster}', cname)),
    })
  })

  if (!Array.isArray(spec.waves) || spec.waves.length === 0) fail('spec.waves', 'spec.waves must be a non-empty list', 'List the waves in order, each as {name, selector}.')
  const waves: FleetWave[] = []
  const waveOf = new Map<string, number>()
  const waveIndex = new Map<string, number>()
  ;(spec.waves as JsonValue[]).forEach((entry, i) => {
    const at = `spec.waves[${i}]`
    const w = mapping(entry, at, fail, true)
    onlyKnown(w, waveFields, `${at}.`, fail)
    const wname = dnsName(w.name, `${at}.name`, fail, true)!
    const first = waveIndex.get(wname)
    if (first !== undefined) fail(`${at}.name`, `wave name "${wname}" is already used by spec.waves[${first}]`, 'Wave names must be unique.')
    waveIndex.set(wname, i)
    const selector = labels(w.selector, `${at}.selector`, fail, true)
    if (Object.keys(selector).length === 0) fail(`${at}.selector`, `${at}.selector is empty: it would select every cluster`, 'Give the labels a cluster must have to be in this wave, e.g. {tier: canary}.')
    const members = clusters.filter((c) => Object.entries(selector).every(([k, v]) => c.labels[k] === v))
    if (members.length === 0) fail(`${at}.selector`, `wave "${wname}" selects no cluster (${describeSelector(selector)})`, 'Label the clusters this wave should hold, or fix the selector.')
    for (const c of members) {
      const other = waveOf.get(c.name)
      if (other !== undefined) {
        fail(`${at}.selector`, `cluster "${c.name}" is in two waves: "${waves[other].name}" and "${wname}"`, 'Each cluster belongs to exactly one wave: make the selectors disjoint.')
      }
      waveOf.set(c.name, i)
    }
    waves.push({
      name: wname,
      index: i,
      clusters: members.map((c) => c.name),
      pause: optionalBoolean(w.pause, `${at}.pause`, fail) ?? false,
      maxParallel: optionalInteger(w.maxParallel, `${at}.maxParallel`, 1, fail) ?? 1,
      maxFailures: optionalInteger(w.maxFailures, `${at}.maxFailures`, 0, fail) ?? 0,
      selector,
    })
  })
  for (const c of clusters) {
    if (!waveOf.has(c.name)) fail(`${c.at}.labels`, `cluster "${c.name}" is in no wave (labels ${describeSelector(c.labels) || 'none'})`, 'Give it the labels of one wave\'s selector, or add a wave that selects it.')
  }
  return {
    file: path.resolve(file),
    name,
    app,
    ...(namespace !== undefined ? {namespace} : {}),
    clusters: clusters.map(({at: _at, ...c}) => ({...c, wave: waveOf.get(c.name)!})),
    waves,
  }
}

type Fail = (field: string, message: string, hint?: string) => never

function onlyKnown(obj: JsonObject, allowed: string[], prefix: string, fail: Fail): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(`${prefix}${k}`, `unknown field "${prefix}${k}"`, `Allowed here: ${allowed.join(', ')}.`)
  }
}

function mapping(v: JsonValue | undefined, field: string, fail: Fail, required: boolean): JsonObject {
  if (v === undefined || v === null) return required ? fail(field, `${field} is required`) : {}
  if (!isObject(v)) return fail(field, `${field} must be a mapping`)
  return v
}

function optionalString(v: JsonValue | undefined, field: string, fail: Fail): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v === '') return fail(field, `${field} must be a non-empty string`)
  return v
}

function dnsName(v: JsonValue | undefined, field: string, fail: Fail, required: boolean): string | undefined {
  if ((v === undefined || v === null) && required) fail(field, `${field} is required`)
  const s = optionalString(v, field, fail)
  if (s !== undefined && (s.length > 53 || !dnsLabel.test(s))) fail(field, `${field} "${s}" is not a lowercase DNS label of at most 53 characters`, 'Use lowercase letters, digits and "-".')
  return s
}

function pathTemplate(v: JsonValue | undefined, field: string, fail: Fail, required: boolean): string | undefined {
  if ((v === undefined || v === null) && required) fail(field, `${field} is required`, 'Give the kustomize tree to render per cluster, relative to the fleet file, e.g. overlays/{cluster}.')
  const s = optionalString(v, field, fail)
  if (s === undefined) return undefined
  const unknown = s.match(/\{(?!cluster\})[^}]*\}/)
  if (unknown) fail(field, `${field} "${s}" has an unknown placeholder ${unknown[0]}`, 'The only placeholder is {cluster}, the cluster\'s name.')
  return s
}

function labels(v: JsonValue | undefined, field: string, fail: Fail, required: boolean): Record<string, string> {
  const m = mapping(v, field, fail, required)
  const out: Record<string, string> = {}
  for (const [k, value] of Object.entries(m)) {
    if (!labelKey.test(k)) fail(`${field}.${k}`, `${field}: "${k}" is not a label key`, 'A label key is a name of at most 63 letters, digits, "-", "_" or ".", with an optional DNS prefix and "/".')
    if (typeof value !== 'string') fail(`${field}.${k}`, `${field}.${k} must be a string, not ${JSON.stringify(value)}`, 'Quote the value (e.g. "1", "true").')
    if (!labelValue.test(value as string)) fail(`${field}.${k}`, `${field}.${k}: "${String(value)}" is not a label value`, 'At most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.')
    out[k] = value as string
  }
  return out
}

function optionalBoolean(v: JsonValue | undefined, field: string, fail: Fail): boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') return fail(field, `${field} must be true or false, not ${JSON.stringify(v)}`)
  return v
}

function optionalInteger(v: JsonValue | undefined, field: string, min: number, fail: Fail): number | undefined {
  if (v === undefined || v === null) return undefined
  const n = typeof v === 'bigint' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) return fail(field, `${field} must be an integer of at least ${min}, not ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)}`)
  return n as number
}

function describeSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}
