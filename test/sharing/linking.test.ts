/**
 * Who may link which block (issue 12, item 4; [Note: who may link which block] in
 * node/sharing.ts). Linking a block into a collection lets that collection's readers read it and
 * keeps it alive, so a member must not link the owner's blocks into a collection of its own:
 * removal would not end its access and the owner's delete would free nothing. The flows that
 * must keep working: adding one's own uploads to more albums, and an owner adding a
 * collaborator's upload in its album to another of its own albums.
 */
import { expect } from 'chai'
import { ApiError } from '../../src/client/errors.ts'
import { addItemsTo } from '../../src/client/items.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { deleteForGood } from '../../src/client/trash.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'
import type { Account } from '../../src/client/session.ts'

describe('sharing: who may link which block', function () {
  let node: TestNode
  let alice: Account
  let bob: Account

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    alice = await account(node.url, 'alice')
    bob = await account(node.url, 'bob')
  })

  after(async function () {
    await node?.stop()
  })

  const blocksOf = async (manifest: string): Promise<string[]> => [manifest, ...(await node.node.db.blocks.get(manifest))?.links ?? []]
  const statusFor = async (who: Account, cid: string): Promise<number> =>
    (await call(node.url, 'GET', `/api/v1/blocks/${cid}`, { token: who.api.token })).status
  const refusal = async (promise: Promise<unknown>): Promise<ApiError> => {
    try {
      await promise
    } catch (err) {
      if (err instanceof ApiError) return err
      throw err
    }
    throw new Error('expected a refusal')
  }

  it("refuses a member linking the owner's blocks into a collection of its own, and its upload of a copy of them", async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Pinned')
    const { item } = await uploadOne(owner, album, 'owners.bin', 5_000)
    await shareCollection(owner, album, 'bob', 'viewer')
    const viewer = await library(bob)
    const shared = await sharedAlbum(viewer, 'Pinned')
    const mine = await viewer.ensureAlbum('Mine')
    const sharedItem = shared.items.get(item.id)!

    expect((await refusal(addItemsTo(viewer, shared, [sharedItem], mine))).status).to.equal(403)
    for (const cid of await blocksOf(item.manifest.toString())) {
      expect((await refusal(bob.api.putBlock(cid, await bob.api.getBlock(cid)))).code).to.equal('BLOCK_LINKED')
    }
    expect((await refusal(addItemsTo(viewer, shared, [sharedItem], mine))).status).to.equal(403)
  })

  it("ends a removed member's reads of the owner's blocks, and the owner's delete gives back its bytes", async function () {
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Removal')
    const before = (await alice.api.me()).usedBytes
    const { item } = await uploadOne(owner, album, 'kept.bin', 5_000)
    await shareCollection(owner, album, 'bob', 'viewer')
    const viewer = await library(bob)
    const shared = await sharedAlbum(viewer, 'Removal')
    const mine = await viewer.ensureAlbum('Kept')
    await addItemsTo(viewer, shared, [shared.items.get(item.id)!], mine).catch(() => {})
    const cids = await blocksOf(item.manifest.toString())
    for (const cid of cids) expect(await statusFor(bob, cid)).to.equal(200)

    await unshareCollection(owner, album, 'bob')
    for (const cid of cids) expect(await statusFor(bob, cid)).to.equal(403)
    await owner.sync()
    await deleteForGood(owner, album, [album.items.get(item.id)!])
    expect((await alice.api.me()).usedBytes).to.equal(before)
    for (const cid of cids) expect(await node.node.db.blocks.get(cid)).to.equal(undefined)
  })

  it("lets a user add its own uploads to more albums, and an owner add a collaborator's upload in its album to another of its own", async function () {
    const owner = await library(alice)
    const shared = await owner.ensureAlbum('Shared work')
    const other = await owner.ensureAlbum('Owner only')
    await shareCollection(owner, shared, 'bob', 'collaborator')
    const collaborator = await library(bob)
    const bobsView = await sharedAlbum(collaborator, 'Shared work')
    const bobsOwn = await collaborator.ensureAlbum('Bob first')
    const { item: bobsItem } = await uploadOne(collaborator, bobsOwn, 'bob.bin')
    expect(await addItemsTo(collaborator, bobsOwn, [bobsItem], bobsView)).to.equal(1)

    await owner.sync()
    const inShared = shared.items.get(bobsItem.id)!
    expect(await addItemsTo(owner, shared, [inShared], other)).to.equal(1)
    const { item: alicesItem } = await uploadOne(owner, shared, 'alice.bin')
    expect(await addItemsTo(owner, shared, [alicesItem], other)).to.equal(1)
  })
})
