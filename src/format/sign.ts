/**
 * The signing surface that format code (heads, commits, records) builds on, re-exported from
 * `src/crypto/sign.ts` so that callers working with formats find it beside them.
 */
export { signDetached, verifyDetached, signingKeyFromSeed } from '../crypto/sign.ts'
export type { SigningKey } from '../crypto/sign.ts'
