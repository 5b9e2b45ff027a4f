import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { identity } from 'multiformats/hashes/identity'
import { cborCid, decodeCanonical, encodeCanonical, isSortedLinks, rawCid, sortLinks, verifyBlock } from '../../src/format/cid.ts'
import { CidMismatchError, MalformedEncodingError, NonCanonicalEncodingError, UnsupportedCidError } from '../../src/format/errors.ts'
import { expectError, hex } from '../crypto/helpers.ts'

describe('format/cid', () => {
  const block = new TextEncoder().encode('hello')

  it('computes CIDv1 raw sha2-256 addresses (bafkrei...)', async () => {
    const cid = await rawCid(block)
    expect(cid.toString()).to.equal('bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq')
  })

  it('computes CIDv1 dag-cbor sha2-256 addresses (bafyrei...)', async () => {
    const cid = await cborCid(encodeCanonical({ a: 1 }))
    expect(cid.code).to.equal(0x71)
    expect(cid.toString()).to.match(/^bafyrei/)
  })

  it('verifies a block against its CID', async () => {
    await verifyBlock(await rawCid(block), block)
    await verifyBlock(await cborCid(block), block)
  })

  it('rejects altered bytes with CidMismatchError', async () => {
    await expectError(async () => await verifyBlock(await rawCid(block), new TextEncoder().encode('hellO')), CidMismatchError)
  })

  it('rejects CIDv0, other codecs and other hashes with UnsupportedCidError', async () => {
    const digest = Digest.create(0x12, (await rawCid(block)).multihash.digest)
    await expectError(async () => await verifyBlock(CID.createV0(digest), block), UnsupportedCidError)
    await expectError(async () => await verifyBlock(CID.createV1(0x70, digest), block), UnsupportedCidError)
    await expectError(async () => await verifyBlock(CID.createV1(0x55, identity.digest(block)), block), UnsupportedCidError)
    await expectError(async () => await verifyBlock(CID.createV1(0x55, Digest.create(0x12, new Uint8Array(20))), block), UnsupportedCidError)
  })

  it('sorts links by bytes and removes duplicates', async () => {
    const cids = await Promise.all(['c', 'a', 'b', 'a'].map(async (s) => await rawCid(new TextEncoder().encode(s))))
    const sorted = sortLinks(cids)
    expect(sorted).to.have.length(3)
    expect(isSortedLinks(sorted)).to.equal(true)
    expect(isSortedLinks([sorted[1]!, sorted[0]!])).to.equal(false)
    expect(isSortedLinks([sorted[0]!, sorted[0]!])).to.equal(false)
  })

  describe('canonical dag-cbor', () => {
    it('round-trips values with bytes and CIDs, omitting undefined properties', async () => {
      const cid = await rawCid(block)
      const bytes = encodeCanonical({ b: new Uint8Array([1]), a: cid, z: undefined })
      expect(decodeCanonical(bytes)).to.deep.equal({ a: cid, b: new Uint8Array([1]) })
    })

    it('rejects unsorted map keys with NonCanonicalEncodingError', async () => {
      // {"b": 1, "a": 2}: keys out of dag-cbor order.
      await expectError(() => decodeCanonical(hex('a2616201616102')), NonCanonicalEncodingError)
      expect(decodeCanonical(hex('a2616102616201'))).to.deep.equal({ a: 2, b: 1 })
    })

    it('rejects a non-minimal integer with NonCanonicalEncodingError', async () => {
      // 1 encoded in two bytes (0x18 0x01) instead of one.
      await expectError(() => decodeCanonical(hex('1801')), NonCanonicalEncodingError)
    })

    it('rejects an integral float (1.0), which dag-cbor writes as an integer, with NonCanonicalEncodingError', async () => {
      await expectError(() => decodeCanonical(hex('fb3ff0000000000000')), NonCanonicalEncodingError)
    })

    it('rejects trailing bytes and garbage with MalformedEncodingError', async () => {
      await expectError(() => decodeCanonical(hex('01ff')), MalformedEncodingError)
      await expectError(() => decodeCanonical(hex('ff')), MalformedEncodingError)
    })
  })
})
