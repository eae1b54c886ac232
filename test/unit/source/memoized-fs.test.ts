import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {diskFileSystem, memoizedFileSystem, type FileSystem} from '../../../src/source/filesystem.js'

// memoizedFileSystem answers exists, isDirectory and realPath from one lstat per path when the
// inner file system offers entryKind: every answer must be the one the plain disk calls give.

function tree(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-memo-fs-')))
  fs.mkdirSync(path.join(root, 'real', 'base'), {recursive: true})
  fs.writeFileSync(path.join(root, 'real', 'base', 'kustomization.yaml'), 'resources: []\n')
  fs.writeFileSync(path.join(root, 'real', '.hidden'), 'x')
  fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link-dir'))
  fs.symlinkSync(path.join(root, 'real', 'base', 'kustomization.yaml'), path.join(root, 'real', 'link-file.yaml'))
  fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling'))
  fs.symlinkSync('../real/base', path.join(root, 'real', 'relative-link'))
  return root
}

function answers(fsys: FileSystem, p: string): {exists: boolean; isDirectory: boolean; realPath: string} {
  let realPath: string
  try {
    realPath = fsys.realPath(p)
  } catch (e) {
    realPath = `throws ${(e as NodeJS.ErrnoException).code}`
  }
  return {exists: fsys.exists(p), isDirectory: fsys.isDirectory(p), realPath}
}

describe('memoizedFileSystem over the disk', () => {
  test('gives the disk answers for files, directories, symlinks, missing and odd paths', () => {
    const root = tree()
    try {
      const paths = [
        '/',
        root,
        `${root}/real`,
        `${root}/real/base`,
        `${root}/real/base/kustomization.yaml`,
        `${root}/real/.hidden`,
        `${root}/link-dir`,
        `${root}/link-dir/base`,
        `${root}/link-dir/base/kustomization.yaml`,
        `${root}/real/link-file.yaml`,
        `${root}/real/relative-link`,
        `${root}/real/relative-link/kustomization.yaml`,
        `${root}/dangling`,
        `${root}/missing`,
        `${root}/missing/deeper.yaml`,
        `${root}/real/base/kustomization.yaml/under-a-file`,
        `${root}/link-dir/../real/base`,
        `${root}/real/./base`,
        `${root}/real/base/`,
        `${root}//real`,
      ]
      const memo = memoizedFileSystem(diskFileSystem)
      // Asked twice, in two orders: remembered answers must not depend on what was asked first.
      for (const p of [...paths, ...[...paths].reverse()]) assert.deepEqual(answers(memo, p), answers(diskFileSystem, p), p)
      assert.equal(memo.realPath(`${root}/link-dir/base/kustomization.yaml`), `${root}/real/base/kustomization.yaml`)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  })

  test('asks for one lstat per path and no realpath for a tree without symlinks', () => {
    const root = tree()
    try {
      const calls = {realPath: 0, exists: 0, isDirectory: 0, entryKind: 0}
      const counted: FileSystem = {
        ...diskFileSystem,
        realPath: (p) => (calls.realPath++, diskFileSystem.realPath(p)),
        exists: (p) => (calls.exists++, diskFileSystem.exists(p)),
        isDirectory: (p) => (calls.isDirectory++, diskFileSystem.isDirectory(p)),
        entryKind: (p) => (calls.entryKind++, diskFileSystem.entryKind!(p)),
      }
      const memo = memoizedFileSystem(counted)
      const file = `${root}/real/base/kustomization.yaml`
      for (let i = 0; i < 3; i++) {
        assert.equal(memo.exists(file), true)
        assert.equal(memo.isDirectory(file), false)
        assert.equal(memo.realPath(file), file)
      }
      // One lstat for the file and each directory up to and including / (for the real path); only
      // '/', which has no parent to join onto, goes to the inner realPath.
      assert.equal(calls.entryKind, file.split('/').length)
      assert.deepEqual({realPath: calls.realPath, exists: calls.exists, isDirectory: calls.isDirectory}, {realPath: 1, exists: 0, isDirectory: 0})
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  })

  test('without entryKind (memory, git trees) it asks the inner file system as before', () => {
    const inner: FileSystem = {
      readFile: () => Buffer.from(''),
      readDir: () => [],
      exists: (p) => p === '/a',
      isDirectory: () => false,
      realPath: (p) => `/real${p}`,
    }
    const memo = memoizedFileSystem(inner)
    assert.equal(memo.realPath('/a'), '/real/a')
    assert.equal(memo.exists('/a'), true)
    assert.equal(memo.exists('/b'), false)
  })
})
