import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {checkOwnership, encodeSource, recordedSource, repoIdentity, repoSource, sameSource, sourceAnnotation, type AppSource, type OwnershipInput} from '../../../src/rollout/app-source.js'

const teamA: AppSource = {repo: 'https://git.example.com/org/deploy.git', path: 'teamA/overlays/prod', root: '/home/ann/deploy/teamA/overlays/prod'}
const teamB: AppSource = {repo: 'https://git.example.com/org/deploy.git', path: 'teamB/overlays/prod', root: '/home/ann/deploy/teamB/overlays/prod'}

function input(recorded: AppSource | undefined, current: AppSource, extra: Partial<OwnershipInput> = {}): OwnershipInput {
  return {
    app: 'prod',
    parent: 'shop/applyset-prod',
    found: true,
    annotations: recorded ? {[sourceAnnotation]: encodeSource(recorded)} : {},
    current,
    adopt: false,
    defaultName: true,
    members: 4,
    pruned: 3,
    ...extra,
  }
}

describe('app source', () => {
  test('one repository however it is spelled', () => {
    const spellings = ['https://git.example.com/org/deploy.git', 'https://x-token:s3cret@git.example.com/org/deploy', 'ssh://git@git.example.com:22/org/deploy.git', 'git@git.example.com:org/deploy.git', 'https://GIT.example.com/org/deploy/']
    for (const s of spellings) assert.equal(repoIdentity(s), 'git.example.com/org/deploy', s)
    assert.equal(repoIdentity('file:///srv/git/deploy.git'), '/srv/git/deploy')
    assert.equal(repoIdentity('/srv/git/deploy'), '/srv/git/deploy')
    assert.notEqual(repoIdentity('git@git.example.com:org/deploy.git'), repoIdentity('git@git.example.com:other/deploy.git'))
  })

  test('same repository and path is the same source wherever it is checked out; another path is not', () => {
    assert.ok(sameSource(teamA, {...teamA, repo: 'git@git.example.com:org/deploy.git', root: '/builds/ci/1234/teamA/overlays/prod'}))
    assert.ok(sameSource(teamA, {repo: 'https://git.example.com/org/deploy', path: './teamA/overlays/prod/'}), 'a sync of the same repository and path')
    assert.ok(!sameSource(teamA, teamB))
    assert.ok(sameSource({root: '/srv/a/prod'}, {root: '/srv/a/prod'}))
    assert.ok(!sameSource({root: '/srv/a/prod'}, {root: '/srv/b/prod'}))
    assert.ok(!sameSource({repo: 'https://h/o/r', path: '.'}, {root: '/srv/a'}), 'nothing in common: not provably the same')
  })

  test('the recorded source never holds credentials', () => {
    const text = encodeSource({repo: 'https://deploy-bot:ghp_abc123@git.example.com/org/deploy.git', path: 'apps/web'})
    assert.ok(!text.includes('ghp_abc123') && !text.includes('deploy-bot'), text)
    assert.deepEqual(recordedSource({[sourceAnnotation]: text}), {repo: 'https://git.example.com/org/deploy.git', path: 'apps/web'})
  })

  test('sync and watch: a local repository path is made absolute', () => {
    assert.deepEqual(repoSource('./deploy', 'overlays/prod/', '/work'), {repo: '/work/deploy', path: 'overlays/prod'})
    assert.deepEqual(repoSource('git@host:org/deploy.git', '.', '/work'), {repo: 'git@host:org/deploy.git', path: '.'})
  })

  test('ownership: a new app, the same source, an unrecorded inventory, a sync-era record', () => {
    assert.deepEqual(checkOwnership(input(undefined, teamB, {found: false})), {verdict: 'new'})
    assert.deepEqual(checkOwnership(input(teamA, {...teamA, root: '/elsewhere'})), {verdict: 'same'})
    assert.deepEqual(checkOwnership(input(undefined, teamB)), {verdict: 'unrecorded'})
    const syncEra = {'strata.dev/source-repo': 'https://git.example.com/org/deploy.git', 'strata.dev/source-path': 'teamA/overlays/prod'}
    assert.deepEqual(checkOwnership(input(undefined, teamA, {annotations: syncEra})), {verdict: 'same'})
    assert.throws(() => checkOwnership(input(undefined, teamB, {annotations: syncEra})), UserError)
  })

  test('another source refuses, naming both sources and both fixes; --adopt takes it over', () => {
    assert.throws(
      () => checkOwnership(input(teamA, teamB)),
      (e: unknown) =>
        e instanceof UserError &&
        e.message.includes('path teamA/overlays/prod') &&
        e.message.includes('path teamB/overlays/prod') &&
        e.message.includes("the directory's name") &&
        /prune the 3/.test(e.message) &&
        e.origin.field === '--name' &&
        /--name OTHER/.test(e.hint ?? '') &&
        /--adopt/.test(e.hint ?? '') &&
        /Nothing was changed/.test(e.hint ?? ''),
    )
    const adopted = checkOwnership(input(teamA, teamB, {adopt: true}))
    assert.equal(adopted.verdict, 'adopted')
    assert.match(adopted.verdict === 'adopted' ? adopted.previous : '', /teamA\/overlays\/prod/)
    // With --name too: the check is about the source, not about how the name was chosen.
    assert.throws(() => checkOwnership(input(teamA, teamB, {defaultName: false})), (e: unknown) => e instanceof UserError && !e.message.includes("directory's name"))
    assert.throws(() => checkOwnership(input(undefined, teamB, {annotations: {[sourceAnnotation]: 'garbage'}})), (e: unknown) => e instanceof UserError && /unreadable/.test(e.message))
  })
})
