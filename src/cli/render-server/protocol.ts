// What a client and the render server say to each other over the socket: one request line of
// JSON, then one reply — a header line of JSON, the render's stdout and stderr bytes. The byte
// counts let the client tell a whole reply from one cut short (a server killed mid-render), which
// it then renders itself, as it does when the server says `fallback`.

/** Bumped when either side changes what it sends; the socket's name carries it too (location.ts). */
export const protocolVersion = 1

export interface RenderRequest {
  protocol: number
  /** The directory as the user typed it: errors name it so. */
  dir: string
  /** The client's working directory, which `dir` and every displayed path are relative to. */
  cwd: string
  /** `strata render`'s flags, parsed by the fast path (fast-path.ts). */
  flags: Record<string, unknown>
}

/** What the client writes and exits with, as if it had rendered itself. */
export interface RenderReply {
  exitCode: number
  stdout: Buffer
  stderr: Buffer
}

/** The server does not render this request (a remote base, an unknown protocol…): the client does. */
export interface FallbackReply {
  fallback: string
}

export function encodeRequest(request: RenderRequest): string {
  return `${JSON.stringify(request)}\n`
}

/** The request in `text` up to its newline; undefined while the line is incomplete. Throws on bad JSON. */
export function decodeRequest(text: string): RenderRequest | undefined {
  const end = text.indexOf('\n')
  return end < 0 ? undefined : (JSON.parse(text.slice(0, end)) as RenderRequest)
}

export function encodeReply(reply: RenderReply | FallbackReply): Buffer[] {
  if ('fallback' in reply) return [Buffer.from(`${JSON.stringify({fallback: reply.fallback})}\n`)]
  const header = {exitCode: reply.exitCode, stdoutBytes: reply.stdout.length, stderrBytes: reply.stderr.length}
  return [Buffer.from(`${JSON.stringify(header)}\n`), reply.stdout, reply.stderr]
}

/**
 * The reply in `data` (everything the server sent before closing): the render's, the server's
 * fallback, or undefined when it is cut short or not a reply at all — the client renders then.
 */
export function decodeReply(data: Buffer): RenderReply | FallbackReply | undefined {
  const end = data.indexOf(0x0a)
  if (end < 0) return undefined
  let header: {exitCode?: unknown; stdoutBytes?: unknown; stderrBytes?: unknown; fallback?: unknown}
  try {
    header = JSON.parse(data.subarray(0, end).toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof header.fallback === 'string') return {fallback: header.fallback}
  const {exitCode, stdoutBytes, stderrBytes} = header
  if (!Number.isInteger(exitCode) || !Number.isInteger(stdoutBytes) || !Number.isInteger(stderrBytes)) return undefined
  const body = data.subarray(end + 1)
  if (body.length !== (stdoutBytes as number) + (stderrBytes as number)) return undefined
  return {exitCode: exitCode as number, stdout: body.subarray(0, stdoutBytes as number), stderr: body.subarray(stdoutBytes as number)}
}
