/**
 * Injectable randomness. Every function that draws random bytes (keys, salts, nonces, ids)
 * takes a `RandomSource`, so that tests and the published vectors can fix the randomness and
 * check encryption byte for byte, not only decryption. Production code uses the platform's
 * CSPRNG through `globalThis.crypto.getRandomValues`, present in browsers, workers and Node.
 */
import { InvalidInputError } from './errors.ts'

/** Returns `length` fresh random bytes. MUST be a CSPRNG outside tests. */
export type RandomSource = (length: number) => Uint8Array

/** getRandomValues refuses more than 65536 bytes per call (Web Crypto spec). */
const MAX_PER_CALL = 65536

export const defaultRandom: RandomSource = (length) => {
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += MAX_PER_CALL) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + MAX_PER_CALL)))
  }
  return out
}

/**
 * Draws from `random` and checks the length, since an injected source that returns too few
 * bytes would silently weaken a key or repeat a nonce.
 */
export function randomBytes (length: number, random: RandomSource = defaultRandom): Uint8Array {
  const out = random(length)
  if (!(out instanceof Uint8Array) || out.length !== length) {
    throw new InvalidInputError(`random source: expected Uint8Array of length ${length}, got length=${out?.length}`)
  }
  return out
}
