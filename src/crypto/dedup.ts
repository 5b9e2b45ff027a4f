/**
 * Content tags for deduplication. A tag is HMAC-SHA-256 keyed with the account's dedup key
 * (HKDF(masterKey, "obscura/v1/dedup")) over the SHA-256 of the plaintext. The same photo
 * uploaded twice by one account gets the same tag, so the client can skip it, while the node,
 * which only ever sees tags inside encrypted manifests, cannot confirm a guess about what a
 * user stores (as it could with a plain hash).
 */
import { assertBytes } from './bytes.ts'
import { hmacSha256 } from './hash.ts'

/** HMAC(dedupKey, plaintextSha256): 32 bytes. The caller hashes the plaintext while reading it. */
export function contentTag (dedupKey: Uint8Array, plaintextSha256: Uint8Array): Uint8Array {
  assertBytes(dedupKey, 32, 'dedup key')
  assertBytes(plaintextSha256, 32, 'plaintext sha256')
  return hmacSha256(dedupKey, plaintextSha256)
}
