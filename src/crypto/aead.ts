/**
 * The two AEADs Obscura uses, and nothing else imports their libraries. XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha, @noble/ciphers) seals small objects: its 24-byte nonce can be
 * random without a counter, and at ~100 MB/s it is fast enough for keys, records and
 * manifests. AES-256-GCM (NIST SP 800-38D) seals media chunks: hardware accelerated, through
 * Web Crypto in browsers and OpenSSL in Node (native.ts), with a counter nonce that never repeats
 * under a key used for one stream only. Both return `false`/`null` on authentication failure rather than throwing,
 * so that callers raise the error that names *what* failed.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes } from './bytes.ts'
import { bufferSource } from './hash.ts'
import { nodeCrypto } from './native.ts'
import type { KeyObject } from 'node:crypto'

/** An AES-256-GCM key that JavaScript cannot read back: a Web Crypto key, or Node's KeyObject. */
export type AesGcmKey = CryptoKey | KeyObject

const GCM_TAG_BYTES = 16

/** XChaCha20-Poly1305 encryption; returns ciphertext || tag(16). */
export function xchachaSeal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  assertBytes(key, 32, 'xchacha key')
  assertBytes(nonce, 24, 'xchacha nonce')
  assertBytes(plaintext, undefined, 'plaintext')
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
}

/** XChaCha20-Poly1305 decryption; returns null when the tag does not verify. */
export function xchachaOpen (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | null {
  assertBytes(key, 32, 'xchacha key')
  assertBytes(nonce, 24, 'xchacha nonce')
  if (sealed.length < 16) return null
  try {
    return xchacha20poly1305(key, nonce, aad).decrypt(sealed)
  } catch {
    return null
  }
}

/**
 * Imports a 32-byte key as a non-extractable AES-256-GCM Web Crypto key (a KeyObject under
 * Node), so that the raw key does not stay reachable from JavaScript once the caller wipes its
 * copy.
 */
export async function importAesGcmKey (key: Uint8Array): Promise<AesGcmKey> {
  assertBytes(key, 32, 'aes-256-gcm key')
  if (nodeCrypto != null) return nodeCrypto.createSecretKey(key)
  return await globalThis.crypto.subtle.importKey('raw', bufferSource(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

function isCryptoKey (key: AesGcmKey): key is CryptoKey {
  return typeof CryptoKey !== 'undefined' && key instanceof CryptoKey
}

/**
 * Whether `aesGcmSeal` under this key has read all of its plaintext by the time it returns its
 * promise (OpenSSL, called synchronously), so that the caller may refill the buffer at once.
 * Web Crypto reads it later, on another thread.
 */
export function sealsAtOnce (key: AesGcmKey): boolean {
  return !isCryptoKey(key)
}

/** AES-256-GCM encryption with a 12-byte nonce; returns ciphertext || tag(16). */
export async function aesGcmSeal (key: AesGcmKey, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
  assertBytes(nonce, 12, 'aes-gcm nonce')
  if (!isCryptoKey(key)) return nodeSeal(key, nonce, plaintext, aad)
  const params: AesGcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 }
  if (aad !== undefined) params.additionalData = bufferSource(aad)
  return new Uint8Array(await globalThis.crypto.subtle.encrypt(params, key, bufferSource(plaintext)))
}

/** AES-256-GCM decryption; returns null when the tag does not verify. */
export async function aesGcmOpen (key: AesGcmKey, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Promise<Uint8Array | null> {
  assertBytes(nonce, 12, 'aes-gcm nonce')
  if (sealed.length < GCM_TAG_BYTES) return null
  if (!isCryptoKey(key)) return nodeOpen(key, nonce, sealed, aad)
  const params: AesGcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 }
  if (aad !== undefined) params.additionalData = bufferSource(aad)
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt(params, key, bufferSource(sealed)))
  } catch {
    return null
  }
}

function requireNodeCrypto (): NonNullable<typeof nodeCrypto> {
  if (nodeCrypto == null) throw new TypeError('a KeyObject AES-GCM key needs node:crypto')
  return nodeCrypto
}

function nodeSeal (key: KeyObject, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  const cipher = requireNodeCrypto().createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES })
  if (aad !== undefined) cipher.setAAD(aad)
  // Not zero-filled: every byte is written just below.
  const out = Buffer.allocUnsafeSlow(plaintext.length + GCM_TAG_BYTES)
  const sealed = new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  sealed.set(cipher.update(plaintext), 0)
  cipher.final()
  sealed.set(cipher.getAuthTag(), plaintext.length)
  return sealed
}

function nodeOpen (key: KeyObject, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | null {
  const decipher = requireNodeCrypto().createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES })
  if (aad !== undefined) decipher.setAAD(aad)
  const end = sealed.length - GCM_TAG_BYTES
  decipher.setAuthTag(sealed.subarray(end))
  const plaintext = decipher.update(sealed.subarray(0, end))
  try {
    decipher.final()
  } catch {
    return null
  }
  // A small Buffer may be a view of Node's shared pool: hand out bytes of its own.
  return plaintext.byteOffset === 0 && plaintext.buffer.byteLength === plaintext.byteLength
    ? new Uint8Array(plaintext.buffer, 0, plaintext.byteLength)
    : new Uint8Array(plaintext)
}
