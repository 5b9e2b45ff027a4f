/**
 * No access that outlives removal through a copy (issue 12; [Note: what uploading a block gives]
 * in node/blocks.ts). A member who uploads a copy of the blocks it read must not become their
 * owner and keep reading them after its removal, through the gateway or through S3 read URLs;
 * a user who uploaded the same bytes while nothing linked them keeps no rights once a commit of
 * someone else links them; and a direct S3 commit does not make a user an owner of a block that
 * someone else stored after its URL was signed. Run on a node with its blocks in S3 and
 * authorised direct access, so that both read paths are checked.
 */
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { deleteForGood } from '../../src/client/trash.ts'
import { newId } from '../../src/format/ids.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { headUpdate, putBlock, putHead, randomBlock, rawSignup, type RawUser } from '../helpers/raw.ts'
import { s3StorageConfig, startTestS3, type TestS3 } from '../s3/helpers.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'

type Block = Awaited<ReturnType<typeof randomBlock>>

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('base64')

describe('sharing: a copy of a block gives no access that outlives removal', function () {
  let s3: TestS3
  let node: TestNode

  before(async function () {
    s3 = await startTestS3()
    node = await startTestNode({ storage: s3StorageConfig(s3, { direct: 'authorised' }), accounts: { openSignup: true } })
  })

  after(async function () {
    await node?.stop()
    await s3?.destroy()
  })

  const used = async (id: string): Promise<number> => (await node.node.accounts.get(id))!.usedBytes
  const ipfsStatus = async (token: string, cid: string): Promise<number> =>
    (await call(node.url, 'GET', `/ipfs/${cid}?format=raw`, { token })).status
  const readUrl = async (token: string, cid: string): Promise<{ url?: string, error?: { code: string } }> =>
    (await call(node.url, 'POST', '/api/v1/s3/reads', { token, body: { cids: [cid] } })).json.blocks[0]
  /** A new collection of `user`'s that links `blocks`; returns the HTTP status. */
  const commitNew = async (user: RawUser, blocks: Block[]): Promise<number> => {
    const collection = newId()
    const update = await headUpdate({ collection, signing: user.signing, seq: 1, prev: null, prevCommit: null, links: blocks.map((b) => b.cid) })
    return (await putHead(node.url, user.token, collection, update)).status
  }

  it("refuses a member's upload of copies of the owner's blocks, and gives it neither the blocks nor S3 read URLs once removed", async function () {
    const alice = await account(node.url, 'alice')
    const bob = await account(node.url, 'bob')
    const aliceToken = alice.api.token as string
    const bobToken = bob.api.token as string
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Holiday')
    const aliceBefore = await used(alice.user.id)
    const { item } = await uploadOne(owner, album, 'beach.bin', 5_000)
    const cids = [item.manifest.toString(), ...(await node.node.db.blocks.get(item.manifest.toString()))?.links ?? []]
    expect(cids.length).to.be.greaterThan(1)
    const aliceCharged = await used(alice.user.id)
    await shareCollection(owner, album, 'bob', 'viewer')
    await sharedAlbum(await library(bob), 'Holiday')
    const bobBefore = await used(bob.user.id)

    for (const cid of cids) {
      expect(await ipfsStatus(bobToken, cid), 'a member reads').to.equal(200)
      const bytes = await bob.api.getBlock(cid)
      const res = await call(node.url, 'PUT', `/api/v1/blocks/${cid}`, { token: bobToken, body: bytes })
      expect(res.status, 'a copy through the gateway').to.equal(409)
      expect(res.json.error.code).to.equal('BLOCK_LINKED')
      const grant = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: bobToken, body: { blocks: [{ cid, size: bytes.byteLength, md5: md5(bytes) }] } })
      expect(grant.json.blocks[0], 'no URL to write over it').to.deep.equal({ cid, status: 'proxy' })
    }
    expect(await used(bob.user.id)).to.equal(bobBefore)
    for (const cid of cids) expect((await node.node.db.blocks.get(cid))?.owners).to.deep.equal([alice.user.id])

    await unshareCollection(owner, album, 'bob')
    for (const cid of cids) {
      expect(await ipfsStatus(bobToken, cid), 'a removed member').to.equal(403)
      expect(await readUrl(bobToken, cid)).to.have.nested.property('error.code', 'FORBIDDEN')
      expect(await ipfsStatus(aliceToken, cid), 'the owner').to.equal(200)
      expect(await readUrl(aliceToken, cid)).to.have.property('url')
    }
    expect(await used(alice.user.id)).to.equal(aliceCharged)

    await owner.sync()
    await deleteForGood(owner, album, [album.items.get(item.id)!])
    expect(await used(alice.user.id)).to.equal(aliceBefore)
    expect(await used(bob.user.id)).to.equal(bobBefore)
    for (const cid of cids) expect(await node.node.db.blocks.get(cid)).to.equal(undefined)
  })

  it('ends the reads of a user who uploaded the same bytes before anything linked them, once a commit of someone else links them', async function () {
    const carol = await rawSignup(node.url, 'carol')
    const dave = await rawSignup(node.url, 'dave')
    const block = await randomBlock(20_000)
    const carolBefore = await used(carol.id)
    const daveBefore = await used(dave.id)
    expect(await putBlock(node.url, carol.token, block)).to.equal(201)
    expect(await putBlock(node.url, dave.token, block), 'a second upload while nothing links it').to.equal(200)
    expect(await ipfsStatus(dave.token, block.cid.toString()), 'both uploaders read it while it waits for a commit').to.equal(200)
    expect(await used(dave.id)).to.equal(daveBefore + 20_000)

    expect(await commitNew(carol, [block])).to.equal(200)
    expect(await ipfsStatus(dave.token, block.cid.toString()), 'the second uploader, once carol linked it').to.equal(403)
    expect(await readUrl(dave.token, block.cid.toString())).to.have.nested.property('error.code', 'FORBIDDEN')
    expect(await commitNew(dave, [block]), 'nor can it link it').to.equal(403)
    expect(await ipfsStatus(carol.token, block.cid.toString())).to.equal(200)
    expect(await putBlock(node.url, dave.token, block), 'an owner sending it again').to.equal(200)
    expect(await used(carol.id)).to.equal(carolBefore + 20_000)
    expect(await used(dave.id)).to.equal(daveBefore + 20_000)
  })

  it('makes nobody an owner at a direct S3 commit of a block another user stored after its URL was signed', async function () {
    const erin = await rawSignup(node.url, 'erin')
    const frank = await rawSignup(node.url, 'frank')
    const block = await randomBlock(20_000)
    const cid = block.cid.toString()
    const frankBefore = await used(frank.id)
    const grant = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: frank.token, body: { blocks: [{ cid, size: 20_000, md5: md5(block.bytes) }] } })
    expect(grant.json.blocks[0]).to.include({ status: 'upload' })

    expect(await putBlock(node.url, erin.token, block)).to.equal(201)
    const commit = await call(node.url, 'POST', '/api/v1/s3/commit', { token: frank.token, body: { cids: [cid] } })
    expect(commit.json.blocks[0]).to.include({ ok: false, code: 'ALREADY_STORED' })
    expect(await used(frank.id)).to.equal(frankBefore)
    expect(await commitNew(erin, [block])).to.equal(200)
    expect(await ipfsStatus(frank.token, cid)).to.equal(403)
    expect(await readUrl(frank.token, cid)).to.have.nested.property('error.code', 'FORBIDDEN')
    const again = await call(node.url, 'POST', '/api/v1/s3/commit', { token: frank.token, body: { cids: [cid] } })
    expect(again.json.blocks[0], 'the reservation is gone').to.include({ ok: false, code: 'NOT_AUTHORISED' })
  })
})
