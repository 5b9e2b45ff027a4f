/**
 * Errors crossing from the worker to the page: a stable code and a message a person can act on.
 * The page picks its wording from the code; the worker never sends a stack or a key.
 */
import { ObscuraError } from '../../../src/errors.ts'

export function describeError (err: unknown): { code: string, message: string } {
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' }
  if (err instanceof ObscuraError) return { code: err.code, message: err.message }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' }
  const code = (err as { code?: unknown } | undefined)?.code
  if (err instanceof Error && typeof code === 'string') return { code, message: err.message }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}
