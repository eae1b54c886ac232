// Analysis documents travel in the rendered tree but never reach the cluster: the render puts
// them with its local-config objects, annotated or not (model/strata-documents.ts); one among
// `resources` (a set not from renderKustomization) is taken out here all the same. Every Analysis
// is validated here, referenced or not: a broken one is refused before any change.
import {UserError} from '../../model/errors.js'
import type {JsonObject} from '../../model/json.js'
import type {Resource} from '../../model/resource.js'
import type {AnalysisDocument} from '../plan.js'
import {isAnalysisDocument, parseAnalysis} from './spec.js'

export function splitAnalyses(resources: Iterable<Resource>, localConfig: readonly Resource[] = []): {resources: Resource[]; analyses: Map<string, AnalysisDocument>} {
  const kept: Resource[] = []
  const analyses = new Map<string, AnalysisDocument>()
  const take = (r: Resource) => {
    const spec = parseAnalysis(r.obj, r.origin.file)
    const before = analyses.get(spec.name)
    if (before) throw new UserError(`Analysis ${spec.name} is defined twice (also in ${before.file})`, {file: r.origin.file, field: 'metadata.name'}, 'Give each Analysis its own name.')
    analyses.set(spec.name, {document: r.obj as JsonObject, file: r.origin.file})
  }
  for (const r of resources) {
    if (isAnalysisDocument(r.obj)) take(r)
    else kept.push(r)
  }
  for (const r of localConfig) if (isAnalysisDocument(r.obj)) take(r)
  return {resources: kept, analyses}
}
