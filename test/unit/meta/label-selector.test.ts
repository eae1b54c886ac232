import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {matchesSelector, parseLabelSelector} from '../../../src/render/label-selector.js'

// Expected matches and error texts below come from `kubectl kustomize` (kustomize v5.5.0) runs:
// a JSON 6902 patch with `target.labelSelector: <selector>` over these objects' labels.
const objects: Record<string, Record<string, string>> = {
  'Deployment/web-1': {tier: 'fe', env: 'prod'},
  'StatefulSet/web-2': {tier: 'be'},
  'Service/web': {tier: 'fe', n: '5'},
  'ClusterRole/web-role': {},
  'Widget/db': {},
}

function selected(selector: string): string[] {
  const sel = parseLabelSelector(selector)
  return Object.keys(objects)
    .filter((k) => matchesSelector(objects[k], sel))
    .sort()
}

describe('label selector matching (kubectl-verified)', () => {
  const cases: [string, string[]][] = [
    ['tier=fe', ['Deployment/web-1', 'Service/web']],
    ['tier==fe', ['Deployment/web-1', 'Service/web']],
    ['tier!=fe', ['ClusterRole/web-role', 'StatefulSet/web-2', 'Widget/db']],
    ['tier in (fe,be),env', ['Deployment/web-1']],
    ['!env', ['ClusterRole/web-role', 'Service/web', 'StatefulSet/web-2', 'Widget/db']],
    ['tier notin (fe),!env', ['ClusterRole/web-role', 'StatefulSet/web-2', 'Widget/db']],
    ['tier in (,fe)', ['Deployment/web-1', 'Service/web']],
    ['tier=', []],
    ['n>4', ['Service/web']],
    ['n<6', ['Service/web']],
    ['n<5', []],
    ['example.com/tier=fe', []],
    ['in in (in)', []],
    ['', Object.keys(objects).sort()],
  ]
  for (const [sel, want] of cases) test(JSON.stringify(sel), () => assert.deepStrictEqual(selected(sel), want))
})

describe('label selector errors (kubectl-verified texts)', () => {
  const cases: [string, string][] = [
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a,', "found '', expected: identifier after ','"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['a>b', "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=)', "unable to parse requirement: found ')', expected: identifier"],
    ['tier in (be,fe', "unable to parse requirement: found '', expected: ',' or ')'"],
    [
      'a=b_',
      `unable to parse requirement: invalid label value: "b_": at key: "a": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
    ['x'.repeat(64), `unable to parse requirement: invalid label key "${'x'.repeat(64)}": name part must be no more than 63 characters`],
    [
      'x/y/z',
      `unable to parse requirement: invalid label key "x/y/z": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['/x', 'unable to parse requirement: invalid label key "/x": prefix part must be non-empty'],
    [
      'Bad_/x',
      `unable to parse requirement: invalid label key "Bad_/x": prefix part a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  ]
  for (const [sel, msg] of cases) {
    test(JSON.stringify(sel), () => {
      assert.throws(
        () => parseLabelSelector(sel, {file: 'kustomization.yaml', field: 'patches[0].target.labelSelector'}),
        (e: unknown) => e instanceof UserError && e.message.startsWith(msg) && e.origin.file === 'kustomization.yaml',
      )
    })
  }
})
