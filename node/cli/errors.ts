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

export function formatCliError (err: unknown): string {
  if (err instanceof ObscuraError) return err.message
  const cause = (err as { cause?: { code?: string } }).cause
  if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'ECONNRESET') {
    return 'cannot reach the node: is it running, and is --node right?'
  }
  if (err instanceof Error) return err.message
  return String(err)
}
