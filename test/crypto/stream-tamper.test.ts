import { expect } from 'chai'
import { CHUNK_SIZE, createStreamEncryptor, decryptChunk, decryptStream, type SealedChunk, type StreamDescriptor } from '../../src/crypto/stream.ts'
import { ChunkAuthenticationError, KeyCommitmentError, PaddingError, TrailingDataError, TruncatedStreamError } from '../../src/crypto/errors.ts'
import { aesGcmSeal } from '../../src/crypto/aead.ts'
import { chunkNonce } from '../../src/crypto/stream-layout.ts'
import { streamPayloadKey } from '../../src/crypto/stream-keys.ts'
import { expectError, flipBit, patternBytes, type NamedError } from './helpers.ts'

const fileKey = new Uint8Array(32).fill(0x42)
const size = 2 * CHUNK_SIZE + 100

async function encrypt (plaintext: Uint8Array, key = fileKey): Promise<{ chunks: SealedChunk[], descriptor: StreamDescriptor }> {
  const encryptor = createStreamEncryptor(key)
  const chunks: SealedChunk[] = []
  for await (const chunk of encryptor.encrypt([plaintext])) chunks.push(chunk)
  return { chunks, descriptor: encryptor.descriptor() }
}

/** Decrypts, recording everything emitted before the failure, and checks the error class. */
async function expectFailure (sealed: Iterable<Uint8Array>, descriptor: StreamDescriptor, errorClass: NamedError, key = fileKey): Promise<Uint8Array[]> {
  const emitted: Uint8Array[] = []
  await expectError(async () => {
    for await (const piece of decryptStream(sealed, { fileKey: key, descriptor })) emitted.push(piece)
  }, errorClass)
  return emitted
}

describe('crypto/stream tamper detection', () => {
  let original: { chunks: SealedChunk[], descriptor: StreamDescriptor }
  let other: { chunks: SealedChunk[], descriptor: StreamDescriptor }
  const bytes = (): Uint8Array[] => original.chunks.map((c) => c.bytes.slice())

  before(async () => {
    original = await encrypt(patternBytes(size, 1))
    other = await encrypt(patternBytes(size, 2))
  })

  it('rejects a reordered chunk with ChunkAuthenticationError, emitting nothing', async () => {
    const [a, b, c] = bytes()
    const emitted = await expectFailure([b!, a!, c!], original.descriptor, ChunkAuthenticationError)
    expect(emitted).to.have.length(0)
  })

  it('rejects a chunk from another file at the same index with ChunkAuthenticationError', async () => {
    const sealed = bytes()
    sealed[1] = other.chunks[1]!.bytes
    const emitted = await expectFailure(sealed, original.descriptor, ChunkAuthenticationError)
    expect(emitted).to.have.length(1)
  })

  it('rejects a dropped last chunk with TruncatedStreamError', async () => {
    await expectFailure(bytes().slice(0, 2), original.descriptor, TruncatedStreamError)
  })

  it('rejects an empty chunk sequence with TruncatedStreamError', async () => {
    await expectFailure([], original.descriptor, TruncatedStreamError)
  })

  it('rejects a genuine non-last chunk in the last position with TruncatedStreamError', async () => {
    const short = { ...original.descriptor, size: CHUNK_SIZE + 100 }
    await expectFailure(bytes().slice(0, 2), short, TruncatedStreamError)
  })

  it('rejects a duplicated last chunk with TrailingDataError and withholds the last plaintext', async () => {
    const sealed = bytes()
    const emitted = await expectFailure([...sealed, sealed[2]!], original.descriptor, TrailingDataError)
    expect(emitted).to.have.length(2)
  })

  it('rejects an extra chunk after the last with TrailingDataError', async () => {
    await expectFailure([...bytes(), other.chunks[0]!.bytes], original.descriptor, TrailingDataError)
  })

  it('rejects a last-flagged chunk in the middle with TrailingDataError', async () => {
    const longer = { ...original.descriptor, size: 3 * CHUNK_SIZE + 100 }
    await expectFailure([...bytes(), new Uint8Array(116)], longer, TrailingDataError)
  })

  it('rejects a flipped ciphertext bit with ChunkAuthenticationError', async () => {
    const sealed = bytes()
    flipBit(sealed[0]!, 1000)
    const emitted = await expectFailure(sealed, original.descriptor, ChunkAuthenticationError)
    expect(emitted).to.have.length(0)
  })

  it('rejects a flipped tag bit in the last chunk with ChunkAuthenticationError, emitting only earlier chunks', async () => {
    const sealed = bytes()
    flipBit(sealed[2]!, -1, 0x80)
    const emitted = await expectFailure(sealed, original.descriptor, ChunkAuthenticationError)
    expect(emitted.map((p) => p.length)).to.deep.equal([CHUNK_SIZE, CHUNK_SIZE])
  })

  it('rejects a truncated chunk with ChunkAuthenticationError', async () => {
    const sealed = bytes()
    sealed[1] = sealed[1]!.subarray(0, 1000)
    await expectFailure(sealed, original.descriptor, ChunkAuthenticationError)
  })

  it('rejects the wrong key with KeyCommitmentError before reading any chunk', async () => {
    let pulled = 0
    function * source (): Generator<Uint8Array> {
      for (const chunk of original.chunks) {
        pulled++
        yield chunk.bytes
      }
    }
    await expectFailure([...source()], original.descriptor, KeyCommitmentError, new Uint8Array(32).fill(1))
    pulled = 0
    await expectFailure(source(), original.descriptor, KeyCommitmentError, new Uint8Array(32))
    expect(pulled).to.equal(0)
  })

  it('rejects a descriptor whose commitment was altered with KeyCommitmentError', async () => {
    const commitment = flipBit(original.descriptor.commitment.slice(), 0)
    await expectFailure(bytes(), { ...original.descriptor, commitment }, KeyCommitmentError)
  })

  it('rejects a wrong key in a single-chunk read with KeyCommitmentError', async () => {
    await expectError(async () => await decryptChunk(new Uint8Array(32), original.descriptor, 0, original.chunks[0]!.bytes), KeyCommitmentError)
  })

  it('rejects an authenticated chunk whose padding is not zeros with PaddingError', async () => {
    // Only a writer holding the key can produce this; readers still refuse non-canonical padding.
    const descriptor = original.descriptor
    const key = await streamPayloadKey(fileKey, descriptor.salt)
    const padded = new Uint8Array(1024)
    padded[0] = 7
    padded[1000] = 1
    const sealed = await aesGcmSeal(key, chunkNonce(0, true), padded)
    await expectFailure([sealed], { ...descriptor, size: 1 }, PaddingError)
  })
})
