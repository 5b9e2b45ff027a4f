/**
 * A member of another node cannot turn its node's cache into blocks of its own (issue 12;
 * [Note: what uploading a block gives] in node/blocks.ts). Bob on node B reads Alice's album of
 * node A through B, which caches its blocks; uploading copies of them to B is refused, so once
 * Bob is removed B gives him none of them. B keeps its blocks in S3 with direct access, so the
 * bucket path is checked too: no upload URL for a cached block.
 */
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { unshareCollection } from '../../src/client/sharing.ts'
import { readItem } from '../helpers/client.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { s3StorageConfig, startTestS3, type TestS3 } from '../s3/helpers.ts'
import { account, library, sharedAlbum, uploadOne } from '../sharing/helpers.ts'

describe('federation: copies of a mirrored block', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let s3: TestS3
  let a: TestNode
  let b: TestNode

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 3 } }
    s3 = await startTestS3()
    a = await startTestNode(config)
    b = await startTestNode({ ...config, storage: s3StorageConfig(s3, { direct: 'authorised' }) })
  })

  after(async function () {
    await b?.stop()
    await a?.stop()
    await s3?.destroy()
  })

  it("refuses a member's upload to its own node of copies of the blocks that node caches for it, and serves it none once removed", async function () {
    const alice = await account(a.url, 'alice')
    const bob = await account(b.url, 'bob')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Lake')
    const { item, bytes } = await uploadOne(owner, album, 'shore.bin', 20_000)
    await shareWithInvitation(owner, album, await createInvitationText(bob), 'viewer')
    const bobs = await library(bob)
    const shared = await sharedAlbum(bobs, 'Lake')
    expect(await readItem(bobs, shared, shared.items.get(item.id)!)).to.deep.equal(bytes)

    const cids = [item.manifest.toString(), ...(await a.node.db.blocks.get(item.manifest.toString()))?.links ?? []]
    const bobToken = bob.api.token as string
    const usedBefore = (await b.node.accounts.get(bob.user.id))!.usedBytes
    for (const cid of cids) {
      const got = await call(b.url, 'GET', `/ipfs/${cid}?format=raw`, { token: bobToken })
      expect(got.status, 'a member reads through its node').to.equal(200)
      const put = await call(b.url, 'PUT', `/api/v1/blocks/${cid}`, { token: bobToken, body: got.bytes })
      expect([put.status, put.json.error?.code], 'a copy of a cached block').to.deep.equal([409, 'BLOCK_LINKED'])
      expect(await b.node.db.blocks.get(cid)).to.equal(undefined)
      const md5 = createHash('md5').update(got.bytes).digest('base64')
      const grant = await call(b.url, 'POST', '/api/v1/s3/uploads', { token: bobToken, body: { blocks: [{ cid, size: got.bytes.byteLength, md5 }] } })
      expect(grant.json.blocks[0], 'no URL to write over the cached copy').to.deep.equal({ cid, status: 'proxy' })
    }
    expect((await b.node.accounts.get(bob.user.id))!.usedBytes).to.equal(usedBefore)

    await unshareCollection(owner, album, `bob@${b.node.identity().peerId}`)
    for (const cid of cids) {
      const status = (await call(b.url, 'GET', `/ipfs/${cid}?format=raw`, { token: bobToken })).status
      expect(status, 'once removed').to.be.oneOf([403, 404])
    }
  })
})
