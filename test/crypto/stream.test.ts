import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { CHUNK_SIZE, chunkRangeFor, createChunkDecryptor, createStreamEncryptor, decryptChunk, decryptStream, paddedLength, type SealedChunk, type StreamProgressEvent } from '../../src/crypto/stream.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { verifyBlock } from '../../src/format/cid.ts'
import { collect, concat, expectError, patternBytes, patternPieces, seededRandom } from './helpers.ts'

const fileKey = new Uint8Array(32).fill(0x42)

async function encrypt (source: Iterable<Uint8Array>, salt?: Uint8Array): Promise<{ chunks: SealedChunk[], descriptor: ReturnType<ReturnType<typeof createStreamEncryptor>['descriptor']> }> {
  const encryptor = createStreamEncryptor(fileKey, { salt })
  const chunks = await collect(encryptor.encrypt(source))
  return { chunks, descriptor: encryptor.descriptor() }
}

describe('crypto/stream', () => {
  describe('round trips', () => {
    const cases: Array<[string, number]> = [
      ['an empty input', 0],
      ['a 1-byte input', 1],
      ['exactly 1 MiB', CHUNK_SIZE],
      ['1 MiB + 1 byte', CHUNK_SIZE + 1]
    ]
    for (const [name, size] of cases) {
      it(`decrypts ${name} back to the same bytes`, async () => {
        const plaintext = patternBytes(size)
        const { chunks, descriptor } = await encrypt([plaintext])
        expect(descriptor.size).to.equal(size)
        expect(chunks.map((c) => c.bytes.length).reduce((a, b) => a + b, 0)).to.equal(paddedLength(size) + 16 * chunks.length)
        expect(chunks.map((c) => c.last)).to.deep.equal(chunks.map((_, i) => i === chunks.length - 1))
        expect(chunks.map((c) => c.plaintextBytes).reduce((a, b) => a + b, 0)).to.equal(size)
        const out = concat(await collect(decryptStream(chunks.map((c) => c.bytes), { fileKey, descriptor })))
        expect(out).to.deep.equal(plaintext)
      })
    }

    it('yields the same chunks, in order, when several are sealed at once (parallel)', async function () {
      const plaintext = patternBytes(5 * CHUNK_SIZE + 12345, 7)
      const salt = new Uint8Array(16).fill(9)
      const run = async (parallel: number): Promise<SealedChunk[]> => {
        const encryptor = createStreamEncryptor(fileKey, { salt, parallel })
        return await collect(encryptor.encrypt([plaintext.subarray(0, 3_000_000), plaintext.subarray(3_000_000)]))
      }
      const one = await run(1)
      const four = await run(4)
      expect(four.map((c) => c.index)).to.deep.equal(one.map((_, i) => i))
      expect(four.map((c) => c.cid.toString())).to.deep.equal(one.map((c) => c.cid.toString()))
      expect(four.map((c) => c.last)).to.deep.equal(one.map((c) => c.last))
    })

    it('decrypts 50 MiB fed in odd-sized pieces, chunk by chunk, to the same bytes', async function () {
      this.timeout(60000)
      const size = 50 * CHUNK_SIZE
      const encryptor = createStreamEncryptor(fileKey)
      const sealed: Uint8Array[] = []
      for await (const chunk of encryptor.encrypt(patternPieces(size, 65521))) {
        await verifyBlock(chunk.cid, chunk.bytes)
        sealed.push(chunk.bytes)
      }
      const descriptor = encryptor.descriptor()
      expect(descriptor.chunks).to.have.length(50)
      const expected = createHash('sha256')
      for (const piece of patternPieces(size, 1 << 20)) expected.update(piece)
      const actual = createHash('sha256')
      let total = 0
      for await (const piece of decryptStream(sealed, { fileKey, descriptor })) {
        actual.update(piece)
        total += piece.length
      }
      expect(total).to.equal(size)
      expect(actual.digest('hex')).to.equal(expected.digest('hex'))
    })

    it('gives every chunk a raw CIDv1 that verifies against its bytes', async () => {
      const { chunks, descriptor } = await encrypt([patternBytes(CHUNK_SIZE + 5)])
      for (const [i, chunk] of chunks.entries()) {
        expect(chunk.cid.version).to.equal(1)
        expect(chunk.cid.code).to.equal(0x55)
        expect(descriptor.chunks[i]?.cid.equals(chunk.cid)).to.equal(true)
        await verifyBlock(chunk.cid, chunk.bytes)
      }
    })

    it('encrypts deterministically when the salt is injected', async () => {
      const salt = new Uint8Array(16).fill(5)
      const a = await encrypt([patternBytes(3000)], salt)
      const b = await encrypt(patternPieces(3000, 7), salt)
      expect(a.chunks[0]?.cid.equals(b.chunks[0]!.cid)).to.equal(true)
    })

    it('draws the salt from the injected random source', () => {
      const encryptor = createStreamEncryptor(fileKey, { random: seededRandom('salt') })
      expect(encryptor.salt).to.deep.equal(seededRandom('salt')(16))
    })

    it('accepts async sources and empty pieces', async () => {
      async function * source (): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(0)
        yield patternBytes(10)
        yield new Uint8Array(0)
      }
      const encryptor = createStreamEncryptor(fileKey)
      const chunks = await collect(encryptor.encrypt(source()))
      const out = concat(await collect(decryptStream(chunks.map((c) => c.bytes), { fileKey, descriptor: encryptor.descriptor() })))
      expect(out).to.deep.equal(patternBytes(10))
    })

    it('refuses to give a descriptor before the source is fully encrypted', async () => {
      const encryptor = createStreamEncryptor(fileKey)
      await expectError(() => encryptor.descriptor(), InvalidInputError)
    })
  })

  describe('progress and cancellation', () => {
    it('reports namespaced progress events for every chunk', async () => {
      const events: StreamProgressEvent[] = []
      const encryptor = createStreamEncryptor(fileKey, { onProgress: (e) => events.push(e) })
      const chunks = await collect(encryptor.encrypt([patternBytes(CHUNK_SIZE + 10)]))
      expect(events.map((e) => e.type)).to.deep.equal(['obscura:stream:chunk-encrypted', 'obscura:stream:chunk-encrypted'])
      expect(events.at(-1)?.processedBytes).to.equal(CHUNK_SIZE + 10)
      const decrypted: StreamProgressEvent[] = []
      await collect(decryptStream(chunks.map((c) => c.bytes), { fileKey, descriptor: encryptor.descriptor(), onProgress: (e) => decrypted.push(e) }))
      expect(decrypted.map((e) => [e.type, e.plaintextBytes])).to.deep.equal([['obscura:stream:chunk-decrypted', CHUNK_SIZE], ['obscura:stream:chunk-decrypted', 10]])
    })

    it('stops between chunks with the abort reason when the signal aborts', async () => {
      const controller = new AbortController()
      const reason = new Error('user cancelled')
      const encryptor = createStreamEncryptor(fileKey, { signal: controller.signal })
      let seen = 0
      let caught: unknown
      try {
        for await (const _chunk of encryptor.encrypt(patternPieces(5 * CHUNK_SIZE, 1 << 16))) {
          seen++
          controller.abort(reason)
        }
      } catch (err) {
        caught = err
      }
      expect(caught).to.equal(reason)
      expect(seen).to.equal(1)
    })
  })

  describe('random access', () => {
    it('maps a byte range to the chunks that cover it', () => {
      const descriptor = { size: 3 * CHUNK_SIZE + 100 }
      expect(chunkRangeFor(descriptor, 0, 10)).to.deep.equal({ indexes: [0], offset: 0, length: 10 })
      expect(chunkRangeFor(descriptor, CHUNK_SIZE - 1, CHUNK_SIZE + 1)).to.deep.equal({ indexes: [0, 1], offset: CHUNK_SIZE - 1, length: 2 })
      expect(chunkRangeFor(descriptor, 3 * CHUNK_SIZE, 10 * CHUNK_SIZE)).to.deep.equal({ indexes: [3], offset: 0, length: 100 })
      expect(chunkRangeFor(descriptor, 5, 5)).to.deep.equal({ indexes: [], offset: 0, length: 0 })
    })

    it('decrypts single chunks by index for seeking', async () => {
      const plaintext = patternBytes(2 * CHUNK_SIZE + 7)
      const { chunks, descriptor } = await encrypt([plaintext])
      const range = chunkRangeFor(descriptor, CHUNK_SIZE + 3, 2 * CHUNK_SIZE + 5)
      const decryptor = await createChunkDecryptor(fileKey, descriptor)
      const parts = await Promise.all(range.indexes.map(async (i) => await decryptor.decryptChunk(i, chunks[i]!.bytes)))
      const bytes = concat(parts).subarray(range.offset, range.offset + range.length)
      expect(bytes).to.deep.equal(plaintext.subarray(CHUNK_SIZE + 3, 2 * CHUNK_SIZE + 5))
      expect(await decryptChunk(fileKey, descriptor, 2, chunks[2]!.bytes)).to.deep.equal(plaintext.subarray(2 * CHUNK_SIZE))
    })
  })
})
