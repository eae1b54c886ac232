import type {ClusterPort} from './port.js'

/**
 * `port` with at most `limit` requests in flight, whoever makes them (the per-object work and
 * the inventory read share one bound). Discovery answers from cache mostly, but is bounded too.
 */
export function boundedPort(port: ClusterPort, limit: number): ClusterPort {
  let active = 0
  const waiting: (() => void)[] = []
  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else active++
    try {
      return await op()
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
  return {
    defaultNamespace: port.defaultNamespace,
    mapping: (apiVersion, kind) => run(() => port.mapping(apiVersion, kind)),
    mappingForGroupKind: (group, kind) => run(() => port.mappingForGroupKind(group, kind)),
    get: (ref) => run(() => port.get(ref)),
    list: (apiVersion, kind, options) => run(() => port.list(apiVersion, kind, options)),
    apply: (obj, options) => run(() => port.apply(obj, options)),
    create: (obj, options) => run(() => port.create(obj, options)),
    update: (obj, options) => run(() => port.update(obj, options)),
    patch: (ref, body, options) => run(() => port.patch(ref, body, options)),
    delete: (ref, options) => run(() => port.delete(ref, options)),
  }
}
