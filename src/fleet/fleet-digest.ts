// The fleet render's fingerprint: each cluster's render digest (the one its rollout plan carries)
// and the wave it is in. Saved in every cluster's rollout state, it lets `fleet resume` refuse a
// fleet file that no longer renders what was paused, as `rollout resume --dir` does for one app.
import {canonicalJson} from '../rollout/digest.js'
import {sha256Hex} from '../model/sha256.js'
import type {Fleet} from './types.js'

export function fleetDigest(fleet: Fleet, renderDigests: ReadonlyMap<string, string>): string {
  const entries = fleet.clusters
    .map((c) => ({cluster: c.name, wave: fleet.waves[c.wave].name, render: renderDigests.get(c.name) ?? ''}))
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0))
  return sha256Hex(canonicalJson({app: fleet.app, namespace: fleet.namespace ?? '', clusters: entries}))
}
