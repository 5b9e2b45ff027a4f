/**
 * Content tags: HMAC-SHA-256 under the user's dedup key of the plaintext's SHA-256. Equal files
 * get equal tags for one user, so duplicates can be skipped, but the node (which only sees tags
 * inside encrypted records anyway) could not link them to a public hash of the file. The
 * plaintext is hashed as a stream (hash-wasm's incremental SHA-256; WebCrypto's digest has no
 * streaming form), so a large video is never held in memory.
 */
import { createSHA256 } from 'hash-wasm'
import { assertBytes } from './bytes.ts'
import { hmacSha256 } from './hash.ts'

export async function contentTag (dedupKey: Uint8Array, plaintext: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
  assertBytes(dedupKey, 32, 'dedup key')
  const hasher = await createSHA256()
  hasher.init()
  for await (const piece of plaintext) {
    signal?.throwIfAborted()
    hasher.update(piece)
  }
  return hmacSha256(dedupKey, hasher.digest('binary'))
}
