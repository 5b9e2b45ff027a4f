/**
 * The stream decryptor (see `stream.ts` for the format). It emits plaintext only after the
 * chunk carrying it has authenticated and its padding has been checked, so a consumer never
 * sees bytes an attacker chose. The expected number of chunks follows from the authenticated
 * size; a chunk that fails under its expected last flag is retried under the other flag only
 * to name the attack precisely (truncation vs trailing data), never to accept it.
 */
import { assertBytes, assertInteger } from './bytes.ts'
import { ChunkAuthenticationError, InvalidInputError, PaddingError, TrailingDataError, TruncatedStreamError } from './errors.ts'
import { openChunk, openStreamKey } from './stream-keys.ts'
import type { AesGcmKey } from './aead.ts'
import { chunkCount, chunkRealLength } from './stream-layout.ts'
import type { DecryptStreamOptions, StreamDescriptor } from './stream.ts'

type Source = AsyncIterable<Uint8Array> | Iterable<Uint8Array>

function iteratorOf (source: Source): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
}

/**
 * Opens chunk `index` of a stream of `size` bytes and strips its padding. Throws
 * ChunkAuthenticationError, TruncatedStreamError (the chunk is genuine but says more chunks
 * follow), TrailingDataError (a genuine last chunk where more were expected) or PaddingError.
 */
async function openAndUnpad (key: AesGcmKey, size: number, index: number, sealed: Uint8Array): Promise<Uint8Array> {
  assertBytes(sealed, undefined, `chunk ${index}`)
  const last = index === chunkCount(size) - 1
  const plaintext = await openChunk(key, index, last, sealed)
  if (plaintext === null) {
    if (await openChunk(key, index, !last, sealed) !== null) {
      throw last
        ? new TruncatedStreamError(`chunk ${index} should be the last but more chunks were written after it`)
        : new TrailingDataError(`chunk ${index} is flagged last but ${chunkCount(size) - index - 1} more are expected`)
    }
    throw new ChunkAuthenticationError(index)
  }
  const real = chunkRealLength(size, index)
  for (let i = real; i < plaintext.length; i++) {
    if (plaintext[i] !== 0) throw new PaddingError(`chunk ${index} has non-zero padding`)
  }
  return plaintext.subarray(0, real)
}

/**
 * Decrypts sealed chunk bytes, given in order, yielding authenticated plaintext without the
 * padding. Throws KeyCommitmentError before reading anything when the key is wrong, and
 * TruncatedStreamError / TrailingDataError when the number of chunks is not the one the size
 * implies. The last plaintext is held back until the source is known to have ended.
 */
export async function * decryptStream (chunks: Source, options: DecryptStreamOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const { descriptor, signal, onProgress } = options
  assertInteger(descriptor.size, 0, Number.MAX_SAFE_INTEGER, 'descriptor size')
  const key = await openStreamKey(options.fileKey, descriptor)
  const count = chunkCount(descriptor.size)
  const iterator = iteratorOf(chunks)
  let processedBytes = 0
  let finished = false
  try {
    for (let index = 0; index < count; index++) {
      signal?.throwIfAborted()
      const next = await iterator.next()
      if (next.done === true) throw new TruncatedStreamError(`stream ended after ${index} of ${count} chunks`)
      const plaintext = await openAndUnpad(key, descriptor.size, index, next.value)
      if (index === count - 1) {
        const extra = await iterator.next()
        finished = extra.done === true
        if (!finished) throw new TrailingDataError(`data after the last chunk (${count} chunks expected)`)
      }
      processedBytes += plaintext.length
      onProgress?.({ type: 'obscura:stream:chunk-decrypted', index, plaintextBytes: plaintext.length, processedBytes, totalBytes: descriptor.size })
      if (plaintext.length > 0) yield plaintext
    }
  } finally {
    if (!finished) await iterator.return?.()
  }
}

/** Decrypts single chunks of one part by index, deriving the key once (for seeking video). */
export interface ChunkDecryptor {
  decryptChunk (index: number, sealed: Uint8Array): Promise<Uint8Array>
}

/** Checks the key commitment and the descriptor's chunk count, then returns a ChunkDecryptor. */
export async function createChunkDecryptor (fileKey: Uint8Array, descriptor: StreamDescriptor): Promise<ChunkDecryptor> {
  assertInteger(descriptor.size, 0, Number.MAX_SAFE_INTEGER, 'descriptor size')
  const count = chunkCount(descriptor.size)
  if (descriptor.chunks.length !== count) {
    throw new InvalidInputError(`descriptor lists ${descriptor.chunks.length} chunks, its size implies ${count}`)
  }
  const key = await openStreamKey(fileKey, descriptor)
  return {
    async decryptChunk (index, sealed) {
      assertInteger(index, 0, count - 1, 'chunk index')
      return await openAndUnpad(key, descriptor.size, index, sealed)
    }
  }
}

/**
 * Decrypts chunk `index` alone (the last flag follows from `descriptor.chunks.length`) and
 * returns its real plaintext bytes, empty for a chunk of padding only. Callers still verify
 * the block against `descriptor.chunks[index].cid` when they fetch it.
 */
export async function decryptChunk (fileKey: Uint8Array, descriptor: StreamDescriptor, index: number, sealed: Uint8Array): Promise<Uint8Array> {
  return await (await createChunkDecryptor(fileKey, descriptor)).decryptChunk(index, sealed)
}
