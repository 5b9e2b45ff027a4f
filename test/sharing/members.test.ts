/**
 * Sharing between users of one node, end to end through the client library: a viewer and a
 * collaborator see the album, the collaborator adds and removes its own photos under its own
 * quota, the owner changes roles and removes members, and a removal re-keys the album so that
 * nothing added afterwards opens with anything the removed member knew.
 */
import { expect } from 'chai'
import { commitOps, fileKeyOf } from '../../src/client/collection.ts'
import { openItem } from '../../src/client/download.ts'
import { ApiError, NotYourItemError, UnconfirmedShareError } from '../../src/client/errors.ts'
import { leaveCollection, listMembers, shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { deleteForGood } from '../../src/client/trash.ts'
import { sealCollectionKey, unwrapFileKey } from '../../src/crypto/wrap.ts'
import { openRecordBox } from '../../src/format/record.ts'
import { decodeCommit } from '../../src/format/commit.ts'
import { fromBase64 } from '../../src/client/encoding.ts'
import { readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'
import type { Account } from '../../src/client/session.ts'

describe('sharing: members', function () {
  let node: TestNode
  let alice: Account
  let bob: Account
  let carol: Account

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    alice = await account(node.url, 'alice')
    bob = await account(node.url, 'bob')
    carol = await account(node.url, 'carol')
  })

  after(async function () {
    await node?.stop()
  })

  it('lets a viewer open, sync and download a shared album, and marks it shared with its role', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Holidays')
    const { bytes } = await uploadOne(owner, album, 'beach.bin')
    await shareCollection(owner, album, 'bob', 'viewer')

    const viewer = await library(bob)
    const shared = viewer.findShared('Holidays')
    expect(shared?.role).to.equal('viewer')
    expect(shared?.owner.username).to.equal('alice')
    const item = [...(shared?.state.items.values() ?? [])][0]
    expect(item?.name).to.equal('beach.bin')
    expect(await readItem(viewer, shared!.state, item!)).to.deep.equal(bytes)
    expect(viewer.albums().map((a) => a.name)).to.not.include('Holidays')
    expect(viewer.timeline().map((r) => r.item.name)).to.not.include('beach.bin')
  })

  it('lets a collaborator add its own photos under its own quota, and remove only its own', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Together')
    const { item: alicesItem } = await uploadOne(owner, album, 'alice.bin')
    await shareCollection(owner, album, 'carol', 'collaborator')

    const collab = await library(carol)
    const shared = await sharedAlbum(collab, 'Together')
    const beforeQuota = (await node.node.accounts.get(carol.user.id))!.usedBytes
    const aliceBefore = (await node.node.accounts.get(alice.user.id))!.usedBytes
    const { item: carolsItem, bytes } = await uploadOne(collab, shared, 'carol.bin', 20_000)
    expect((await node.node.accounts.get(carol.user.id))!.usedBytes).to.be.greaterThan(beforeQuota + 20_000)
    expect((await node.node.accounts.get(alice.user.id))!.usedBytes).to.equal(aliceBefore)

    await owner.sync()
    const seen = owner.resolve('Together')
    expect([...seen.items.values()].map((i) => i.name).sort()).to.deep.equal(['alice.bin', 'carol.bin'])
    expect(await readItem(owner, seen, seen.items.get(carolsItem.id)!)).to.deep.equal(bytes)

    // Removing the owner's photo: the client says it is not the collaborator's to remove…
    let refusal: unknown
    try {
      await deleteForGood(collab, shared, [shared.items.get(alicesItem.id)!])
    } catch (err) {
      refusal = err
    }
    expect(refusal).to.be.instanceOf(NotYourItemError)
    // …and a client that skips that check is refused by the node, which keeps the owner's blocks.
    let nodeRefusal: unknown
    try {
      await commitOps(carol.api, shared, carol.keys.signing, [{ op: 'remove', item: alicesItem.id }], {
        unlinks: [alicesItem.manifest], keyFor: collab.keyFor(shared)
      })
    } catch (err) {
      nodeRefusal = err
    }
    expect(nodeRefusal).to.be.instanceOf(ApiError)
    expect((nodeRefusal as ApiError).status).to.equal(403)

    await deleteForGood(collab, shared, [shared.items.get(carolsItem.id)!])
    expect((await node.node.accounts.get(carol.user.id))!.usedBytes).to.equal(beforeQuota)
    await owner.sync()
    expect([...owner.resolve('Together').items.values()].map((i) => i.name)).to.deep.equal(['alice.bin'])
  })

  it('changes roles: a viewer made collaborator can add, a collaborator made viewer cannot', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Roles')
    await shareCollection(owner, album, 'bob', 'viewer')
    const viewer = await library(bob)
    const asViewer = await sharedAlbum(viewer, 'Roles')
    let refusal: unknown
    try {
      await uploadOne(viewer, asViewer, 'nope.bin')
    } catch (err) {
      refusal = err
    }
    expect((refusal as ApiError).status).to.equal(403)

    await shareCollection(owner, album, 'bob', 'collaborator')
    const promoted = await library(bob)
    expect(promoted.findShared('Roles')?.role).to.equal('collaborator')
    await uploadOne(promoted, promoted.findShared('Roles')!.state, 'yes.bin')

    await shareCollection(owner, album, 'bob', 'viewer')
    const demoted = await library(bob)
    expect(demoted.findShared('Roles')?.role).to.equal('viewer')
    const members = await listMembers(alice, owner.resolve('Roles'))
    expect(members.map((m) => [m.username, m.role, m.confirmed])).to.deep.equal([['bob', 'viewer', true]])
  })

  it('re-keys on removal: the removed member is refused, and nothing added later opens with its keys', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Rekeyed')
    await uploadOne(owner, album, 'before.bin')
    await shareCollection(owner, album, 'bob', 'viewer')
    await shareCollection(owner, album, 'carol', 'viewer')
    const removed = await library(bob)
    const bobsView = await sharedAlbum(removed, 'Rekeyed')
    const bobKnew = [...bobsView.keys.values()]
    const oldItem = [...bobsView.items.values()][0]!

    await unshareCollection(owner, album, 'bob')
    expect(album.epoch).to.equal(1)
    const { item: after, bytes } = await uploadOne(owner, album, 'after.bin')
    expect(after.epoch).to.equal(1)

    // Bob: refused by the node, and gone from his shared list.
    const again = await library(bob)
    expect(again.findShared('Rekeyed')).to.equal(undefined)
    const refused = await bob.api.log(album.id, 0, 10).catch((err: unknown) => err)
    expect((refused as ApiError).status).to.equal(403)
    const block = await bob.api.getBlock(oldItem.manifest.toString()).catch((err: unknown) => err)
    expect((block as ApiError).status).to.equal(403)

    // Even with the ciphertext (a curious node could hand it over), bob's keys open nothing new.
    const page = await alice.api.log(album.id, 0, 1000)
    const newer = page.commits.map((c) => decodeCommit(fromBase64(c.bytes))).flatMap((c) => c.records).filter((r) => (r.epoch ?? 0) >= 1)
    expect(newer.length).to.be.greaterThan(0)
    for (const record of newer) {
      for (const key of bobKnew) expect(() => openRecordBox(key, album.id, record)).to.throw()
    }
    for (const key of bobKnew) expect(() => unwrapFileKey(key, after.id, after.fileKeyBox)).to.throw()

    // Carol stays: she gets the new key and reads both the old and the new item.
    const stays = await library(carol)
    const carolsView = await sharedAlbum(stays, 'Rekeyed')
    expect(carolsView.epoch).to.equal(1)
    expect([...carolsView.items.values()].map((i) => i.name).sort()).to.deep.equal(['after.bin', 'before.bin'])
    expect(await readItem(stays, carolsView, carolsView.items.get(after.id)!)).to.deep.equal(bytes)
    expect(fileKeyOf(carolsView, carolsView.items.get(oldItem.id)!)).to.have.length(32)
    await openItem(carol.api, carolsView, carolsView.items.get(oldItem.id)!)
  })

  it('rejects a share the node lists but the owner\'s log does not confirm', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Unconfirmed')
    // The node's table says bob is a member, but no owner-signed member op says so.
    const res = await alice.api.request('PUT', `/api/v1/collections/${album.id}/members/bob`, {
      role: 'collaborator', epoch: 0, sealedKey: Buffer.from(sealCollectionKey(bob.keys.box.publicKey, album.key)).toString('base64')
    })
    expect(res.status).to.equal(200)
    const viewer = await library(bob)
    expect(viewer.findShared('Unconfirmed')).to.equal(undefined)
    expect(viewer.sharedErrors.get(album.id)).to.be.instanceOf(UnconfirmedShareError)
  })

  it('lets a member leave; the owner re-keys at its next sharing action', async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Leaving')
    await shareCollection(owner, album, 'bob', 'viewer')
    const member = await library(bob)
    const shared = member.findShared('Leaving')!
    await leaveCollection(bob, shared)
    expect((await library(bob)).findShared('Leaving')).to.equal(undefined)
    await shareCollection(owner, album, 'carol', 'viewer')
    expect(album.epoch).to.equal(1)
    expect([...album.members.values()].map((m) => m.label)).to.deep.equal(['carol'])
  })
})
