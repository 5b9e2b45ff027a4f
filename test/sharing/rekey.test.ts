/**
 * Re-keying after a removal (issue 12, item 9): a link whose owner's box the client cannot open
 * (made by another client version, or damaged) must not stop the re-key half-way. Every other
 * member and link gets the new key, the one left is reported by id, and the owner finishes by
 * revoking it.
 */
import { expect } from 'chai'
import { RekeyIncompleteError } from '../../src/client/errors.ts'
import { createLink, openLink, revokeLink } from '../../src/client/links.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { sharingApi } from '../../src/client/sharing-api.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'

describe('sharing: re-keying', function () {
  let node: TestNode

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
  })

  after(async function () {
    await node?.stop()
  })

  it('re-keys every member and link it can, reports a link whose box it cannot open, and lets the owner finish', async function () {
    const alice = await account(node.url, 'alice')
    const bob = await account(node.url, 'bob')
    await account(node.url, 'carol')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Rekey')
    await uploadOne(owner, album, 'before.bin')
    await shareCollection(owner, album, 'bob', 'viewer')
    await shareCollection(owner, album, 'carol', 'viewer')
    const links = [await createLink(owner, album), await createLink(owner, album), await createLink(owner, album)]
    const listed = await sharingApi.links(alice.api, album.id)
    const broken = listed[0]!.id
    const record = (await node.node.db.publicLinks.get(broken))!
    const box = Buffer.from(record.ownerBox, 'base64')
    box[0] = 0x7f
    await node.node.db.publicLinks.put(broken, { ...record, ownerBox: box.toString('base64') })

    const epoch = album.epoch
    let report: unknown
    await unshareCollection(owner, album, 'carol').catch((err) => { report = err })
    expect(report).to.be.instanceOf(RekeyIncompleteError)
    expect((report as RekeyIncompleteError).pending.map((p) => [p.kind, p.id])).to.deep.equal([['link', broken]])
    expect((report as RekeyIncompleteError).message).to.include('unsupported box version')
    expect(album.epoch).to.equal(epoch + 1)
    const after = await sharingApi.links(alice.api, album.id)
    expect(after.filter((l) => l.id !== broken).map((l) => l.epoch)).to.deep.equal([epoch + 1, epoch + 1])
    expect((await sharingApi.members(alice.api, album.id)).members.map((m) => [m.username, m.epoch])).to.deep.equal([['bob', epoch + 1]])
    const { item } = await uploadOne(owner, album, 'after.bin')
    const working = links.find((l) => l.id !== broken)!
    expect((await openLink(working.url)).collection.items.has(item.id)).to.equal(true)
    expect((await sharedAlbum(await library(bob), 'Rekey')).items.has(item.id)).to.equal(true)

    await revokeLink(owner, { collection: album.id, id: broken })
    expect(album.epoch).to.equal(epoch + 2)
    const final = await sharingApi.links(alice.api, album.id)
    expect(final.filter((l) => l.revokedAt == null).map((l) => l.epoch)).to.deep.equal([epoch + 2, epoch + 2])
  })
})
