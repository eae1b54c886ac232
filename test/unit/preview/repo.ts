// A user's repository for the affected/preview tests: a git work tree in a temporary directory,
// with a few apps (a shared prod base, per-app bases and dev/prod overlays), committed on main.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {git, tmpDir} from '../source/git-repos.js'

export class WorkRepo {
  readonly dir: string
  /** Cache directory of its own: every test starts with nothing remembered. */
  readonly cacheDir: string

  constructor(files: Record<string, string>) {
    this.dir = tmpDir('strata-preview-repo-')
    this.cacheDir = tmpDir('strata-preview-cache-')
    git(this.dir, 'init', '--quiet', '--initial-branch=main')
    this.write(files)
    this.commit('initial')
  }

  /** Writes files (path → content; null deletes) in the work tree, without committing. */
  write(files: Record<string, string | null>): void {
    for (const [p, c] of Object.entries(files)) {
      const abs = path.join(this.dir, p)
      if (c === null) fs.rmSync(abs, {force: true, recursive: true})
      else {
        fs.mkdirSync(path.dirname(abs), {recursive: true})
        fs.writeFileSync(abs, c)
      }
    }
  }

  commit(message = 'change'): string {
    git(this.dir, 'add', '-A')
    git(this.dir, 'commit', '--quiet', '--allow-empty', '-m', message)
    return git(this.dir, 'rev-parse', 'HEAD')
  }

  branch(name: string): void {
    git(this.dir, 'checkout', '--quiet', '-b', name)
  }

  git(...args: string[]): string {
    return git(this.dir, ...args)
  }
}

const deployment = (app: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
      - name: main
        image: ${image}
        envFrom:
        - configMapRef:
            name: ${app}-env
`

/**
 * apps/<app>/base (Deployment + configMapGenerator from an env file), apps/<app>/overlays/{dev,prod};
 * every prod overlay also includes shared/prod-defaults (a component adding a label and a
 * NetworkPolicy); a Secret generated in apps/web's base; a README.
 */
export function appsTree(apps: string[]): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': '# deploy\n',
    'shared/prod-defaults/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- policy.yaml\nlabels:\n- pairs:\n    tier: prod\n',
    'shared/prod-defaults/policy.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n',
  }
  for (const app of apps) {
    files[`apps/${app}/base/kustomization.yaml`] = `resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: ${app}-env\n  envs:\n  - app.env\n${app === 'web' ? 'secretGenerator:\n- name: web-db\n  literals:\n  - password=s3cr3t-Hunter2-value\n' : ''}`
    files[`apps/${app}/base/deployment.yaml`] = deployment(app, `registry.example/${app}:1.0`)
    files[`apps/${app}/base/app.env`] = 'LOG_LEVEL=info\n'
    files[`apps/${app}/overlays/dev/kustomization.yaml`] = `namespace: ${app}-dev\nresources:\n- ../../base\n`
    files[`apps/${app}/overlays/prod/kustomization.yaml`] = `namespace: ${app}-prod\nresources:\n- ../../base\ncomponents:\n- ../../../../shared/prod-defaults\npatches:\n- path: replicas.yaml\n`
    files[`apps/${app}/overlays/prod/replicas.yaml`] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 3\n`
  }
  return files
}
