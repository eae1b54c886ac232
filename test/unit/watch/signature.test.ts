import {test} from 'node:test'
import assert from 'node:assert/strict'
import {signBody, verifySignature} from '../../../src/watch/signature.js'

// GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
const githubExample = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'

test('matches GitHub\'s published example signature', () => {
  assert.equal(signBody("It's a Secret to Everybody", 'Hello, World!'), githubExample)
  assert.equal(verifySignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), githubExample), true)
})

test('accepts the bare hex form (Gitea) and any hex case', () => {
  const sig = signBody('s3cret', '{"ref":"refs/heads/main"}')
  assert.equal(verifySignature('s3cret', '{"ref":"refs/heads/main"}', sig.slice('sha256='.length).toUpperCase()), true)
})

test('refuses a wrong secret, a changed body, a missing or malformed header, and an empty secret', () => {
  const body = '{"ref":"refs/heads/main"}'
  const sig = signBody('s3cret', body)
  assert.equal(verifySignature('other', body, sig), false)
  assert.equal(verifySignature('s3cret', `${body} `, sig), false)
  assert.equal(verifySignature('s3cret', body, undefined), false)
  assert.equal(verifySignature('s3cret', body, 'sha256=abc'), false)
  assert.equal(verifySignature('s3cret', body, `sha1=${'0'.repeat(40)}`), false)
  assert.equal(verifySignature('', body, signBody('', body)), false)
})
