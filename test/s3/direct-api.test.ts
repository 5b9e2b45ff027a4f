/**
 * The direct S3 routes against a real node and a real local S3 server: which blocks get an upload
 * URL, quota checked before anything is signed, nothing charged before a commit, commits that
 * check the bucket, read URLs only for blocks the caller may read — and the store refusing a
 * presigned URL used after expiry, on another key, with another method, with a tampered
 * signature, or with a body of another length or checksum — and a committed block that no URL
 * can replace. Runs against s3rver or radosgw (OBSCURA_TEST_S3, see ./helpers.ts).
 */
import { createHash, randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { rawCid } from '../../src/format/cid.ts'
import { readAll } from '../../node/blocks.ts'
import { DirectS3 } from '../../node/direct-s3.ts'
import { S3Blockstore } from '../../node/storage/s3.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { s3StorageConfig, startTestS3, TEST_STORE, type TestS3 } from './helpers.ts'

interface Block { cid: CID, bytes: Uint8Array }

async function newBlock (size = 4096): Promise<Block> {
  const bytes = new Uint8Array(randomBytes(size))
  return { cid: await rawCid(bytes), bytes }
}

function md5 (bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64')
}

async function put (url: string, body: Uint8Array, headers: Record<string, string>, method = 'PUT'): Promise<{ status: number, text: string }> {
  const res = await fetch(url, { method, body: body as Uint8Array<ArrayBuffer>, headers })
  return { status: res.status, text: await res.text() }
}

describe('direct S3 routes', function () {
  let s3: TestS3
  let node: TestNode
  let alice: Account
  let bob: Account
  let store: S3Blockstore

  const token = (account: Account): string => account.api.token as string
  const uploads = async (account: Account, blocks: Block[]) =>
    call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(account), body: { blocks: blocks.map((b) => ({ cid: b.cid.toString(), size: b.bytes.byteLength, md5: md5(b.bytes) })) } })
  const commit = async (account: Account, blocks: Block[]) =>
    call(node.url, 'POST', '/api/v1/s3/commit', { token: token(account), body: { cids: blocks.map((b) => b.cid.toString()) } })
  const used = async (account: Account): Promise<number> => (await node.node.accounts.get(account.user.id))!.usedBytes

  /** Authorises, PUTs and commits one block as `account`. */
  async function storeDirect (account: Account, block: Block): Promise<void> {
    const grant = (await uploads(account, [block])).json.blocks[0]
    expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
    expect((await commit(account, [block])).json.blocks[0]).to.include({ ok: true })
  }

  before(async function () {
    s3 = await startTestS3()
    node = await startTestNode({ storage: s3StorageConfig(s3, { direct: 'authorised' }), accounts: { openSignup: true } })
    alice = (await signup(node.url, 'alice', 'alice-password-1')).account
    bob = (await signup(node.url, 'bob', 'bob-password-1')).account
    store = node.node.direct!.store
  })

  after(async function () {
    await node?.stop()
    await s3?.destroy()
  })

  describe('GET /api/v1/s3/config', function () {
    it('tells anyone which direct mode the node offers', async function () {
      const res = await call(node.url, 'GET', '/api/v1/s3/config')
      expect(res.status).to.equal(200)
      expect(res.json).to.deep.equal({ direct: 'authorised', urlExpirySeconds: 300, maxBatch: 1000 })
    })

    it('says "off" on a node that keeps blocks on its disk, and refuses the other routes', async function () {
      const local = await startTestNode()
      try {
        expect((await call(local.url, 'GET', '/api/v1/s3/config')).json).to.deep.equal({ direct: 'off' })
        const someone = (await signup(local.url, 'carol', 'carol-password-1')).account
        const res = await call(local.url, 'POST', '/api/v1/s3/uploads', { token: token(someone), body: { blocks: [{ cid: (await newBlock()).cid.toString(), size: 10, md5: md5(new Uint8Array(10)) }] } })
        expect(res.status).to.equal(409)
        expect(errorCode(res)).to.equal('DIRECT_S3_DISABLED')
      } finally {
        await local.stop()
      }
    })
  })

  describe('uploads', function () {
    it('needs a session', async function () {
      const res = await call(node.url, 'POST', '/api/v1/s3/uploads', { body: { blocks: [{ cid: (await newBlock()).cid.toString(), size: 1 }] } })
      expect(res.status).to.equal(401)
    })

    it('refuses malformed batches: a bad CID, a size above the block limit, more than 1000 blocks', async function () {
      const bad = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(alice), body: { blocks: [{ cid: 'not-a-cid', size: 1 }] } })
      expect(errorCode(bad)).to.equal('INVALID_REQUEST')
      const huge = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(alice), body: { blocks: [{ cid: (await newBlock()).cid.toString(), size: 2 * 1024 * 1024 }] } })
      expect(huge.status).to.equal(400)
      const cid = (await newBlock()).cid.toString()
      const many = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(alice), body: { blocks: Array.from({ length: 1001 }, () => ({ cid, size: 1 })) } })
      expect(many.status).to.equal(400)
    })

    it('returns a short-lived PUT URL with content-length, content-md5, x-amz-checksum-sha256 (and if-none-match where the store honours it) signed as headers', async function () {
      const block = await newBlock()
      const res = await uploads(alice, [block])
      expect(res.status).to.equal(200)
      const grant = res.json.blocks[0]
      expect(grant.status).to.equal('upload')
      const conditional = node.node.direct!.checks.conditionalWrites
      expect(conditional).to.equal(TEST_STORE === 'radosgw') // s3rver ignores If-None-Match on PUT
      expect(grant.headers).to.deep.equal({
        'content-md5': md5(block.bytes),
        'x-amz-checksum-sha256': Buffer.from(block.cid.multihash.digest).toString('base64'),
        ...(conditional ? { 'if-none-match': '*' } : {})
      })
      const url = new URL(grant.url)
      expect(url.searchParams.get('X-Amz-SignedHeaders')).to.equal(`content-length;content-md5;host;${conditional ? 'if-none-match;' : ''}x-amz-checksum-sha256`)
      expect(url.searchParams.get('X-Amz-Expires')).to.equal('300')
      expect(res.json.expiresAt - Date.now()).to.be.within(290_000, 300_000)
    })

    it('charges nothing before the commit, and exactly the block size after it, once', async function () {
      const block = await newBlock(10_000)
      const before = await used(alice)
      const grant = (await uploads(alice, [block])).json.blocks[0]
      expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
      expect(await used(alice)).to.equal(before)
      expect(await node.node.db.blocks.get(block.cid.toString())).to.equal(undefined)
      const first = await commit(alice, [block])
      expect(first.json.blocks).to.deep.equal([{ cid: block.cid.toString(), ok: true, stored: true }])
      expect(await used(alice)).to.equal(before + 10_000)
      const again = await commit(alice, [block])
      expect(again.json.blocks).to.deep.equal([{ cid: block.cid.toString(), ok: true, stored: false }])
      expect(await used(alice)).to.equal(before + 10_000)
    })

    it('gives no URL for a block the user already holds, and sends another user\'s block through the gateway', async function () {
      const block = await newBlock()
      await storeDirect(alice, block)
      expect((await uploads(alice, [block])).json.blocks).to.deep.equal([{ cid: block.cid.toString(), status: 'present' }])
      expect((await uploads(bob, [block])).json.blocks).to.deep.equal([{ cid: block.cid.toString(), status: 'proxy' }])
    })

    it('checks an upload at commit with one HEAD, without reading the block back', async function () {
      const block = await newBlock(100_000)
      const grant = (await uploads(alice, [block])).json.blocks[0]
      expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
      const traffic = { ...store.bucket.traffic }
      expect((await commit(alice, [block])).json.blocks[0]).to.include({ ok: true, stored: true })
      expect(store.bucket.traffic.receivedBytes - traffic.receivedBytes).to.equal(0)
      expect(store.bucket.traffic.requests - traffic.requests).to.equal(1)
    })

    it('refuses a request whose md5 is not a base64 MD5, or differs for the same block', async function () {
      const block = await newBlock()
      const bad = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(alice), body: { blocks: [{ cid: block.cid.toString(), size: 4096, md5: 'abc' }] } })
      expect(bad.status).to.equal(400)
      const missing = await call(node.url, 'POST', '/api/v1/s3/uploads', { token: token(alice), body: { blocks: [{ cid: block.cid.toString(), size: 4096 }] } })
      expect(missing.status).to.equal(400)
      const twice = await call(node.url, 'POST', '/api/v1/s3/uploads', {
        token: token(alice),
        body: { blocks: [{ cid: block.cid.toString(), size: 4096, md5: md5(block.bytes) }, { cid: block.cid.toString(), size: 4096, md5: md5(new Uint8Array(4)) }] }
      })
      expect(twice.status).to.equal(400)
    })

    it('refuses to commit a block that was never authorised, or is not in the bucket', async function () {
      const never = await newBlock()
      await store.put(never.cid, never.bytes) // in the bucket, but nobody asked
      expect((await commit(bob, [never])).json.blocks[0]).to.include({ ok: false, code: 'NOT_AUTHORISED' })
      const missing = await newBlock()
      await uploads(bob, [missing])
      expect((await commit(bob, [missing])).json.blocks[0]).to.include({ ok: false, code: 'BLOCK_MISSING' })
      expect(await node.node.db.blocks.get(missing.cid.toString())).to.equal(undefined)
    })

    it('keeps other bytes of the right length out: the store refuses them (Content-MD5) or the commit finds them (ETag), deletes them and charges nothing', async function () {
      const block = await newBlock(5000)
      const before = await used(bob)
      const grant = (await uploads(bob, [block])).json.blocks[0]
      const status = (await put(grant.url, new Uint8Array(randomBytes(5000)), grant.headers)).status
      // s3rver checks neither Content-MD5 nor the SHA-256 checksum; radosgw answers 400 BadDigest.
      expect(status).to.equal(TEST_STORE === 's3rver' ? 200 : 400)
      expect((await commit(bob, [block])).json.blocks[0]).to.include({ ok: false, code: TEST_STORE === 's3rver' ? 'CID_MISMATCH' : 'BLOCK_MISSING' })
      expect(await store.has(block.cid)).to.equal(false)
      expect(await used(bob)).to.equal(before)
      expect(await node.node.db.blocks.get(block.cid.toString())).to.equal(undefined)
    })
  })

  describe('quota', function () {
    let carol: Account

    before(async function () {
      carol = (await signup(node.url, 'carol', 'carol-password-1')).account
      await alice.api.setQuota('carol', 10_000)
    })

    it('refuses a batch larger than the remaining quota before signing any URL', async function () {
      const signedBefore = node.node.direct!.signedUrls
      const res = await uploads(carol, [await newBlock(6000), await newBlock(6000)])
      expect(res.status).to.equal(413)
      expect(errorCode(res)).to.equal('QUOTA_EXCEEDED')
      expect(res.json.blocks).to.equal(undefined)
      expect(node.node.direct!.signedUrls).to.equal(signedBefore)
      const reservations: string[] = []
      for await (const key of node.node.db.s3Uploads.keys()) if (key.startsWith(carol.user.id)) reservations.push(key)
      expect(reservations).to.deep.equal([])
    })

    it('counts URLs signed and not yet committed, so repeated batches cannot overshoot', async function () {
      const first = await newBlock(6000)
      expect((await uploads(carol, [first])).status).to.equal(200)
      const second = await uploads(carol, [await newBlock(6000)])
      expect(errorCode(second)).to.equal('QUOTA_EXCEEDED')
      expect((await uploads(carol, [first])).status).to.equal(200) // asking again for the same block is fine
    })
  })

  describe('reads', function () {
    let block: Block

    before(async function () {
      block = await newBlock(3000)
      await storeDirect(alice, block)
    })

    it('gives the owner a short-lived GET URL that returns the block', async function () {
      const res = await call(node.url, 'POST', '/api/v1/s3/reads', { token: token(alice), body: { cids: [block.cid.toString()] } })
      const grant = res.json.blocks[0]
      expect(new URL(grant.url).searchParams.get('X-Amz-Expires')).to.equal('300')
      const got = await fetch(grant.url)
      expect(got.status).to.equal(200)
      expect(new Uint8Array(await got.arrayBuffer())).to.deep.equal(block.bytes)
    })

    it('gives a user without rights no URL, only the reason', async function () {
      const signedBefore = node.node.direct!.signedUrls
      const res = await call(node.url, 'POST', '/api/v1/s3/reads', { token: token(bob), body: { cids: [block.cid.toString()] } })
      expect(res.json.blocks).to.deep.equal([{ cid: block.cid.toString(), error: { code: 'FORBIDDEN', message: `You have no grant to read block ${block.cid}` } }])
      const anonymous = await call(node.url, 'POST', '/api/v1/s3/reads', { body: { cids: [block.cid.toString()] } })
      expect(anonymous.json.blocks[0].error.code).to.equal('FORBIDDEN')
      expect(anonymous.json.blocks[0].url).to.equal(undefined)
      const unknown = await newBlock()
      const missing = await call(node.url, 'POST', '/api/v1/s3/reads', { token: token(alice), body: { cids: [unknown.cid.toString()] } })
      expect(missing.json.blocks[0].error.code).to.equal('NOT_FOUND')
      expect(node.node.direct!.signedUrls).to.equal(signedBefore)
    })
  })

  describe('the store refuses a presigned URL used otherwise than signed', function () {
    let block: Block
    let grant: { url: string, headers: Record<string, string> }

    beforeEach(async function () {
      block = await newBlock(8192)
      grant = (await uploads(bob, [block])).json.blocks[0]
    })

    afterEach(async function () {
      expect(await store.has(block.cid)).to.equal(false)
    })

    it('after expiry', async function () {
      const expired = store.bucket.presign('PUT', store.keyOf(block.cid), { expiresSeconds: 60, headers: grant.headers, now: new Date(Date.now() - 120_000) })
      const res = await put(expired, block.bytes, grant.headers)
      expect(res.status).to.equal(403)
      expect(res.text).to.match(TEST_STORE === 's3rver' ? /Request has expired/ : /AccessDenied/)
    })

    it('on another key', async function () {
      const other = await newBlock(8192)
      const url = grant.url.replace(block.cid.toString(), other.cid.toString())
      const res = await put(url, other.bytes, grant.headers)
      expect(res.status).to.equal(403)
      expect(res.text).to.include('SignatureDoesNotMatch')
      expect(await store.has(other.cid)).to.equal(false)
    })

    it('with another method', async function () {
      await store.put(block.cid, block.bytes)
      const asGet = await fetch(grant.url)
      expect(asGet.status).to.equal(403)
      const asDelete = await fetch(grant.url, { method: 'DELETE' })
      expect(asDelete.status).to.equal(403)
      expect(await store.has(block.cid)).to.equal(true)
      await store.delete(block.cid)
    })

    it('with a tampered signature', async function () {
      const url = new URL(grant.url)
      const signature = url.searchParams.get('X-Amz-Signature') as string
      url.searchParams.set('X-Amz-Signature', (signature[0] === '0' ? '1' : '0') + signature.slice(1))
      const res = await put(url.toString(), block.bytes, grant.headers)
      expect(res.status).to.equal(403)
      expect(res.text).to.include('SignatureDoesNotMatch')
    })

    it('with a body of another length', async function () {
      const longer = new Uint8Array(8193)
      longer.set(block.bytes)
      expect((await put(grant.url, longer, grant.headers)).status).to.equal(403)
      expect((await put(grant.url, block.bytes.subarray(1), grant.headers)).status).to.equal(403)
    })

    it('with another checksum or MD5, or none', async function () {
      const other = Buffer.alloc(32, 7).toString('base64')
      expect((await put(grant.url, block.bytes, { ...grant.headers, 'x-amz-checksum-sha256': other })).status).to.equal(403)
      expect((await put(grant.url, block.bytes, { ...grant.headers, 'content-md5': md5(new Uint8Array(3)) })).status).to.equal(403)
      expect((await put(grant.url, block.bytes, {})).status).to.equal(403)
    })

    it('to replace the block once committed, with other bytes of the same length (stores that check Content-MD5 or If-None-Match)', async function () {
      expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
      expect((await commit(bob, [block])).json.blocks[0]).to.include({ ok: true })
      const other = new Uint8Array(randomBytes(8192))
      const again = await put(grant.url, other, grant.headers)
      const checks = node.node.direct!.checks
      if (checks.contentMd5 || checks.conditionalWrites) {
        expect(again.status).to.be.oneOf([400, 412])
        expect(Buffer.compare(await readAll(store.get(block.cid)), block.bytes)).to.equal(0)
      } else {
        // s3rver checks neither: the block is replaced, and only readers' CID check would notice.
        expect(again.status).to.equal(200)
      }
      expect((await uploads(bob, [block])).json.blocks).to.deep.equal([{ cid: block.cid.toString(), status: 'present' }])
      await store.delete(block.cid)
    })

    it('(and accepts the exact request it was signed for)', async function () {
      expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
      expect(await store.has(block.cid)).to.equal(true)
      await store.delete(block.cid)
    })
  })

  describe('sweeping abandoned uploads', function () {
    it('deletes what an expired, uncommitted upload left in the bucket, and keeps committed blocks', async function () {
      const abandoned = await newBlock()
      const committed = await newBlock()
      for (const block of [abandoned, committed]) {
        const grant = (await uploads(bob, [block])).json.blocks[0]
        expect((await put(grant.url, block.bytes, grant.headers)).status).to.equal(200)
      }
      await commit(bob, [committed])
      const direct = node.node.direct!
      const later = new DirectS3({
        mode: 'authorised',
        store,
        db: node.node.db,
        blocks: node.node.blocks,
        accounts: node.node.accounts,
        urlExpirySeconds: 300,
        verifyUploads: 'auto',
        now: () => Date.now() + 3_600_000
      })
      expect(await direct.sweep()).to.include({ deleted: 0 })
      const swept = await later.sweep()
      expect(swept.deleted).to.be.at.least(1)
      expect(await store.has(abandoned.cid)).to.equal(false)
      expect(await store.has(committed.cid)).to.equal(true)
      expect((await commit(bob, [abandoned])).json.blocks[0]).to.include({ ok: false, code: 'NOT_AUTHORISED' })
    })
  })
})
