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
import { sealsAtOnce } from './aead.ts'
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
    const parallel = Math.max(1, options.parallel ?? 1)
    const buffer = new Uint8Array(CHUNK_SIZE)
    const pending: Array<Promise<SealedChunk>> = []
    let filled = 0
    let total = 0
    let index = 0
    let sealedRealBytes = 0

    // Starts sealing a chunk now; `plaintext` must not change afterwards (a copy when parallel).
    const submit = (plaintext: Uint8Array, last: boolean, plaintextBytes: number): void => {
      options.signal?.throwIfAborted()
      const chunkIndex = index++
      const sealing = (async (): Promise<SealedChunk> => {
        const bytes = await sealChunk(key, chunkIndex, last, plaintext)
        return { index: chunkIndex, cid: await rawCid(bytes), bytes, last, plaintextBytes }
      })()
      sealing.catch(() => {}) // awaited in order by drain(); this only silences the early rejection
      pending.push(sealing)
    }

    // Yields finished chunks in order until at most `keep` are still being sealed.
    async function * drain (keep: number): AsyncGenerator<SealedChunk, void, undefined> {
      while (pending.length > keep) {
        const chunk = await (pending.shift() as Promise<SealedChunk>)
        chunks.push({ cid: chunk.cid, size: chunk.bytes.length })
        sealedRealBytes += chunk.plaintextBytes
        options.onProgress?.({ type: 'obscura:stream:chunk-encrypted', index: chunk.index, plaintextBytes: chunk.plaintextBytes, processedBytes: sealedRealBytes, cid: chunk.cid })
        yield chunk
      }
    }

    // Sealing that reads the buffer later (Web Crypto) gets a copy when several run at once.
    const copy = parallel > 1 && !sealsAtOnce(key)
    const sealBuffer = (length: number, last: boolean, plaintextBytes: number): void => {
      const view = buffer.subarray(0, length)
      submit(copy ? view.slice() : view, last, plaintextBytes)
    }

    try {
      for await (const piece of source) {
        assertBytes(piece, undefined, 'stream source piece')
        let offset = 0
        while (offset < piece.length) {
          if (filled === CHUNK_SIZE) {
            sealBuffer(CHUNK_SIZE, false, CHUNK_SIZE)
            // With one chunk in flight the buffer is reused only after it is sealed.
            yield * drain(parallel - 1)
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
        sealBuffer(length, remaining === length, real)
        yield * drain(parallel - 1)
        remaining -= length
        real = 0
      }
      yield * drain(0)
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
