/**
 * Deleting for good in an album of another node (docs/ARCHITECTURE.md, "Federation"): Alice's
 * album lives on A; Bob (node B) and Dave (node C) are collaborators. What Bob added through B
 * he may delete for good: A drops the item and refunds Alice, who was charged for his copy
 * there, and B deletes his uploads at once and gives him his quota back. Alice's items and
 * Dave's stay out of his reach, as on one node.
 */
import { expect } from 'chai'
import { commitOps } from '../../src/client/collection.ts'
import { ApiError } from '../../src/client/errors.ts'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { deleteForGood } from '../../src/client/trash.ts'
import { decodeManifestEnvelope } from '../../src/format/manifest.ts'
import { readAll } from '../../node/blocks.ts'
import { readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from '../sharing/helpers.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { Account } from '../../src/client/session.ts'

const named = (state: CollectionState, name: string): ItemEntry | undefined => [...state.items.values()].find((i) => i.name === name)

describe('federation: a collaborator of another node deletes for good', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let a: TestNode
  let b: TestNode
  let c: TestNode
  let alice: Account
  let bob: Account
  let dave: Account

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 5 } }
    a = await startTestNode(config)
    b = await startTestNode(config)
    c = await startTestNode(config)
    alice = await account(a.url, 'alice')
    bob = await account(b.url, 'bob')
    dave = await account(c.url, 'dave')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Lisbon')
    await uploadOne(owner, album, 'alice.jpg', 40_000)
    await shareWithInvitation(owner, album, await createInvitationText(bob), 'collaborator')
    await shareWithInvitation(owner, album, await createInvitationText(dave), 'collaborator')
    const daves = await library(dave)
    await uploadOne(daves, await sharedAlbum(daves, 'Lisbon'), 'dave.jpg', 30_000)
  })

  after(async function () {
    await c?.stop()
    await b?.stop()
    await a?.stop()
  })

  it('deletes his own photo for good on the album’s node and on his own, giving back both quotas', async function () {
    const usedOnBBefore = (await b.node.accounts.get(bob.user.id))!.usedBytes
    const bobs = await library(bob)
    const { item } = await uploadOne(bobs, await sharedAlbum(bobs, 'Lisbon'), 'bob.jpg', 150_000)
    const chunks = decodeManifestEnvelope(await readAll(b.node.helia.blockstore.get(item.manifest))).links
    const usedOnA = (await a.node.accounts.get(alice.user.id))!.usedBytes
    expect(await a.node.db.blocks.get(item.manifest.toString()), 'pushed to A').to.not.equal(undefined)

    const target = await sharedAlbum(bobs, 'Lisbon')
    await deleteForGood(bobs, target, [named(target, 'bob.jpg')!])

    const owner = await library(alice)
    expect(named(owner.findAlbum('Lisbon')!, 'bob.jpg')).to.equal(undefined)
    expect(await a.node.db.blocks.get(item.manifest.toString()), 'deleted on A').to.equal(undefined)
    expect((await a.node.accounts.get(alice.user.id))!.usedBytes).to.be.at.most(usedOnA - 150_000)
    for (const cid of [item.manifest, ...chunks]) {
      expect(await b.node.db.blocks.get(cid.toString()), `${cid} deleted on B`).to.equal(undefined)
      expect(await b.node.helia.blockstore.has(cid)).to.equal(false)
    }
    expect((await b.node.accounts.get(bob.user.id))!.usedBytes).to.equal(usedOnBBefore)
    const after = await sharedAlbum(await library(bob), 'Lisbon')
    expect(named(after, 'bob.jpg')).to.equal(undefined)
  })

  it("refuses to delete the owner's photo or another member's, and both stay whole", async function () {
    for (const name of ['alice.jpg', 'dave.jpg']) {
      const bobs = await library(bob)
      const target = await sharedAlbum(bobs, 'Lisbon')
      const item = named(target, name)!
      // Past his client's own refusal (NotYourItemError): what A's node decides.
      const err = await commitOps(bob.api, target, bob.keys.signing, [{ op: 'remove', item: item.id }], { unlinks: [item.manifest] }).then(() => undefined, (e: unknown) => e)
      expect(err, name).to.be.instanceOf(ApiError)
      expect((err as ApiError).status).to.equal(403)
      expect((err as ApiError).message).to.match(/only the owner can delete other members' photos/)
      expect(await a.node.db.blocks.get(item.manifest.toString()), name).to.not.equal(undefined)
      expect(await a.node.db.links.get(`${target.id}!${item.manifest.toString()}`), name).to.equal(1)
    }
    const owner = await library(alice)
    const album = owner.findAlbum('Lisbon')!
    for (const name of ['alice.jpg', 'dave.jpg']) expect(await readItem(owner, album, named(album, name)!)).to.have.length.greaterThan(0)
  })

  it('lets a member of another node drop only the links its own commits made', async function () {
    const album = (await library(alice)).findAlbum('Lisbon')!
    const daves = named(album, 'dave.jpg')!
    const key = `${album.id}!${daves.manifest.toString()}`
    expect(await a.node.db.linkedBy.get(key)).to.equal(dave.user.signingPublicKey)
    expect(await a.node.db.linkedBy.get(`${album.id}!${named(album, 'alice.jpg')!.manifest.toString()}`)).to.equal(undefined)
  })
})
