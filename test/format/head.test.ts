import { expect } from 'chai'
import { checkNotRolledBack, checkSuccession, createHead, decodeHead, verifyHeadSignature, type Head } from '../../src/format/head.ts'
import { cborCid, encodeCanonical, rawCid } from '../../src/format/cid.ts'
import { ForkError, HeadMismatchError, InvalidStructureError, NonCanonicalEncodingError, RollbackError, StaleHeadError } from '../../src/format/errors.ts'
import { SignatureError, UnsupportedVersionError } from '../../src/crypto/errors.ts'
import { signingKeyFromSeed, type SigningKey } from '../../src/crypto/sign.ts'
import { newId } from '../../src/format/ids.ts'
import { expectError, flipBit } from '../crypto/helpers.ts'

describe('format/head', () => {
  let owner: SigningKey
  let collaborator: SigningKey
  const collection = newId()
  const root = async (n: number): Promise<ReturnType<typeof rawCid>> => await rawCid(new Uint8Array([n]))

  before(async () => {
    owner = await signingKeyFromSeed(new Uint8Array(32).fill(1))
    collaborator = await signingKeyFromSeed(new Uint8Array(32).fill(2))
  })

  async function chain (): Promise<Array<{ head: Head, bytes: Uint8Array, cid: Awaited<ReturnType<typeof rawCid>> }>> {
    const first = await createHead({ collection, owner: owner.publicKey, seq: 1, root: await root(1), prev: null }, owner)
    const second = await createHead({ collection, owner: owner.publicKey, seq: 2, root: await root(2), prev: first.cid }, collaborator)
    return [first, second]
  }

  it('creates a head that decodes to the same fields and verifies', async () => {
    const [first, second] = await chain()
    const decoded = decodeHead(second!.bytes)
    expect(decoded.seq).to.equal(2)
    expect(decoded.prev?.equals(first!.cid)).to.equal(true)
    expect(decoded.signer).to.deep.equal(collaborator.publicKey)
    expect((await cborCid(second!.bytes)).equals(second!.cid)).to.equal(true)
    await verifyHeadSignature(decoded)
  })

  it('rejects a forged signature with SignatureError', async () => {
    const [first] = await chain()
    await expectError(async () => await verifyHeadSignature({ ...first!.head, sig: flipBit(first!.head.sig.slice(), 5) }), SignatureError)
  })

  it('rejects a head whose claimed signer did not sign it with SignatureError', async () => {
    const [first] = await chain()
    await expectError(async () => await verifyHeadSignature({ ...first!.head, signer: collaborator.publicKey }), SignatureError)
  })

  it('rejects a head whose root was swapped after signing with SignatureError', async () => {
    const [first] = await chain()
    await expectError(async () => await verifyHeadSignature({ ...first!.head, root: await root(9) }), SignatureError)
  })

  it('accepts the next head in sequence', async () => {
    const [first, second] = await chain()
    checkSuccession(null, null, first!.head)
    checkSuccession(first!.head, first!.cid, second!.head)
  })

  it('rejects a head that skips or repeats a seq with StaleHeadError', async () => {
    const [first, second] = await chain()
    const skip = await createHead({ collection, owner: owner.publicKey, seq: 3, root: await root(3), prev: first!.cid }, owner)
    await expectError(() => checkSuccession(first!.head, first!.cid, skip.head), StaleHeadError)
    await expectError(() => checkSuccession(second!.head, second!.cid, second!.head), StaleHeadError)
  })

  it('rejects a head whose prev is not the current head with StaleHeadError', async () => {
    const [first, second] = await chain()
    const sibling = await createHead({ collection, owner: owner.publicKey, seq: 3, root: await root(3), prev: first!.cid }, owner)
    await expectError(() => checkSuccession(second!.head, second!.cid, sibling.head), StaleHeadError)
  })

  it('rejects a first head with seq other than 1 with StaleHeadError', async () => {
    const [, second] = await chain()
    await expectError(() => checkSuccession(null, null, second!.head), StaleHeadError)
  })

  it('rejects a head for another collection with HeadMismatchError', async () => {
    const [first] = await chain()
    const foreign = await createHead({ collection: newId(), owner: owner.publicKey, seq: 2, root: await root(2), prev: first!.cid }, owner)
    await expectError(() => checkSuccession(first!.head, first!.cid, foreign.head), HeadMismatchError)
  })

  it('rejects a rolled-back head with RollbackError', async () => {
    const [first] = await chain()
    await expectError(() => checkNotRolledBack(2, first!.head.root, first!.head), RollbackError)
  })

  it('rejects a forked head (same seq, different root) with ForkError', async () => {
    const [, second] = await chain()
    const otherRoot = await root(7)
    await expectError(() => checkNotRolledBack(2, otherRoot, second!.head), ForkError)
  })

  it('accepts the same head again, a newer head, or any head when none was seen', async () => {
    const [, second] = await chain()
    checkNotRolledBack(2, second!.head.root, second!.head)
    checkNotRolledBack(1, await root(1), second!.head)
    checkNotRolledBack(null, null, second!.head)
  })

  describe('decoding', () => {
    it('rejects version 2 with UnsupportedVersionError', async () => {
      const [first] = await chain()
      await expectError(() => decodeHead(encodeCanonical({ ...first!.head, v: 2 })), UnsupportedVersionError)
    })

    it('rejects seq 1 with a prev, and unknown fields, with InvalidStructureError', async () => {
      const [first, second] = await chain()
      await expectError(() => decodeHead(encodeCanonical({ ...second!.head, seq: 1 })), InvalidStructureError)
      await expectError(() => decodeHead(encodeCanonical({ ...first!.head, extra: 1 })), InvalidStructureError)
    })

    it('rejects a non-canonical encoding of a valid head with NonCanonicalEncodingError', async () => {
      const [first] = await chain()
      // Rewrite the one-byte map header (0xa8, 8 entries) as a two-byte one (0xb8 0x08).
      const bytes = first!.bytes
      expect(bytes[0]).to.equal(0xa8)
      const longer = new Uint8Array([0xb8, 0x08, ...bytes.subarray(1)])
      await expectError(() => decodeHead(longer), NonCanonicalEncodingError)
    })
  })
})
