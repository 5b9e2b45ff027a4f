/**
 * Ed25519 signatures (RFC 8032, pure Ed25519). Every signature in Obscura is "detached and
 * labelled": it covers `label || 0x00 || message`, so that a signature made for one purpose (a
 * login challenge) can never be replayed as another (a head or a record).
 *
 * Two back ends give the same bytes (test/crypto/sign.test.ts holds both to RFC 8032's vectors
 * and to each other): OpenSSL through node:crypto under Node (the CLI, the node), and
 * @noble/curves in browsers. [Note: native Ed25519] OpenSSL derives a public key and signs
 * without noble's one-off table of base-point multiples, which alone cost ~50 ms of every CLI
 * command's start-up (a command restores its signing key from its seed), and it keeps libp2p's
 * key classes (RSA, secp256k1, protobuf) out of the browser bundle. Both verify strictly
 * (RFC 8032 §5.1.7 with canonical encodings: noble with `zip215: false`, as OpenSSL does), so a
 * signature one side accepts the other accepts too.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { assertBytes, wipe } from './bytes.ts'
import { labelled } from './labels.ts'
import { nodeCrypto } from './native.ts'

/** An Ed25519 private key that can sign, and its raw public key. */
export interface SigningKey {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array
  /** Signs `message` exactly as given; use `signDetached` to add a label. */
  sign (message: Uint8Array): Promise<Uint8Array>
}

/** One implementation of the three Ed25519 operations Obscura needs. */
export interface Ed25519Backend {
  /** Returns a signing key for `seed`, keeping its own copy of the seed. */
  fromSeed (seed: Uint8Array): SigningKey
  /** True when `signature` is valid for `data` under `publicKey`; throws on malformed keys. */
  verify (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean
}

export const nobleEd25519: Ed25519Backend = {
  fromSeed (seed) {
    const secret = seed.slice()
    return {
      publicKey: ed25519.getPublicKey(secret),
      sign: async (message) => ed25519.sign(message, secret)
    }
  },
  verify: (publicKey, data, signature) => ed25519.verify(signature, data, publicKey, { zip215: false })
}

// RFC 8410: a PKCS #8 Ed25519 private key is this prefix followed by the 32-byte seed.
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

function base64url (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

function nodeBackend (crypto: NonNullable<typeof nodeCrypto>): Ed25519Backend {
  return {
    fromSeed (seed) {
      const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32)
      der.set(PKCS8_ED25519_PREFIX)
      der.set(seed, PKCS8_ED25519_PREFIX.length)
      const privateKey = crypto.createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' })
      wipe(der)
      const jwk = crypto.createPublicKey(privateKey).export({ format: 'jwk' })
      return {
        publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')),
        sign: async (message) => new Uint8Array(crypto.sign(null, message, privateKey))
      }
    },
    verify (publicKey, data, signature) {
      const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) }, format: 'jwk' })
      return crypto.verify(null, data, key, signature)
    }
  }
}

export const nodeEd25519: Ed25519Backend | undefined = nodeCrypto == null ? undefined : nodeBackend(nodeCrypto)

const backend: Ed25519Backend = nodeEd25519 ?? nobleEd25519

/** Derives the key pair from a 32-byte seed (RFC 8032 private key). The caller's seed is left intact. */
export async function signingKeyFromSeed (seed: Uint8Array): Promise<SigningKey> {
  assertBytes(seed, 32, 'ed25519 seed')
  return backend.fromSeed(seed)
}

/** Signs `label || 0x00 || message`. */
export async function signDetached (signingKey: SigningKey, label: string, message: Uint8Array): Promise<Uint8Array> {
  assertBytes(message, undefined, 'message')
  return await signingKey.sign(labelled(label, message))
}

/**
 * Verifies a labelled signature. Returns false (never throws) for a signature or public key
 * that is malformed, because both usually come from the network.
 */
export async function verifyDetached (publicKey: Uint8Array, label: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  assertBytes(message, undefined, 'message')
  const data = labelled(label, message)
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
  try {
    return backend.verify(publicKey, data, signature)
  } catch {
    return false
  }
}
