import { expect } from 'chai'
import { decodeCommit, encodeCommit, openRecord, sealRecord } from '../../src/format/commit.ts'
import { encodeCanonical, rawCid } from '../../src/format/cid.ts'
import { NonCanonicalEncodingError, UnauthorisedAuthorError, InvalidStructureError } from '../../src/format/errors.ts'
import { BoxAuthenticationError, SignatureError, UnsupportedVersionError } from '../../src/crypto/errors.ts'
import { signingKeyFromSeed, type SigningKey } from '../../src/crypto/sign.ts'
import { bytesEqual } from '../../src/crypto/bytes.ts'
import { newId } from '../../src/format/ids.ts'
import { expectError, flipBit } from '../crypto/helpers.ts'

describe('format/commit', () => {
  const collectionKey = new Uint8Array(32).fill(0x10)
  const collection = newId()
  let owner: SigningKey
  let stranger: SigningKey

  before(async () => {
    owner = await signingKeyFromSeed(new Uint8Array(32).fill(1))
    stranger = await signingKeyFromSeed(new Uint8Array(32).fill(3))
  })

  describe('records', () => {
    it('seals and opens a record, returning its content', async () => {
      const record = await sealRecord(collectionKey, collection, owner, { op: 'meta', name: 'Shanghai 2023', kind: 'album' })
      expect(record.author).to.deep.equal(owner.publicKey)
      expect(await openRecord(collectionKey, collection, record)).to.deep.equal({ op: 'meta', name: 'Shanghai 2023', kind: 'album' })
    })

    it('rejects a record whose author was replaced (forged author) with SignatureError', async () => {
      const record = await sealRecord(collectionKey, collection, stranger, { op: 'remove', item: newId() })
      await expectError(async () => await openRecord(collectionKey, collection, { ...record, author: owner.publicKey }), SignatureError)
    })

    it('rejects a record with an altered box with SignatureError, before decrypting', async () => {
      const record = await sealRecord(collectionKey, collection, owner, { op: 'remove', item: newId() })
      await expectError(async () => await openRecord(collectionKey, collection, { ...record, box: flipBit(record.box.slice(), 30) }), SignatureError)
    })

    it('rejects a record replayed into another collection with SignatureError', async () => {
      const record = await sealRecord(collectionKey, collection, owner, { op: 'remove', item: newId() })
      await expectError(async () => await openRecord(collectionKey, newId(), record), SignatureError)
    })

    it('rejects a validly signed record by an unknown author with UnauthorisedAuthorError', async () => {
      const record = await sealRecord(collectionKey, collection, stranger, { op: 'remove', item: newId() })
      const members = (author: Uint8Array): boolean => bytesEqual(author, owner.publicKey)
      await expectError(async () => await openRecord(collectionKey, collection, record, members), UnauthorisedAuthorError)
    })

    it('rejects a record sealed under another collection key with BoxAuthenticationError', async () => {
      const record = await sealRecord(new Uint8Array(32).fill(0x99), collection, owner, { op: 'remove', item: newId() })
      await expectError(async () => await openRecord(collectionKey, collection, record), BoxAuthenticationError)
    })
  })

  describe('commits', () => {
    it('encodes with links sorted and deduplicated, and decodes to the same commit', async () => {
      const a = await rawCid(new Uint8Array([1]))
      const b = await rawCid(new Uint8Array([2]))
      const record = await sealRecord(collectionKey, collection, owner, { op: 'meta', name: 'x', kind: 'folder' })
      const { bytes, cid, commit } = await encodeCommit({ collection, seq: 1, prev: null, links: [b, a, b], records: [record] })
      expect(commit.links).to.have.length(2)
      const decoded = decodeCommit(bytes)
      expect(decoded.records[0]?.sig).to.deep.equal(record.sig)
      expect(cid.code).to.equal(0x71)
      const next = await encodeCommit({ collection, seq: 2, prev: cid, links: [], records: [] })
      expect(decodeCommit(next.bytes).prev?.equals(cid)).to.equal(true)
    })

    it('carries unlinks (blocks no longer referenced) sorted and deduplicated, empty by default', async () => {
      const [a, b] = [await rawCid(new Uint8Array([1])), await rawCid(new Uint8Array([2]))]
      const plain = await encodeCommit({ collection, seq: 1, prev: null, links: [], records: [] })
      expect(decodeCommit(plain.bytes).unlinks).to.deep.equal([])
      const { bytes } = await encodeCommit({ collection, seq: 1, prev: null, links: [], unlinks: [b, a, a], records: [] })
      expect(decodeCommit(bytes).unlinks.map(String)).to.deep.equal([a, b].sort((x, y) => Buffer.compare(x.bytes, y.bytes)).map(String))
    })

    it('rejects unsorted links on decode with NonCanonicalEncodingError', async () => {
      const [a, b] = [await rawCid(new Uint8Array([1])), await rawCid(new Uint8Array([2]))]
      const { commit } = await encodeCommit({ collection, seq: 1, prev: null, links: [a, b], records: [] })
      const reversed = encodeCanonical({ ...commit, links: [...commit.links].reverse() })
      await expectError(() => decodeCommit(reversed), NonCanonicalEncodingError)
    })

    it('rejects version 2 with UnsupportedVersionError and a bad seq/prev pair with InvalidStructureError', async () => {
      const { commit } = await encodeCommit({ collection, seq: 1, prev: null, links: [], records: [] })
      await expectError(() => decodeCommit(encodeCanonical({ ...commit, v: 2 })), UnsupportedVersionError)
      await expectError(() => decodeCommit(encodeCanonical({ ...commit, seq: 2 })), InvalidStructureError)
    })
  })
})
