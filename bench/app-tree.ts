// The tree both bench/diff.ts and bench/apply.ts use: APPS apps of Deployment (1 replica) +
// Service + ConfigMap in namespace NS; with changedImage, app000's image moves from :1 to :2.
import * as fs from 'node:fs'
import * as path from 'node:path'

export function writeTree(dir: string, ns: string, apps: number, changedImage: boolean): void {
  fs.mkdirSync(dir, {recursive: true})
  const docs: string[] = []
  for (let i = 0; i < apps; i++) {
    const app = `app${String(i).padStart(3, '0')}`
    const image = changedImage && i === 0 ? 'registry.invalid/app:2' : 'registry.invalid/app:1'
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}, labels: {app: ${app}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}}}
  template:
    metadata: {labels: {app: ${app}}}
    spec:
      containers:
      - name: main
        image: ${image}
        ports: [{containerPort: 8080}]
        envFrom: [{configMapRef: {name: ${app}-config}}]
        resources: {requests: {cpu: 50m, memory: 32Mi}}
`)
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: ${app}}
spec:
  selector: {app: ${app}}
  ports: [{port: 80, targetPort: 8080}]
`)
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata: {name: ${app}-config}
data: {LOG_LEVEL: info, APP: ${app}}
`)
  }
  fs.writeFileSync(path.join(dir, 'resources.yaml'), docs.join('---\n'))
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `namespace: ${ns}\nresources: [resources.yaml]\n`)
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
