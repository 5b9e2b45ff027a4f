/**
 * Content tags of streams (see dedup.ts for the tag itself): the plaintext is hashed as it is
 * read, so a large video is never held in memory. WebCrypto's digest has no streaming form, so
 * the portable default is hash-wasm's incremental SHA-256 (~0.5 GB/s); a platform with a faster
 * streaming hash (Node's node:crypto, ~1.5 GB/s) passes it as `sha256Stream`.
 */
import { createSHA256 } from 'hash-wasm'
import { contentTag } from './dedup.ts'

/** Streaming SHA-256 of everything `source` yields. */
export type Sha256Stream = (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal?: AbortSignal) => Promise<Uint8Array>

export const wasmSha256Stream: Sha256Stream = async (source, signal) => {
  const hasher = await createSHA256()
  hasher.init()
  for await (const piece of source) {
    signal?.throwIfAborted()
    hasher.update(piece)
  }
  return hasher.digest('binary')
}

export async function contentTagOfStream (dedupKey: Uint8Array, plaintext: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { signal?: AbortSignal, sha256Stream?: Sha256Stream } = {}): Promise<Uint8Array> {
  const digest = await (options.sha256Stream ?? wasmSha256Stream)(plaintext, options.signal)
  return contentTag(dedupKey, digest)
}
