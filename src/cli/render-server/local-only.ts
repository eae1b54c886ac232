// The render server renders local trees only. A remote base or file is fetched with the caller's
// credentials and environment (SSH agent, git config, proxies, the cache directory), which the
// server, started by some earlier call, does not share: such a render goes back to the client.
import {RemoteResolver, remoteKind, type EntryRole} from '../../source/remote-resolver.js'
import type {ErrorOrigin} from '../../model/errors.js'

/** Thrown through the render when it reaches what only the caller may do: the client renders this one itself. */
export class NeedsCallersProcess extends Error {}

export class LocalOnlyResolver extends RemoteResolver {
  override lookup(entry: string, role: EntryRole, isLocalFile: () => boolean, _origin: ErrorOrigin, _fromRepo?: string): undefined {
    if (remoteKind(entry, role, isLocalFile) === undefined) return undefined
    throw new NeedsCallersProcess(`remote entry '${entry}'`)
  }
}
