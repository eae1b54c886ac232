// `fleet plan`: every cluster's plan as `apply --plan` makes it (render, server-side dry-run diff,
// steps), wave by wave, changing nothing anywhere. An unreachable cluster or a refused plan is that
// cluster's error; the others are still planned.
import {ClusterError} from '../cluster/errors.js'
import {UserError} from '../model/errors.js'
import {planChanges} from '../rollout/plan-changes.js'
import {prepareApply, type ApplyRequest} from '../rollout/run-apply.js'
import type {RolloutPlan} from '../rollout/types.js'
import {runPool} from './pool.js'
import {oneLine, type PortCache} from './run-fleet.js'
import type {Fleet, FleetCluster} from './types.js'

export interface ClusterPlan {
  cluster: string
  wave: string
  plan?: RolloutPlan
  /** Objects the apply would create, update or delete. */
  changes: number
  error?: string
}

/** Plans of every cluster in wave order; at most `parallel` clusters are read at once. */
export async function planFleet(fleet: Fleet, ports: PortCache, request: (c: FleetCluster) => ApplyRequest, parallel = 4): Promise<ClusterPlan[]> {
  const ordered = fleet.waves.flatMap((w) => w.clusters.map((name) => fleet.clusters.find((c) => c.name === name)!))
  const gen = runPool(ordered, parallel, async (c): Promise<ClusterPlan> => {
    const wave = fleet.waves[c.wave].name
    try {
      const prepared = await prepareApply(await ports.get(c), request(c))
      return {cluster: c.name, wave, plan: prepared.plan, changes: planChanges(prepared)}
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof ClusterError)) throw e
      return {cluster: c.name, wave, changes: 0, error: oneLine(e)}
    }
  })
  let r = await gen.next()
  while (!r.done) r = await gen.next()
  return r.value.map((p) => p!)
}
