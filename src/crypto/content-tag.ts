/**
 * Content tags of streams (see dedup.ts for the tag itself): the plaintext is hashed as it is
 * read, so a large video is never held in memory. WebCrypto's digest has no streaming form, so
 * browsers use hash-wasm's incremental SHA-256 (~0.5 GB/s); under Node, node:crypto's (~1.5
 * GB/s, see native.ts).
 */
import { createSHA256 } from 'hash-wasm'
import { contentTag } from './dedup.ts'
import { nodeCrypto } from './native.ts'

/** A SHA-256 fed piece by piece. */
export interface Sha256Hasher {
  update: (piece: Uint8Array) => void
  digest: () => Uint8Array
}

/** The fastest incremental SHA-256 this platform has. */
export async function createSha256Hasher (): Promise<Sha256Hasher> {
  if (nodeCrypto != null) {
    const hash = nodeCrypto.createHash('sha256')
    return { update: (piece) => { hash.update(piece) }, digest: () => new Uint8Array(hash.digest()) }
  }
  const hasher = await createSHA256()
  hasher.init()
  return { update: (piece) => { hasher.update(piece) }, digest: () => hasher.digest('binary') }
}

/** Reads `plaintext` to the end and returns its content tag. */
export async function contentTagOfStream (dedupKey: Uint8Array, plaintext: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const hasher = await createSha256Hasher()
  for await (const piece of plaintext) {
    options.signal?.throwIfAborted()
    hasher.update(piece)
  }
  return contentTag(dedupKey, hasher.digest())
}

/**
 * Passes `source` through unchanged while feeding every piece to `hasher`: the content tag of a
 * file made in the same read as its encryption.
 */
export async function * hashingAlong (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, hasher: Sha256Hasher): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const piece of source) {
    hasher.update(piece)
    yield piece
  }
}
