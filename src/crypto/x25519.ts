/**
 * X25519 (RFC 7748) through @noble/curves, for sealing collection keys to a member's box key.
 * Low-order public keys are rejected by @noble/curves before the ladder runs; we surface that
 * as InvalidInputError since such a key can only come from a faulty or hostile peer.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { assertBytes } from './bytes.ts'
import { InvalidInputError } from './errors.ts'

export interface BoxKeyPair {
  /** Raw 32-byte X25519 public key, published so others can seal to it. */
  readonly publicKey: Uint8Array
  /** Raw 32-byte X25519 secret; stored only boxed under the master key. */
  readonly secretKey: Uint8Array
}

/** The key pair for a 32-byte secret (clamped by X25519 itself). */
export function boxKeyPairFromSecret (secretKey: Uint8Array): BoxKeyPair {
  assertBytes(secretKey, 32, 'x25519 secret key')
  return { publicKey: x25519.getPublicKey(secretKey), secretKey }
}

/** X25519(secret, public); throws InvalidInputError for low-order public keys. */
export function x25519SharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, 32, 'x25519 secret key')
  assertBytes(publicKey, 32, 'x25519 public key')
  try {
    return x25519.getSharedSecret(secretKey, publicKey)
  } catch {
    throw new InvalidInputError('x25519: public key is of low order')
  }
}
