// `edit set namespace|nameprefix|namesuffix`: one top-level field each, replaced in place.
import type {Document} from 'yaml'
import {UserError} from '../model/errors.js'

// RFC 1123 label, as kustomize validates a namespace before writing it.
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function setNamespace(doc: Document, namespace: string): string[] {
  if (namespace.length > 63 || !dnsLabel.test(namespace)) {
    throw new UserError(`invalid namespace ${JSON.stringify(namespace)}: must be lower case letters, digits and '-', start and end with a letter or digit, at most 63 characters`, {field: 'NAMESPACE'})
  }
  return setField(doc, 'namespace', namespace)
}

export function setNamePrefix(doc: Document, prefix: string): string[] {
  return setField(doc, 'namePrefix', prefix)
}

export function setNameSuffix(doc: Document, suffix: string): string[] {
  return setField(doc, 'nameSuffix', suffix)
}

function setField(doc: Document, key: string, value: string): string[] {
  const node = doc.get(key, true)
  // An existing scalar node keeps its quoting and any comment; only the value changes.
  if (node && typeof node === 'object' && 'value' in node) (node as {value: unknown}).value = value
  else doc.set(key, value)
  return [`${key} set to ${JSON.stringify(value)}`]
}
