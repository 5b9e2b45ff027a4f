/**
 * Quotas and reference counting on a real node: a block that does not fit is refused before its
 * bytes arrive, parallel uploads cannot overshoot, and deleting an item for good frees exactly
 * its blocks and gives exactly their bytes back, unless another collection still links them.
 */
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { openItem } from '../../src/client/download.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { deleteForGood, trashItems } from '../../src/client/trash.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { call, errorCode, putHeadersOnly } from '../helpers/http.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { randomBlock, rawInvite, rawSignup, type RawUser } from '../helpers/raw.ts'
import { blockBytes, blockPath } from '../helpers/store.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { CID } from 'multiformats/cid'

/** Every block of an item: its manifest and the chunks of each part. */
async function itemBlocks (library: Library, collection: CollectionState, item: ItemEntry): Promise<CID[]> {
  const opened = await openItem(library.account.api, collection, item)
  return [item.manifest, ...Object.values(opened.manifest.parts).flatMap((part) => part?.chunks.map((c) => c.cid) ?? [])]
}

describe('node quotas', function () {
  let node: TestNode
  let admin: RawUser
  let bob: RawUser
  let carol: Account

  const used = async (id: string): Promise<number> => (await node.node.accounts.get(id))!.usedBytes

  before(async function () {
    node = await startTestNode()
    admin = await rawSignup(node.url, 'admin')
    bob = await rawSignup(node.url, 'bob', await rawInvite(node.url, admin.token))
    carol = (await signup(node.url, 'carol', 'carol-password-9', { invite: await rawInvite(node.url, admin.token) })).account
  })

  after(async function () {
    await node?.stop()
  })

  it('lets only the admin set a quota', async function () {
    const byBob = await call(node.url, 'PUT', '/api/v1/admin/users/bob/quota', { token: bob.token, body: { quotaBytes: 10 ** 12 } })
    expect(byBob.status).to.equal(403)
    const res = await call(node.url, 'PUT', '/api/v1/admin/users/bob/quota', { token: admin.token, body: { quotaBytes: 300_000 } })
    expect(res.status).to.equal(200)
    expect(res.json.user).to.include({ username: 'bob', quotaBytes: 300_000, usedBytes: 0 })
    const me = await call(node.url, 'GET', '/api/v1/me', { token: bob.token })
    expect(me.json.user.quotaBytes).to.equal(300_000)
  })

  it('refuses a block that does not fit (413 QUOTA_EXCEEDED) from its declared length, before the body is sent', async function () {
    const block = await randomBlock(400_000)
    const early = await putHeadersOnly(node.url, `/api/v1/blocks/${block.cid}`, bob.token, block.bytes.byteLength)
    expect(early.status).to.equal(413)
    expect(early.json.error.code).to.equal('QUOTA_EXCEEDED')
  })

  it('refuses the same block sent in full, and stores none of it', async function () {
    const block = await randomBlock(400_000)
    const before = await blockBytes(node.dataDir)
    const res = await call(node.url, 'PUT', `/api/v1/blocks/${block.cid}`, { token: bob.token, body: block.bytes })
    expect(res.status).to.equal(413)
    expect(errorCode(res)).to.equal('QUOTA_EXCEEDED')
    expect(existsSync(blockPath(node.dataDir, block.cid))).to.equal(false)
    expect(await blockBytes(node.dataDir)).to.equal(before)
    expect(await used(bob.id)).to.equal(0)
  })

  it('never lets parallel uploads overshoot the quota', async function () {
    const blocks = await Promise.all(Array.from({ length: 8 }, async () => await randomBlock(100_000)))
    const statuses = await Promise.all(blocks.map(async (b) =>
      (await call(node.url, 'PUT', `/api/v1/blocks/${b.cid}`, { token: bob.token, body: b.bytes })).status))
    expect(statuses.filter((s) => s === 201)).to.have.length(3)
    expect(statuses.filter((s) => s === 413)).to.have.length(5)
    expect(await used(bob.id)).to.equal(300_000)
    const stored = blocks.filter((b) => existsSync(blockPath(node.dataDir, b.cid)))
    expect(stored).to.have.length(3)
  })

  it('charges every stored byte to someone', async function () {
    const users = (await call(node.url, 'GET', '/api/v1/admin/users', { token: admin.token })).json.users as Array<{ usedBytes: number }>
    expect(users.reduce((sum, u) => sum + u.usedBytes, 0)).to.equal(await blockBytes(node.dataDir))
  })

  describe('deleting for good', function () {
    let library: Library

    before(async function () {
      library = await openLibrary(carol)
    })

    it('gives back exactly the bytes of the item and deletes its block files', async function () {
      const album = await library.ensureAlbum('Temporary')
      const before = await used(carol.user.id)
      await uploadFiles(library, [bytesSource('big.bin', new Uint8Array(randomBytes(2_500_000)))], { targets: [album] })
      const item = [...album.items.values()][0]!
      const blocks = await itemBlocks(library, album, item)
      expect(blocks).to.have.length(4)
      const charged = await used(carol.user.id) - before
      let onDisk = 0
      for (const cid of blocks) onDisk += (await node.node.db.blocks.get(cid.toString()))!.size
      expect(charged).to.equal(onDisk)

      await trashItems(library, album, [item])
      expect(await used(carol.user.id)).to.equal(before + charged)
      for (const cid of blocks) expect(existsSync(blockPath(node.dataDir, cid)), 'trash keeps blocks').to.equal(true)

      await deleteForGood(library, album, [item])
      expect(await used(carol.user.id)).to.equal(before)
      for (const cid of blocks) {
        expect(existsSync(blockPath(node.dataDir, cid))).to.equal(false)
        expect(await node.node.db.blocks.get(cid.toString())).to.equal(undefined)
      }
    })

    it('keeps the blocks while another album still links the item', async function () {
      const one = await library.ensureAlbum('One')
      const two = await library.ensureAlbum('Two')
      const before = await used(carol.user.id)
      await uploadFiles(library, [bytesSource('twice.bin', new Uint8Array(randomBytes(1_200_000)))], { targets: [one, two] })
      const inOne = [...one.items.values()][0]!
      const inTwo = two.items.get(inOne.id)!
      const blocks = await itemBlocks(library, one, inOne)

      await deleteForGood(library, one, [inOne])
      for (const cid of blocks) expect(existsSync(blockPath(node.dataDir, cid))).to.equal(true)
      expect(await used(carol.user.id)).to.be.greaterThan(before)

      await deleteForGood(library, two, [inTwo])
      for (const cid of blocks) expect(existsSync(blockPath(node.dataDir, cid))).to.equal(false)
      expect(await used(carol.user.id)).to.equal(before)
    })
  })
})
