/**
 * Words for errors: each stable code from the worker (the node's API codes, the client's and the
 * format's) becomes a sentence that tells a person what happened and what to do.
 */
import { WorkerError } from '../worker-client/client.ts'

const MESSAGES: Record<string, string> = {
  LOGIN_FAILED: 'Wrong username or password.',
  RATE_LIMITED: 'Too many attempts. Wait a minute, then try again.',
  NODE_UNREACHABLE: 'Can’t reach your Obscura node. Check that it is running and that you are online.',
  QUOTA_EXCEEDED: 'Your storage is full. Delete some items and empty the trash, or ask the node’s admin for more space.',
  USERNAME_TAKEN: 'That username is already taken.',
  INVITE_REQUIRED: 'This node needs an invite code to sign up. Ask its admin for one.',
  UNAUTHENTICATED: 'Your session has ended. Please log in again.',
  ERR_WRONG_PASSWORD: 'Wrong password.',
  ERR_WRONG_RECOVERY_KEY: 'Wrong username or recovery key.',
  ERR_RECOVERY_KEY_FORMAT: 'That is not a whole recovery key, or it has a typo: check it against the one you saved (56 letters and digits).',
  RECOVERY_UNAVAILABLE: 'This account was created before recovery keys could be used, so its recovery key cannot reset the password.',
  BAD_RESPONSE: 'The node sent an answer that does not make sense. It may be out of date or misbehaving.',
  ERR_ROLLBACK: 'The node showed an older version of your library than you have seen. Nothing was changed.',
  CANCELLED: 'Cancelled.'
}

const INTEGRITY = new Set(['ERR_CID_MISMATCH', 'CID_MISMATCH', 'ERR_CHUNK_AUTHENTICATION', 'ERR_TRUNCATED_STREAM', 'ERR_TRAILING_DATA',
  'ERR_KEY_COMMITMENT', 'ERR_BOX_AUTHENTICATION', 'ERR_SIGNATURE', 'ERR_HEAD_MISMATCH', 'ERR_FORK', 'ERR_UNAUTHORISED_AUTHOR'])

/** The stable code of a WorkerError or of an `{ code, message }` the worker sent. */
export function errorCode (err: unknown): string {
  if (err instanceof WorkerError) return err.code
  const code = (err as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' ? code : 'INTERNAL'
}

export function describe (err: unknown): string {
  const code = errorCode(err)
  if (MESSAGES[code] != null) return MESSAGES[code]
  if (INTEGRITY.has(code)) return 'Some data from the node failed verification: it was altered or damaged, so it was not shown.'
  const message = err instanceof Error ? err.message : typeof (err as { message?: unknown } | null)?.message === 'string' ? (err as { message: string }).message : String(err)
  return message !== '' ? message : 'Something went wrong.'
}
