/**
 * Turns any failure into the one line the CLI prints. Domain errors already say what went wrong
 * in words a user understands; network failures are named as such; anything else is reported
 * without its stack.
 */
import { ObscuraError } from '../../src/errors.ts'

/** A mistake in how the command was called: bad flag, missing argument. */
export class UsageError extends ObscuraError {
  constructor (message: string) { super('USAGE', message) }
}

/**
 * The user stopped the command (Ctrl-C, SIGTERM, or Ctrl-C at a prompt). The CLI exits with
 * 128 + the signal's number, as shells report a command killed by it: 130 for Ctrl-C.
 */
export class CancelledError extends ObscuraError {
  readonly exitCode: number

  constructor (message: string, signal: 'SIGINT' | 'SIGTERM' = 'SIGINT') {
    super('CANCELLED', message)
    this.exitCode = signal === 'SIGINT' ? 130 : 143
  }
}

/** An upload refused before it starts: what it needs does not fit in what is left of the quota. */
export class QuotaTooSmallError extends ObscuraError {
  constructor (message: string) { super('QUOTA_EXCEEDED', message) }
}

/**
 * Codes meaning the node (or the disk under it) handed back data that is not what was stored:
 * the user must read "integrity", not a bare "block does not match bafk…".
 */
const INTEGRITY_CODES = new Set([
  'ERR_CID_MISMATCH', 'ERR_CHUNK_AUTHENTICATION', 'ERR_TRUNCATED_STREAM', 'ERR_TRAILING_DATA', 'ERR_KEY_COMMITMENT',
  'ERR_BOX_AUTHENTICATION', 'ERR_SIGNATURE', 'ERR_ROLLBACK', 'ERR_FORK', 'ERR_UNAUTHORISED_AUTHOR'
])

/** Whether the node handed back altered or missing data (see INTEGRITY_CODES). */
export function isIntegrityError (err: unknown): err is ObscuraError {
  return err instanceof ObscuraError && INTEGRITY_CODES.has(err.code)
}

export function formatCliError (err: unknown): string {
  if (isIntegrityError(err)) {
    return `integrity check failed: ${err.message}; the node returned altered or missing data, and nothing was written from it`
  }
  if (err instanceof ObscuraError) return err.message
  const cause = (err as { cause?: { code?: string } }).cause
  if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'ECONNRESET') {
    return 'cannot reach the node: is it running, and is --node right?'
  }
  if (err instanceof Error) return err.message
  return String(err)
}
