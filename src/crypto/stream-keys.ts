/**
 * Per-part stream keys. Each part of an item (original, thumbnail, preview, motion) has its own
 * random 16-byte salt, from which the file key yields an AES-256-GCM key and a 32-byte key
 * commitment. Distinct salts keep chunk nonces (which restart at 0 in every part) from ever
 * repeating under one key; the commitment makes a ciphertext decrypt under one key only, which
 * AES-GCM alone does not guarantee (Albertini et al., "How to Abuse and Fix Authenticated
 * Encryption Without Key Commitment", USENIX Security 2022).
 */
import { aesGcmOpen, aesGcmSeal, importAesGcmKey, type AesGcmKey } from './aead.ts'
import { assertBytes, constantTimeEqual, wipe } from './bytes.ts'
import { KeyCommitmentError } from './errors.ts'
import { hkdf } from './hash.ts'
import { LABELS } from './labels.ts'
import { chunkNonce } from './stream-layout.ts'

/** HKDF(fileKey, salt, "obscura/v1/stream/commitment"), 32 bytes. */
export function streamCommitment (fileKey: Uint8Array, salt: Uint8Array): Uint8Array {
  assertBytes(fileKey, 32, 'file key')
  assertBytes(salt, 16, 'stream salt')
  return hkdf(fileKey, { salt, info: LABELS.streamCommitment })
}

/** The non-extractable AES-256-GCM key of one part. */
export async function streamPayloadKey (fileKey: Uint8Array, salt: Uint8Array): Promise<AesGcmKey> {
  assertBytes(fileKey, 32, 'file key')
  assertBytes(salt, 16, 'stream salt')
  const raw = hkdf(fileKey, { salt, info: LABELS.streamKey })
  try {
    return await importAesGcmKey(raw)
  } finally {
    wipe(raw)
  }
}

/**
 * Checks the commitment in constant time, then returns the payload key. Throws
 * KeyCommitmentError before any chunk is touched when the key is not the one committed to.
 */
export async function openStreamKey (fileKey: Uint8Array, descriptor: { salt: Uint8Array, commitment: Uint8Array }): Promise<AesGcmKey> {
  assertBytes(descriptor.commitment, 32, 'stream commitment')
  if (!constantTimeEqual(streamCommitment(fileKey, descriptor.salt), descriptor.commitment)) {
    throw new KeyCommitmentError()
  }
  return await streamPayloadKey(fileKey, descriptor.salt)
}

export async function sealChunk (key: AesGcmKey, index: number, last: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  return await aesGcmSeal(key, chunkNonce(index, last), plaintext)
}

export async function openChunk (key: AesGcmKey, index: number, last: boolean, sealed: Uint8Array): Promise<Uint8Array | null> {
  return await aesGcmOpen(key, chunkNonce(index, last), sealed)
}
