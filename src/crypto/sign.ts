/**
 * Ed25519 signatures (RFC 8032, pure Ed25519) through @libp2p/crypto, the same implementation
 * the node uses for its peer identity. Every signature in Obscura is "detached and labelled":
 * it covers `label || 0x00 || message`, so that a signature made for one purpose (a login
 * challenge) can never be replayed as another (a head or a record).
 */
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { assertBytes, wipe } from './bytes.ts'
import { labelled } from './labels.ts'

/** An Ed25519 private key that can sign, and its raw public key. */
export interface SigningKey {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array
  /** Signs `message` exactly as given; use `signDetached` to add a label. */
  sign (message: Uint8Array): Promise<Uint8Array>
}

/**
 * Derives the key pair from a 32-byte seed (RFC 8032 private key). The caller's seed is left
 * intact; @libp2p/crypto keeps its own copy.
 */
export async function signingKeyFromSeed (seed: Uint8Array): Promise<SigningKey> {
  assertBytes(seed, 32, 'ed25519 seed')
  const copy = seed.slice()
  const privateKey = await generateKeyPairFromSeed('Ed25519', copy)
  wipe(copy)
  return {
    publicKey: privateKey.publicKey.raw,
    sign: async (message) => await privateKey.sign(message)
  }
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
    return await publicKeyFromRaw(publicKey).verify(data, signature)
  } catch {
    return false
  }
}
