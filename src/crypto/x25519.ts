/**
 * X25519 (RFC 7748), for sealing collection keys to a member's box key. Low-order public keys are
 * rejected (both back ends refuse the all-zero shared secret they give); we surface that as
 * InvalidInputError since such a key can only come from a faulty or hostile peer.
 *
 * As for Ed25519 ([Note: native Ed25519] in sign.ts), Node uses OpenSSL and browsers
 * @noble/curves: noble derives a public key through a table of base-point multiples that costs
 * ~50 ms to build, once per process, which every CLI command paid to open its identity.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { assertBytes, wipe } from './bytes.ts'
import { InvalidInputError } from './errors.ts'
import { nodeCrypto } from './native.ts'

export interface BoxKeyPair {
  /** Raw 32-byte X25519 public key, published so others can seal to it. */
  readonly publicKey: Uint8Array
  /** Raw 32-byte X25519 secret; stored only boxed under the master key. */
  readonly secretKey: Uint8Array
}

/** One implementation of X25519: the public key of a secret, and the shared secret. */
export interface X25519Backend {
  publicKey (secretKey: Uint8Array): Uint8Array
  /** Throws (any error) for a low-order public key. */
  sharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array
}

export const nobleX25519: X25519Backend = {
  publicKey: (secretKey) => x25519.getPublicKey(secretKey),
  sharedSecret: (secretKey, publicKey) => x25519.getSharedSecret(secretKey, publicKey)
}

// RFC 8410: a PKCS #8 X25519 private key is this prefix followed by the 32-byte secret.
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

function nodeBackend (crypto: NonNullable<typeof nodeCrypto>): X25519Backend {
  const privateKey = (secretKey: Uint8Array): ReturnType<typeof crypto.createPrivateKey> => {
    const der = new Uint8Array(PKCS8_X25519_PREFIX.length + 32)
    der.set(PKCS8_X25519_PREFIX)
    der.set(secretKey, PKCS8_X25519_PREFIX.length)
    try {
      return crypto.createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' })
    } finally {
      wipe(der)
    }
  }
  return {
    publicKey (secretKey) {
      const jwk = crypto.createPublicKey(privateKey(secretKey)).export({ format: 'jwk' })
      return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))
    },
    sharedSecret (secretKey, publicKey) {
      const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url')
      const peer = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' })
      return new Uint8Array(crypto.diffieHellman({ privateKey: privateKey(secretKey), publicKey: peer }))
    }
  }
}

export const nodeX25519: X25519Backend | undefined = nodeCrypto == null ? undefined : nodeBackend(nodeCrypto)

const backend: X25519Backend = nodeX25519 ?? nobleX25519

/** The key pair for a 32-byte secret (clamped by X25519 itself). */
export function boxKeyPairFromSecret (secretKey: Uint8Array): BoxKeyPair {
  assertBytes(secretKey, 32, 'x25519 secret key')
  return { publicKey: backend.publicKey(secretKey), secretKey }
}

/** X25519(secret, public); throws InvalidInputError for low-order public keys. */
export function x25519SharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, 32, 'x25519 secret key')
  assertBytes(publicKey, 32, 'x25519 public key')
  let shared: Uint8Array
  try {
    shared = backend.sharedSecret(secretKey, publicKey)
  } catch {
    throw new InvalidInputError('x25519: public key is of low order')
  }
  // RFC 7748 §6.1: an all-zero result means a low-order point, whichever back end ran.
  if (shared.every((b) => b === 0)) throw new InvalidInputError('x25519: public key is of low order')
  return shared
}
