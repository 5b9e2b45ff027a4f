import { expect } from 'chai'
import { isOwnerOnly, parseRecordOp } from '../../src/format/record-ops.ts'
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
      { op: 'meta', name: 'Trip', kind: 'album' },
      { op: 'meta', name: 'Sub', kind: 'folder', parent: newId() },
      { op: 'add', item, manifest, fileKey: new Uint8Array(73), name: 'a.jpg', takenAt: { utcMs: 0 } },
      { op: 'remove', item },
      { op: 'rename', item, name: 'b.jpg' },
      { op: 'move', item, to: newId() },
      { op: 'trash', item },
      { op: 'restore', item },
      { op: 'flag', item, flag: 'favorite', value: true },
      { op: 'member', member: new Uint8Array(32), boxPublicKey: new Uint8Array(32), role: 'contributor', collectionKey: new Uint8Array(105) },
      { op: 'revoke', member: new Uint8Array(32) }
    ]
    for (const op of ops) expect(parseRecordOp(op).op).to.equal(op.op)
  })

  it('marks meta, member and revoke as owner-only', () => {
    const owners = ['meta', 'member', 'revoke']
    for (const name of ['meta', 'add', 'remove', 'member', 'revoke', 'flag'] as const) {
      expect(isOwnerOnly({ op: name } as Parameters<typeof isOwnerOnly>[0])).to.equal(owners.includes(name))
    }
  })

  it('rejects an unknown op, a raw-codec manifest, or an extra field with InvalidStructureError', async () => {
    await expectError(() => parseRecordOp({ op: 'explode' }), InvalidStructureError)
    const raw = await rawCid(new Uint8Array(1))
    await expectError(() => parseRecordOp({ op: 'add', item: newId(), manifest: raw, fileKey: new Uint8Array(73), name: 'x' }), InvalidStructureError)
    await expectError(() => parseRecordOp({ op: 'trash', item: newId(), why: 'x' }), InvalidStructureError)
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
