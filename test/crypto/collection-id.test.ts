/**
 * The vector of docs/FORMAT.md 5.6: ids of albums and folders made by name. Another
 * implementation must derive the same ids, or two of its devices would not meet ours.
 */
import { expect } from 'chai'
import { collectionIdKey, namedCollectionId } from '../../src/crypto/collection-id.ts'

describe('crypto: ids of collections made by name (FORMAT 5.6)', function () {
  const master = new Uint8Array(32).map((_, i) => i)
  const key = collectionIdKey(master)

  it('derives the documented key and ids', function () {
    expect(Buffer.from(key).toString('hex')).to.equal('13bfa75276cd2566e1b82b8e537cc24b24bde86ad263f6495345504b875a5e11')
    expect(namedCollectionId(key, { kind: 'album', name: 'New', generation: 0 })).to.equal('353df64ead881105bd18101dce559905')
    expect(namedCollectionId(key, { kind: 'album', name: 'New', generation: 1 })).to.equal('cc16460325a994baa711c078d3f77c63')
    expect(namedCollectionId(key, { kind: 'folder', name: '2023', generation: 0, parent: new Uint8Array(16).fill(0xab) })).to.equal('4be8d2d3088413b02d49514ec51e937b')
  })

  it('gives one id for a name typed composed or decomposed, and another for a folder of that name', function () {
    const composed = namedCollectionId(key, { kind: 'album', name: 'Café', generation: 0 })
    expect(namedCollectionId(key, { kind: 'album', name: 'Cafe\u0301', generation: 0 })).to.equal(composed)
    expect(namedCollectionId(key, { kind: 'folder', name: 'Café', generation: 0 })).to.not.equal(composed)
  })
})
