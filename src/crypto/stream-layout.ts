/**
 * The arithmetic of a media stream, shared by the encryptor, the decryptor and range reads:
 * how a plaintext of `size` bytes is padded, how it is cut into chunks, which nonce each chunk
 * gets, and which chunks cover a byte range. Everything here is a pure function of public
 * numbers, so a reader can plan a seek before fetching a single block.
 */
import { assertInteger, uintBE } from './bytes.ts'
import { padme } from '../format/padding.ts'

/** Plaintext bytes per chunk (all but the last): 1 MiB. */
export const CHUNK_SIZE = 1048576
/** AES-GCM tag bytes appended to every chunk. */
export const TAG_SIZE = 16
/** Smallest padded stream, so that tiny parts (and empty files) look alike. */
export const MIN_PADDED_LENGTH = 1024

/** max(padme(size), 1024): the number of plaintext bytes, padding included, that are sealed. */
export function paddedLength (size: number): number {
  assertInteger(size, 0, Number.MAX_SAFE_INTEGER, 'stream size')
  return Math.max(padme(size), MIN_PADDED_LENGTH)
}

/** Number of chunks of a stream of `size` real bytes; at least 1. */
export function chunkCount (size: number): number {
  return Math.ceil(paddedLength(size) / CHUNK_SIZE)
}

/** Plaintext bytes (padding included) sealed in chunk `index`. */
export function chunkPlaintextLength (size: number, index: number): number {
  const count = chunkCount(size)
  assertInteger(index, 0, count - 1, 'chunk index')
  return index < count - 1 ? CHUNK_SIZE : paddedLength(size) - (count - 1) * CHUNK_SIZE
}

/** Real (unpadded) plaintext bytes carried by chunk `index`. */
export function chunkRealLength (size: number, index: number): number {
  return Math.max(0, Math.min(CHUNK_SIZE, size - index * CHUNK_SIZE))
}

/**
 * The 12-byte AES-GCM nonce of chunk `index`: uint88be(index) || last flag (0x01 on the last
 * chunk, 0x00 otherwise), as in age's STREAM. The index stops reordering; the flag stops
 * truncation at a chunk boundary and trailing chunks.
 */
export function chunkNonce (index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12)
  nonce.set(uintBE(index, 11))
  nonce[11] = last ? 0x01 : 0x00
  return nonce
}

export interface ChunkRange {
  /** Chunk indexes to fetch, in order; empty for an empty range. */
  indexes: number[]
  /** Where the range starts inside the first chunk's plaintext. */
  offset: number
  /** Length of the range once clamped to the stream size. */
  length: number
}

/**
 * The chunks covering plaintext bytes [start, end) (end exclusive, like Array.slice; clamped
 * to the stream size). Used for video seeking and HTTP range reads.
 */
export function chunkRangeFor (descriptor: { size: number }, start: number, end: number): ChunkRange {
  const size = descriptor.size
  assertInteger(start, 0, Number.MAX_SAFE_INTEGER, 'range start')
  assertInteger(end, 0, Number.MAX_SAFE_INTEGER, 'range end')
  const stop = Math.min(end, size)
  if (start >= stop) return { indexes: [], offset: 0, length: 0 }
  const first = Math.floor(start / CHUNK_SIZE)
  const last = Math.floor((stop - 1) / CHUNK_SIZE)
  const indexes: number[] = []
  for (let i = first; i <= last; i++) indexes.push(i)
  return { indexes, offset: start - first * CHUNK_SIZE, length: stop - start }
}
