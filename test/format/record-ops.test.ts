import { expect } from 'chai'
import { isOwnerOnly, parseRecordContent } from '../../src/format/record-ops.ts'
import { cborCid, encodeCanonical, rawCid } from '../../src/format/cid.ts'
import { InvalidStructureError } from '../../src/format/errors.ts'
import { isId, newId, idBytes } from '../../src/format/ids.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, seededRandom } from '../crypto/helpers.ts'

describe('format/record-ops', () => {
  it('accepts each documented op', async () => {
    const item = newId()
    const manifest = await cborCid(encodeCanonical({ m: 1 }))
    const ops = [
      { op: 'meta', name: 'Trip', kind: 'album', parent: null, createdAt: 0 },
      { op: 'meta', name: 'Sub', kind: 'folder', parent: newId(), createdAt: 0 },
      { op: 'add', item, manifest, fileKey: new Uint8Array(73), name: 'a.jpg', size: 1, mime: 'image/jpeg', kind: 'photo', takenAt: 0, contentTag: new Uint8Array(32), addedAt: 0 },
      { op: 'remove', item },
      { op: 'rename', item, name: 'b.jpg' },
      { op: 'trash', item, at: 0 },
      { op: 'restore', item },
      { op: 'flag', item, flag: 'favorite', value: true },
      { op: 'collection', id: newId(), kind: 'album', key: new Uint8Array(73) },
      { op: 'uncollection', id: newId() },
      { op: 'member', member: new Uint8Array(32), boxPublicKey: new Uint8Array(32), role: 'collaborator', collectionKey: new Uint8Array(105) },
      { op: 'revoke', member: new Uint8Array(32) }
    ]
    expect(parseRecordContent({ ops }).map((op) => op.op)).to.deep.equal(ops.map((op) => op.op))
  })

  it('marks meta, member, revoke and the root collection list as owner-only', () => {
    const owners = ['meta', 'member', 'revoke', 'collection', 'uncollection']
    for (const name of ['meta', 'add', 'remove', 'member', 'revoke', 'flag', 'collection', 'uncollection'] as const) {
      expect(isOwnerOnly({ op: name } as Parameters<typeof isOwnerOnly>[0])).to.equal(owners.includes(name))
    }
  })

  it('rejects an unknown op, a raw-codec manifest, an extra field or an empty batch with InvalidStructureError', async () => {
    await expectError(() => parseRecordContent({ ops: [{ op: 'explode' }] }), InvalidStructureError)
    const raw = await rawCid(new Uint8Array(1))
    const add = { op: 'add', item: newId(), manifest: raw, fileKey: new Uint8Array(73), name: 'x', size: 1, mime: 'x', kind: 'other', takenAt: 0, contentTag: new Uint8Array(32), addedAt: 0 }
    await expectError(() => parseRecordContent({ ops: [add] }), InvalidStructureError)
    await expectError(() => parseRecordContent({ ops: [{ op: 'trash', item: newId(), at: 0, why: 'x' }] }), InvalidStructureError)
    await expectError(() => parseRecordContent({ ops: [] }), InvalidStructureError)
  })
})

describe('format/ids', () => {
  it('are 16 random bytes written as 32 lowercase hex characters', () => {
    const id = newId(seededRandom('id'))
    expect(id).to.match(/^[0-9a-f]{32}$/)
    expect(isId(id)).to.equal(true)
    expect(idBytes(id)).to.have.length(16)
  })

  it('rejects uppercase or short ids with InvalidInputError', async () => {
    await expectError(() => idBytes('ABCDEF0123456789ABCDEF0123456789'), InvalidInputError)
    await expectError(() => idBytes('abc'), InvalidInputError)
  })
})
