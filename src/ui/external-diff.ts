// Runs the user's diff program (STRATA_EXTERNAL_DIFF / KUBECTL_EXTERNAL_DIFF) on two temporary
// directories, LIVE and MERGED, as `kubectl diff` does; the program writes to our stdout and
// stderr, and its exit code keeps kubectl's meaning: 0 same, 1 different, anything else an error.
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type {ExternalDiffCommand, ExternalDiffFile} from '../diff/external-files.js'
import {UserError} from '../model/errors.js'

export type ExternalDiffOutcome = 'same' | 'different'

export async function runExternalDiff(command: ExternalDiffCommand, files: ExternalDiffFile[], options: {tmpDir?: string} = {}): Promise<ExternalDiffOutcome> {
  const top = fs.mkdtempSync(path.join(options.tmpDir ?? os.tmpdir(), 'strata-diff-'))
  try {
    const live = path.join(top, 'LIVE')
    const merged = path.join(top, 'MERGED')
    fs.mkdirSync(live, {mode: 0o700})
    fs.mkdirSync(merged, {mode: 0o700})
    for (const f of files) {
      // 0600: even masked, the files describe the cluster; they are only for this user's program.
      if (f.live !== undefined) fs.writeFileSync(path.join(live, f.name), f.live, {mode: 0o600})
      if (f.merged !== undefined) fs.writeFileSync(path.join(merged, f.name), f.merged, {mode: 0o600})
    }
    const code = await new Promise<number | string>((resolve, reject) => {
      const child = spawn(command.program, [live, merged, ...command.args], {stdio: 'inherit'})
      child.on('error', reject)
      child.on('close', (status, signal) => resolve(status ?? `signal ${signal}`))
    }).catch((e: NodeJS.ErrnoException) => {
      throw new UserError(
        `${command.variable}: cannot run '${command.program}' (${e.code ?? e.message})`,
        {field: command.variable},
        `Set ${command.variable} to a diff program on PATH (e.g. "diff -u -N", "colordiff -u"), or unset it for strata's own diff.`,
      )
    })
    if (code === 0) return 'same'
    if (code === 1) return 'different'
    throw new UserError(
      `${command.variable}: '${command.program}' failed (${typeof code === 'number' ? `exit code ${code}` : code})`,
      {field: command.variable},
      'An external diff program exits 0 when the directories are the same, 1 when they differ, and more than 1 on an error (as for kubectl diff).',
    )
  } finally {
    fs.rmSync(top, {recursive: true, force: true})
  }
}
