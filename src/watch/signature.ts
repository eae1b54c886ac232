// Webhook authenticity: the sender signs the raw body with HMAC-SHA256 under a shared secret, the
// way GitHub (`X-Hub-Signature-256: sha256=<hex>`) and Gitea/Gogs (`X-Gitea-Signature: <hex>`) do.
// The comparison is constant-time so the response time says nothing about how much of a guess
// was right.
import {createHmac, timingSafeEqual} from 'node:crypto'

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** True when `header` (with or without the `sha256=` prefix) is the HMAC-SHA256 of `body` under `secret`. */
export function verifySignature(secret: string, body: Buffer | string, header: string | undefined): boolean {
  if (!secret || !header) return false
  const given = header.trim().replace(/^sha256=/i, '')
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  return timingSafeEqual(expected, Buffer.from(given, 'hex'))
}
