import {test} from 'node:test'
import assert from 'node:assert/strict'
import {renderKustomization} from '../../../src/render/index.js'
import {memoryFileSystem} from '../../../src/source/filesystem.js'

// The one place strata knowingly differs from `kubectl kustomize` (kustomize v5.5.0): one patch
// file holding several `$patch: delete` documents makes kubectl's kustomize panic (a nil
// dereference, fixed in later kustomize). strata renders what kustomize v5.7.1 prints for the
// same tree (`kustomize build overlay`, scripts/kustomize builds it) — the expected text below.
// A golden from kubectl cannot exist, so this is a unit test rather than a fixture.

const ledger = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  template:
    spec:
      containers:
      - name: ledger
        image: ledger:2.1
---
apiVersion: v1
kind: Service
metadata:
  name: ledger
spec:
  ports:
  - port: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ledger-settings
data:
  rounding: half-even
`

const dropLedger = `$patch: delete
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
---
$patch: delete
apiVersion: v1
kind: Service
metadata:
  name: ledger
`

test('one patch file with several $patch: delete documents deletes each target (kustomize v5.7.1; kubectl v5.5 panics)', async () => {
  const fs = memoryFileSystem({
    '/t/base/kustomization.yaml': 'resources:\n- ledger.yaml\n',
    '/t/base/ledger.yaml': ledger,
    '/t/overlay/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: audit-\npatches:\n- path: drop-ledger.yaml\n',
    '/t/overlay/drop-ledger.yaml': dropLedger,
  })
  const {yaml} = await renderKustomization('/t/overlay', {fs, displayBase: '/t'})
  assert.equal(yaml, 'apiVersion: v1\ndata:\n  rounding: half-even\nkind: ConfigMap\nmetadata:\n  name: audit-ledger-settings\n')
})
