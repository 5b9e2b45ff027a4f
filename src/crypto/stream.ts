/**
 * Encrypted media streams: the heart of Obscura's storage format (docs/FORMAT.md, "Media
 * streams"). A part's plaintext is padded to `paddedLength(size)`, cut into 1 MiB chunks, and
 * each chunk is sealed with AES-256-GCM under a per-part key, with a nonce made of the chunk
 * index and a last-chunk flag. Each sealed chunk is one raw block (CIDv1, sha2-256). The
 * `StreamDescriptor` (salt, commitment, size, chunk CIDs) goes into the item's encrypted
 * manifest; together with the file key it is everything a reader needs.
 *
 * Memory stays bounded whatever the file size: the encryptor holds one plaintext chunk and one
 * sealed chunk; the decryptor one sealed and one plaintext chunk.
 *
 * @example
 * ```ts
 * const encryptor = createStreamEncryptor(fileKey)
 * for await (const chunk of encryptor.encrypt(file.stream())) await store.put(chunk.cid, chunk.bytes)
 * const descriptor = encryptor.descriptor()
 *
 * for await (const plaintext of decryptStream(fetchChunks(descriptor.chunks), { fileKey, descriptor })) sink.write(plaintext)
 * ```
 */
import type { CID } from 'multiformats/cid'
import type { RandomSource } from './random.ts'

export { createStreamEncryptor } from './stream-encrypt.ts'
export { decryptStream, decryptChunk, createChunkDecryptor } from './stream-decrypt.ts'
export { CHUNK_SIZE, MIN_PADDED_LENGTH, paddedLength, chunkCount, chunkRangeFor, type ChunkRange } from './stream-layout.ts'

/** What a reader needs, besides the file key, to decrypt one part. Stored in the manifest. */
export interface StreamDescriptor {
  /** Random 16 bytes; with the file key, determines the payload key and the commitment. */
  salt: Uint8Array
  /** HKDF(fileKey, salt, "obscura/v1/stream/commitment"); checked before decrypting. */
  commitment: Uint8Array
  /** Real (unpadded) plaintext length in bytes. */
  size: number
  /** The sealed chunks in order: their CIDs and sealed sizes (plaintext + 16-byte tag). */
  chunks: Array<{ cid: CID, size: number }>
}

/** One sealed chunk, ready to be stored as a raw block under `cid`. */
export interface SealedChunk {
  index: number
  cid: CID
  bytes: Uint8Array
  /** True for the final chunk of the stream. */
  last: boolean
  /** Real (unpadded) plaintext bytes this chunk covers; 0 for a chunk of padding only. */
  plaintextBytes: number
}

/** Progress events, namespaced like Helia's (`obscura:<area>:<event>`). */
export type StreamProgressEvent =
  | { type: 'obscura:stream:chunk-encrypted', index: number, plaintextBytes: number, processedBytes: number, cid: CID }
  | { type: 'obscura:stream:chunk-decrypted', index: number, plaintextBytes: number, processedBytes: number, totalBytes: number }

export interface StreamOptions {
  /** Checked between chunks; iteration throws `signal.reason` once it aborts. */
  signal?: AbortSignal
  onProgress?: (event: StreamProgressEvent) => void
}

export interface StreamEncryptorOptions extends StreamOptions {
  /** Chunks sealed at once (default 1); more overlaps AES and SHA-256 on WebCrypto's threads. */
  parallel?: number
  /**
   * The part's salt; drawn from `random` (16 bytes) when absent. Inject only for test vectors, or
   * to resume a part under the rules of [Note: journal before send] in src/client/journal.ts:
   * a salt given again MUST NOT seal, under a chunk index, bytes other than those sealed before.
   */
  salt?: Uint8Array
  random?: RandomSource
}

export interface StreamEncryptor {
  /** The part's salt (public, stored in the descriptor). */
  readonly salt: Uint8Array
  /** Seals `source`; may be iterated once. Yields each chunk as soon as it is sealed. */
  encrypt (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<SealedChunk, void, undefined>
  /** The descriptor, once `encrypt` has been iterated to the end. */
  descriptor (): StreamDescriptor
}

export interface DecryptStreamOptions extends StreamOptions {
  fileKey: Uint8Array
  descriptor: Pick<StreamDescriptor, 'salt' | 'commitment' | 'size'>
}
