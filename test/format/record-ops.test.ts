import { expect } from 'chai'
import { isOwnerOnly, nameProblem, parseRecordContent, sealRecordOps, type RecordOp } from '../../src/format/record-ops.ts'
import { openRecord } from '../../src/format/record.ts'
import { signingKeyFromSeed } from '../../src/crypto/sign.ts'
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

  it('seals only ops its readers accept, naming the field of the first that they would reject', async () => {
    const key = new Uint8Array(32).fill(7)
    const collection = newId()
    const author = await signingKeyFromSeed(new Uint8Array(32).fill(1))
    const item = newId()
    const sealed = await sealRecordOps(key, collection, author, [{ op: 'rename', item, name: 'n'.repeat(1024) }], seededRandom('seal'))
    expect(parseRecordContent(await openRecord(key, collection, sealed))).to.have.length(1)
    for (const [ops, where] of [
      [[{ op: 'meta', name: '', kind: 'album', parent: null, createdAt: 0 }], /at ops\.0\.name: Too small/],
      [[{ op: 'restore', item }, { op: 'rename', item, name: 'n'.repeat(1025) }], /at ops\.1\.name: Too big/],
      [[], /at ops: Too small/]
    ] as Array<[RecordOp[], RegExp]>) {
      const err = await expectError(async () => await sealRecordOps(key, collection, author, ops), InvalidInputError)
      expect(err.message).to.match(where)
    }
  })

  it('says why a name cannot be used, in words for the user', () => {
    expect(nameProblem('Trip 2023', 'album')).to.equal(undefined)
    expect(nameProblem('', 'album')).to.equal('album names must be 1 to 1024 characters (got 0)')
    expect(nameProblem('n'.repeat(1100), 'file')).to.equal('file names must be 1 to 1024 characters (got 1100)')
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
