/**
 * The stream encryptor (see `stream.ts` for the format). Plaintext arrives in pieces of any size
 * and is copied into a single 1 MiB buffer; a full buffer is sealed only once the next byte
 * arrives, because until then it might be the last chunk, whose nonce differs. When the source
 * ends the true size is known, so the padding (zeros up to `paddedLength`) is appended chunk by
 * chunk, never materialised whole.
 */
import type { CID } from 'multiformats/cid'
import { assertBytes, wipe } from './bytes.ts'
import { InvalidInputError } from './errors.ts'
import { defaultRandom, randomBytes } from './random.ts'
import { sealChunk, streamCommitment, streamPayloadKey } from './stream-keys.ts'
import { CHUNK_SIZE, paddedLength } from './stream-layout.ts'
import type { SealedChunk, StreamDescriptor, StreamEncryptor, StreamEncryptorOptions } from './stream.ts'
import { rawCid } from '../format/cid.ts'

/** Prepares to encrypt one part under `fileKey`. Draws 16 random bytes unless `salt` is given. */
export function createStreamEncryptor (fileKey: Uint8Array, options: StreamEncryptorOptions = {}): StreamEncryptor {
  assertBytes(fileKey, 32, 'file key')
  const salt = options.salt ?? randomBytes(16, options.random ?? defaultRandom)
  assertBytes(salt, 16, 'stream salt')
  const commitment = streamCommitment(fileKey, salt)
  const keyBytes = fileKey.slice()
  const chunks: Array<{ cid: CID, size: number }> = []
  let size: number | undefined
  let started = false

  async function * encrypt (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<SealedChunk, void, undefined> {
    if (started) throw new InvalidInputError('a stream encryptor encrypts one source only')
    started = true
    const key = await streamPayloadKey(keyBytes, salt)
    wipe(keyBytes)
    const buffer = new Uint8Array(CHUNK_SIZE)
    let filled = 0
    let total = 0
    let index = 0
    let sealedRealBytes = 0

    const seal = async (plaintext: Uint8Array, last: boolean, plaintextBytes: number): Promise<SealedChunk> => {
      options.signal?.throwIfAborted()
      const bytes = await sealChunk(key, index, last, plaintext)
      const cid = await rawCid(bytes)
      chunks.push({ cid, size: bytes.length })
      const chunk = { index, cid, bytes, last, plaintextBytes }
      index++
      sealedRealBytes += plaintextBytes
      options.onProgress?.({ type: 'obscura:stream:chunk-encrypted', index: chunk.index, plaintextBytes, processedBytes: sealedRealBytes, cid })
      return chunk
    }

    try {
      for await (const piece of source) {
        assertBytes(piece, undefined, 'stream source piece')
        let offset = 0
        while (offset < piece.length) {
          if (filled === CHUNK_SIZE) {
            yield await seal(buffer, false, CHUNK_SIZE)
            filled = 0
          }
          const n = Math.min(CHUNK_SIZE - filled, piece.length - offset)
          buffer.set(piece.subarray(offset, offset + n), filled)
          filled += n
          offset += n
          total += n
        }
      }
      // The source has ended: the rest of the padded stream is the buffered tail plus zeros.
      let remaining = paddedLength(total) - index * CHUNK_SIZE
      let real = filled
      while (remaining > 0) {
        const length = Math.min(CHUNK_SIZE, remaining)
        buffer.fill(0, real, length)
        yield await seal(buffer.subarray(0, length), remaining === length, real)
        remaining -= length
        real = 0
      }
      size = total
    } finally {
      wipe(buffer)
    }
  }

  return {
    salt,
    encrypt,
    descriptor (): StreamDescriptor {
      if (size === undefined) throw new InvalidInputError('the stream has not been encrypted to the end yet')
      return { salt, commitment, size, chunks: [...chunks] }
    }
  }
}
