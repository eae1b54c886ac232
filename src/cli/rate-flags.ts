// Client-side API rate limit flags (kubectl's and client-go's --qps/--burst), for every command
// that opens a connection to a cluster.
import {Flags} from '@oclif/core'
import {defaultRateLimit, type RateLimit} from '../cluster/rate-limit.js'

export const rateFlags = {
  qps: Flags.integer({description: 'most API requests per second, sustained (0: no client-side limit)', default: defaultRateLimit.qps, min: 0}),
  burst: Flags.integer({description: 'API requests that may go out at once above --qps', default: defaultRateLimit.burst, min: 1}),
}

export function rateLimitFrom(flags: {qps: number; burst: number}): RateLimit {
  return {qps: flags.qps, burst: flags.burst}
}
