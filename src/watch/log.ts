// Structured log lines for `strata watch`: one line per event, `--log-format json` (one compact
// object per line, for log collectors) or `text` (`<time> <level> <msg> key=value ...`).
// Everything passes through redaction first: credentials in URLs (redactUrls), values of fields
// whose name says secret/token/password/authorization, and any registered secret value (the
// webhook secret) wherever it appears.
import {redactUrls} from '../source/git-safety.js'
import type {SchedulerEvent} from './scheduler.js'

export type LogFormat = 'json' | 'text'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, string | number | boolean | undefined | null | string[]>

export const logFormats: readonly LogFormat[] = ['json', 'text']

export interface LoggerOptions {
  format: LogFormat
  /** Receives one complete line, newline included. */
  write: (line: string) => void
  now?: () => number
  /** Values that must never appear in a line (e.g. the webhook secret). */
  secrets?: readonly string[]
  /** Lowest level written; default info. */
  level?: LogLevel
}

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields, at?: number): void
  /** One line for a scheduler event. */
  event(e: SchedulerEvent): void
  /** Adds a value to redact from now on (a secret read after start). */
  addSecret(value: string): void
}

const levelRank: Record<LogLevel, number> = {debug: 0, info: 1, warn: 2, error: 3}
const secretKey = /secret|token|password|passwd|authorization|credential/i
const redacted = '[redacted]'

export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? Date.now
  const secrets = new Set((options.secrets ?? []).filter((s) => s.length > 0))
  const min = levelRank[options.level ?? 'info']

  const clean = (s: string): string => {
    let out = redactUrls(s)
    // Longest first so a secret that contains another is replaced whole.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(redacted)
    return out
  }

  const logger: Logger = {
    log(level, msg, fields = {}, at = now()) {
      if (levelRank[level] < min) return
      const record: Record<string, string | number | boolean | string[]> = {time: new Date(at).toISOString(), level, msg: clean(msg)}
      for (const [k, v] of Object.entries(fields)) {
        if (v === undefined || v === null || k === 'time' || k === 'level' || k === 'msg') continue
        if (secretKey.test(k)) record[k] = redacted
        else if (typeof v === 'string') record[k] = clean(v)
        else if (Array.isArray(v)) record[k] = v.map(clean)
        else record[k] = v
      }
      options.write(`${options.format === 'json' ? JSON.stringify(record) : textLine(record)}\n`)
    },
    event(e) {
      const {kind, at, ...rest} = e
      const level: LogLevel =
        kind === 'head-error' || (kind === 'reconcile-done' && e.status === 'failed') ? 'error' : kind === 'retry-scheduled' ? 'warn' : kind === 'skipped' ? 'debug' : 'info'
      logger.log(level, kind, rest as LogFields, at)
    },
    addSecret(value) {
      if (value) secrets.add(value)
    },
  }
  return logger
}

function textLine(record: Record<string, string | number | boolean | string[]>): string {
  const {time, level, msg, ...rest} = record
  const parts = [String(time), String(level).toUpperCase().padEnd(5), String(msg)]
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${textValue(v)}`)
  return parts.join(' ')
}

function textValue(v: string | number | boolean | string[]): string {
  const s = Array.isArray(v) ? v.join(',') : String(v)
  return s === '' || /[\s"=\\]/.test(s) || /[\u0000-\u001f]/.test(s) ? JSON.stringify(s) : s
}
