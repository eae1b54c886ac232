// The generated kustomize trees bench/render (in-process) and bench/cli (new processes) render:
// apps of a base (Deployment, Service, ServiceAccount, ConfigMap generator) and three overlays.
import * as fs from 'node:fs'
import * as path from 'node:path'

const ENVS = ['dev', 'staging', 'prod'] as const
type Env = (typeof ENVS)[number]

const ENV_SETTINGS: Record<Env, {tag: string; replicas: number; memory: string}> = {
  dev: {tag: 'latest', replicas: 1, memory: '128Mi'},
  staging: {tag: '2.0.0-rc.1', replicas: 2, memory: '256Mi'},
  prod: {tag: '1.9.4', replicas: 3, memory: '512Mi'},
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

/**
 * One app: a base (Deployment, Service, ServiceAccount, ConfigMap generator) and three overlays.
 * With `resources` below 4 the base keeps only the first ones of Deployment, Service,
 * ServiceAccount, ConfigMap (so a tree can hold any number of resources).
 */
export function writeApp(root: string, app: string, resources = 4): void {
  const base = path.join(root, 'apps', app, 'base')
  write(
    path.join(base, 'kustomization.yaml'),
    `resources:
${resources >= 3 ? '- serviceaccount.yaml\n' : ''}- deployment.yaml
${resources >= 2 ? '- service.yaml\n' : ''}labels:
- pairs:
    app.kubernetes.io/name: ${app}
  includeSelectors: true
${
  resources >= 4
    ? `configMapGenerator:
- name: ${app}-config
  literals:
  - LOG_LEVEL=info
  - APP_NAME=${app}
`
    : ''
}`,
  )
  write(path.join(base, 'serviceaccount.yaml'), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app}\n`)
  write(
    path.join(base, 'deployment.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  replicas: 1
  selector:
    matchLabels:
      component: server
  template:
    metadata:
      labels:
        component: server
    spec:
      serviceAccountName: ${app}
      containers:
      - name: server
        image: registry.example.com/${app}:1.0.0
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - configMapRef:
            name: ${app}-config
        readinessProbe:
          httpGet:
            path: /ready
            port: http
`,
  )
  write(
    path.join(base, 'service.yaml'),
    `apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    component: server
  ports:
  - name: http
    port: 80
    targetPort: http
`,
  )
  for (const env of ENVS) {
    const s = ENV_SETTINGS[env]
    write(
      path.join(root, 'apps', app, 'overlays', env, 'kustomization.yaml'),
      `namePrefix: ${env}-
labels:
- pairs:
    env: ${env}
resources:
- ../../base
images:
- name: registry.example.com/${app}
  newTag: ${s.tag}
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ${app}
    spec:
      replicas: ${s.replicas}
      template:
        spec:
          containers:
          - name: server
            resources:
              limits:
                memory: ${s.memory}
`,
    )
  }
}

/** N apps and one root per environment listing every app's overlay for it; returns the roots. */
export function generateTree(dir: string, apps: number): string[] {
  const names = Array.from({length: apps}, (_, i) => `app-${String(i).padStart(5, '0')}`)
  for (const app of names) writeApp(dir, app)
  return ENVS.map((env) => {
    const root = path.join(dir, 'roots', env)
    write(path.join(root, 'kustomization.yaml'), `namespace: ${env}\nresources:\n${names.map((a) => `- ../../apps/${a}/overlays/${env}\n`).join('')}`)
    return root
  })
}

/**
 * One root (`roots/prod`, namespace prod) over as many apps as it takes to hold exactly
 * `resources` resources (4 per app, the last one partial); returns the root.
 */
export function generateRoot(dir: string, resources: number): string {
  const names: string[] = []
  for (let left = resources, i = 0; left > 0; left -= 4, i++) {
    const app = `app-${String(i).padStart(5, '0')}`
    writeApp(dir, app, Math.min(4, left))
    names.push(app)
  }
  const root = path.join(dir, 'roots', 'prod')
  write(path.join(root, 'kustomization.yaml'), `namespace: prod\nresources:\n${names.map((a) => `- ../../apps/${a}/overlays/prod\n`).join('')}`)
  return root
}
