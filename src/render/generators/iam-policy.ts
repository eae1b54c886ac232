import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject} from '../../model/json.js'
import {newResource, type Resource} from '../../model/resource.js'
import type {ConfigFields} from '../plugins/config-fields.js'
import {parseYamlDocument} from '../yaml/parse.js'

const gkeAnnotation = 'iam.gke.io/gcp-service-account'

/**
 * kustomize's IAMPolicyGenerator (api/filters/iampolicygenerator): for `cloud: gke` one
 * ServiceAccount named kubernetesService.name (in kubernetesService.namespace when set) whose
 * workload-identity annotation names the Google service account
 * `<serviceAccount.name>@<serviceAccount.projectId>.iam.gserviceaccount.com`. Nothing is looked up
 * in the cloud; other clouds are refused as kustomize refuses them.
 *
 * kustomize pastes the values into a YAML template and parses it, so they are read as YAML scalars
 * there: the same is done here, which keeps kustomize's results for values YAML reads differently
 * (a value starting with `#` is empty) and its refusals (a value with `: ` breaks the template).
 */
export function generateIamPolicy(f: ConfigFields, origin: ErrorOrigin, file: string): Resource {
  const cloud = f.string('cloud') ?? ''
  if (cloud !== 'gke') {
    throw new UserError(`IAMPolicyGenerator ${file}: cloud provider ${cloud} not supported yet`, origin, 'Set cloud: gke, the only cloud kustomize generates IAM policy objects for.')
  }
  const service = f.object('kubernetesService') ?? {}
  const account = f.object('serviceAccount') ?? {}
  const serviceName = f.string('name', service) ?? ''
  const namespace = f.string('namespace', service) ?? ''
  const accountName = f.string('name', account) ?? ''
  const projectId = f.string('projectId', account) ?? ''
  let text = `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    ${gkeAnnotation}: ${accountName}@${projectId}.iam.gserviceaccount.com\n  name: ${serviceName}\n`
  if (namespace) text += `\n  namespace: ${namespace}`
  let parsed
  try {
    parsed = parseYamlDocument(text, file)
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    throw new UserError(
      `IAMPolicyGenerator ${file}: its values do not fit kustomize's ServiceAccount template (${e.message})`,
      origin,
      'kustomize writes kubernetesService.name, kubernetesService.namespace, serviceAccount.name and serviceAccount.projectId into YAML unquoted; use plain names without ": ", " #" or line breaks.',
    )
  }
  const obj = parsed as JsonObject
  const md = obj.metadata as JsonObject
  for (const key of ['name', 'namespace'] as const) {
    const v = md[key]
    if (key in md && typeof v !== 'string') {
      if (v !== null) {
        throw new UserError(
          `IAMPolicyGenerator ${file}: the ServiceAccount ${key} ${JSON.stringify(v)} reads as a ${typeof v} in kustomize's template`,
          origin,
          'Use a Kubernetes name (lowercase letters, digits, "-", "."), which YAML reads as a string.',
        )
      }
      if (key === 'name') md.name = ''
      else delete md.namespace
    }
  }
  // The map[string]string of annotations reads an empty value (a value starting with `#`) as "".
  const annotations = md.annotations
  if (isObject(annotations) && annotations[gkeAnnotation] === null) annotations[gkeAnnotation] = ''
  return newResource(obj, {file, generator: 'generators'})
}
