// The images transformer matches most names without a RegExp of their own (images.ts): the answer
// must be the RegExp's, `^name(:tag)?(@sha256:digest)?$`, for every name and image.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {imageMatcher} from '../../../src/render/transformers/images.js'

const reference = (name: string, image: string) => new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`).test(image)

test('image names of plain characters and dots match as the RegExp does', () => {
  const cases: [string, string][] = [
    ['registry.example.com/app', 'registry.example.com/app'],
    ['registry.example.com/app', 'registry.example.com/app:1.0'],
    ['registry.example.com/app', 'registryXexample.com/app:1.0'],
    ['registry.example.com/app', 'registry\nexample.com/app'],
    ['registry.example.com/app', 'registry.example.com/app2'],
    ['registry.example.com/app', 'registry.example.com/app@sha256:abc'],
    ['registry.example.com/app', 'registry.example.com/app:1@sha256:abc'],
    ['registry.example.com/app', 'registry.example.com/app@sha1:abc'],
    ['nginx', 'nginx:1.25'],
    ['nginx', 'nginx:1.25:x'],
    ['nginx', 'ngin'],
    ['localhost:5000/app', 'localhost:5000/app:dev'],
    ['', ':tag'],
  ]
  for (const [name, image] of cases) assert.equal(imageMatcher(name).test(image), reference(name, image), `${name} ~ ${JSON.stringify(image)}`)
})

test('any name of plain characters and dots matches any image as the RegExp does', () => {
  const nameChar = fc.constantFrom(...'ab1_-/:@.'.split(''))
  const imageChar = fc.constantFrom(...'ab1_-/:@.\n\u2028{}x'.split(''))
  fc.assert(
    fc.property(fc.stringOf(nameChar, {maxLength: 8}), fc.stringOf(imageChar, {maxLength: 6}), fc.stringOf(imageChar, {maxLength: 6}), fc.boolean(), (name, head, tail, fromName) => {
      // Images built from the name match often; free ones rarely.
      const image = fromName ? `${name.replace(/\./g, head[0] ?? 'z')}${tail}` : head + tail
      return imageMatcher(name).test(image) === reference(name, image)
    }),
    {numRuns: 2000},
  )
})

test('names that are real patterns still match as patterns', () => {
  assert.equal(imageMatcher('app-(one|two)').test('app-two:1'), true)
  assert.equal(imageMatcher('app-(one|two)').test('app-three:1'), false)
  assert.throws(() => imageMatcher('app-(one'), /is not a valid pattern/)
})
