// Runtime dependencies are exactly what runtime code (src/) imports: a test-only library in
// `dependencies` would ship to every user, a runtime import missing from it would break the
// installed package (test/package proves the install itself).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {builtinModules} from 'node:module'

const repo = path.join(import.meta.dirname, '..', '..', '..')

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

test('dependencies = the packages src/ imports; everything else is a devDependency', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {dependencies: Record<string, string>; devDependencies: Record<string, string>}
  const imported = new Set<string>()
  for (const entry of fs.readdirSync(path.join(repo, 'src'), {recursive: true, withFileTypes: true})) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
    // Type-only imports are erased and need nothing at run time.
    for (const m of text.matchAll(/^\s*import\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*export\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
      const name = packageOf(m[1] ?? m[2] ?? m[3])
      if (name) imported.add(name)
    }
  }
  assert.deepEqual([...imported].sort(), Object.keys(pkg.dependencies).sort())
  for (const dev of Object.keys(pkg.devDependencies)) assert.ok(!(dev in pkg.dependencies), `${dev} is in both`)
})
