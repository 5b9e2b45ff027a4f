import { expect } from 'chai'
import { newKey, openCollectionKey, sealCollectionKey, unwrapCollectionKey, unwrapFileKey, wrapCollectionKey, wrapFileKey } from '../../src/crypto/wrap.ts'
import { contentTag } from '../../src/crypto/dedup.ts'
import { BoxAuthenticationError } from '../../src/crypto/errors.ts'
import { boxKeyPairFromSecret } from '../../src/crypto/x25519.ts'
import { newId } from '../../src/format/ids.ts'
import { expectError, toHex } from './helpers.ts'

describe('crypto/wrap', () => {
  const masterKey = newKey()
  const collectionKey = newKey()
  const collection = newId()
  const item = newId()

  it('wraps a collection key under the master key, bound to the collection id', async () => {
    const wrapped = wrapCollectionKey(masterKey, collection, collectionKey)
    expect(unwrapCollectionKey(masterKey, collection, wrapped)).to.deep.equal(collectionKey)
    await expectError(() => unwrapCollectionKey(masterKey, newId(), wrapped), BoxAuthenticationError)
  })

  it('wraps a file key under the collection key, bound to the item id', async () => {
    const fileKey = newKey()
    const wrapped = wrapFileKey(collectionKey, item, fileKey)
    expect(wrapped).to.have.length(73)
    expect(unwrapFileKey(collectionKey, item, wrapped)).to.deep.equal(fileKey)
    await expectError(() => unwrapFileKey(collectionKey, newId(), wrapped), BoxAuthenticationError)
    await expectError(() => unwrapCollectionKey(collectionKey, item, wrapped), BoxAuthenticationError)
  })

  it("seals a collection key to a member's box key (105 bytes)", () => {
    const member = boxKeyPairFromSecret(newKey())
    const sealed = sealCollectionKey(member.publicKey, collectionKey)
    expect(sealed).to.have.length(105)
    expect(openCollectionKey(member.secretKey, sealed)).to.deep.equal(collectionKey)
  })
})

describe('crypto/dedup', () => {
  it('tags equal content equally per account, and differently across accounts', () => {
    const digest = new Uint8Array(32).fill(9)
    const a = newKey()
    expect(toHex(contentTag(a, digest))).to.equal(toHex(contentTag(a, digest)))
    expect(toHex(contentTag(a, digest))).to.not.equal(toHex(contentTag(newKey(), digest)))
  })
})
