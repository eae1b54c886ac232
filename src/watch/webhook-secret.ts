// The webhook secret comes from the environment or a file (a mounted Kubernetes Secret), never from
// a flag value that would show in `ps` and shell history.
import {readFileSync} from 'node:fs'
import {UserError} from '../model/errors.js'

export const webhookSecretEnv = 'STRATA_WEBHOOK_SECRET'

export interface WebhookSecretSource {
  env: NodeJS.ProcessEnv
  /** `--webhook-secret-file`; wins over the environment. */
  file?: string
  readFile?: (path: string) => string
}

/** The secret with one trailing newline removed (files written by `echo`), or undefined when none is set. */
export function loadWebhookSecret(source: WebhookSecretSource): string | undefined {
  if (source.file !== undefined) {
    let text: string
    try {
      text = (source.readFile ?? ((p) => readFileSync(p, 'utf8')))(source.file)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new UserError(`cannot read the webhook secret file (${code})`, {file: source.file}, 'Point --webhook-secret-file at a readable file holding the shared secret.')
    }
    const secret = text.replace(/\r?\n$/, '')
    if (secret === '') throw new UserError('the webhook secret file is empty', {file: source.file}, 'Write the shared secret into it.')
    return secret
  }
  const fromEnv = source.env[webhookSecretEnv]
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv
}
