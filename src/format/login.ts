/**
 * The login proof (docs/FORMAT.md, "Login"): the client signs, with the Ed25519 key derived from
 * its password, the node's 32-byte random challenge followed by the UTF-8 username, under the
 * label `obscura/v1/login`. Challenges are single-use and short-lived, so a proof cannot be
 * replayed, and binding the username stops a proof for one account being used for another.
 */
import { concatBytes, utf8 } from '../crypto/bytes.ts'

export { LABELS } from '../crypto/labels.ts'

export function loginProofMessage (challenge: Uint8Array, username: string): Uint8Array {
  return concatBytes(challenge, utf8(username))
}
