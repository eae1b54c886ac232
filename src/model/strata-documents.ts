// Documents strata reads from a rendered tree and never sends to a cluster: they configure the
// rollout (an Analysis says how to judge a batch). The render takes them out of its objects like
// config.kubernetes.io/local-config ones, annotated or not, so `render`, `diff`, `apply`, prune and
// the render digest all agree they are not objects — `kubectl apply -f` of a render never meets
// a kind no cluster serves. Kept here, apart from the Analysis parser, so render loads none of it.

export const analysisApiVersion = 'strata.dev/v1alpha1'
export const analysisKind = 'Analysis'

/** True for an Analysis document (read by the rollout, never applied). */
export function isAnalysisDocument(obj: {apiVersion?: unknown; kind?: unknown}): boolean {
  return obj.apiVersion === analysisApiVersion && obj.kind === analysisKind
}
