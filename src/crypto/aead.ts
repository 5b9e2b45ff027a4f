/**
 * The two AEADs Obscura uses, and nothing else imports their libraries. XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha, @noble/ciphers) seals small objects: its 24-byte nonce can be
 * random without a counter, and at ~100 MB/s it is fast enough for keys, records and
 * manifests. AES-256-GCM (NIST SP 800-38D, Web Crypto) seals media chunks: hardware
 * accelerated in Node and browsers, with a counter nonce that never repeats under a key used for
 * one stream only. Both return `false`/`null` on authentication failure rather than throwing,
 * so that callers raise the error that names *what* failed.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { assertBytes } from './bytes.ts'
import { bufferSource } from './hash.ts'

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
 * Imports a 32-byte key as a non-extractable AES-256-GCM Web Crypto key, so that the raw key
 * does not stay reachable from JavaScript once the caller wipes its copy.
 */
export async function importAesGcmKey (key: Uint8Array): Promise<CryptoKey> {
  assertBytes(key, 32, 'aes-256-gcm key')
  return await globalThis.crypto.subtle.importKey('raw', bufferSource(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

/** AES-256-GCM encryption with a 12-byte nonce; returns ciphertext || tag(16). */
export async function aesGcmSeal (key: CryptoKey, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array> {
  assertBytes(nonce, 12, 'aes-gcm nonce')
  const params: AesGcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 }
  if (aad !== undefined) params.additionalData = bufferSource(aad)
  return new Uint8Array(await globalThis.crypto.subtle.encrypt(params, key, bufferSource(plaintext)))
}

/** AES-256-GCM decryption; returns null when the tag does not verify. */
export async function aesGcmOpen (key: CryptoKey, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Promise<Uint8Array | null> {
  assertBytes(nonce, 12, 'aes-gcm nonce')
  if (sealed.length < 16) return null
  const params: AesGcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 }
  if (aad !== undefined) params.additionalData = bufferSource(aad)
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt(params, key, bufferSource(sealed)))
  } catch {
    return null
  }
}
