// An admission webhook for the fault tests: HTTPS on 127.0.0.1 with a throwaway CA (openssl), that
// denies objects of one name until told to allow everything.
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as https from 'node:https'
import type {AddressInfo} from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export interface RejectingWebhook {
  url: string
  /** PEM of the CA that signed the server certificate (the caBundle). */
  ca: string
  allowAll(): void
  close(): Promise<void>
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, {cwd, encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`)
}

function makeCerts(): {ca: string; cert: string; key: string} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-h8-webhook-'))
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=strata-h8-ca'], dir)
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1'], dir)
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  openssl(['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'ext.cnf'], dir)
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8')
  return {ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key')}
}

export async function startRejectingWebhook(options: {rejectName: string; message: string}): Promise<RejectingWebhook> {
  const {ca, cert, key} = makeCerts()
  let allow = false
  const server = https.createServer({cert, key}, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let review: {request?: {uid?: string; name?: string; object?: {metadata?: {name?: string}}}} = {}
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        // An unparsable review is allowed: only the named object is the test's concern.
      }
      const name = review.request?.name || review.request?.object?.metadata?.name
      const denied = !allow && name === options.rejectName
      res.setHeader('Content-Type', 'application/json')
      res.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: {uid: review.request?.uid ?? '', allowed: !denied, ...(denied ? {status: {code: 403, reason: 'Forbidden', message: options.message}} : {})},
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}/validate`,
    ca,
    allowAll: () => void (allow = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
