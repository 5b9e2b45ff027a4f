/**
 * The gateway's block routes and its HTTP hygiene: CID verification on upload, size limits, who
 * may read a block (and that a refusal carries no bytes), the trustless-gateway read path, the
 * health check, and 400s with the JSON error shape for malformed requests.
 */
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { MAX_BLOCK_BYTES } from '../../node/blocks.ts'
import { rawCid } from '../../src/format/cid.ts'
import { call, errorCode, putHeadersOnly } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { putBlock, randomBlock, rawInvite, rawSignup, type RawUser } from '../helpers/raw.ts'
import { blockFiles, blockPath } from '../helpers/store.ts'

describe('gateway blocks', function () {
  let node: TestNode
  let alice: RawUser
  let bob: RawUser

  const used = async (user: RawUser): Promise<number> => (await node.node.accounts.get(user.id))!.usedBytes

  before(async function () {
    node = await startTestNode()
    alice = await rawSignup(node.url, 'alice')
    bob = await rawSignup(node.url, 'bob', await rawInvite(node.url, alice.token))
  })

  after(async function () {
    await node?.stop()
  })

  describe('upload', function () {
    it('stores a block whose bytes hash to its CID, once, and charges it once', async function () {
      const block = await randomBlock(10_000)
      const before = await used(alice)
      const first = await call(node.url, 'PUT', `/api/v1/blocks/${block.cid}`, { token: alice.token, body: block.bytes })
      expect(first.status).to.equal(201)
      expect(first.json).to.deep.equal({ cid: block.cid.toString(), size: 10_000, stored: true })
      const again = await call(node.url, 'PUT', `/api/v1/blocks/${block.cid}`, { token: alice.token, body: block.bytes })
      expect(again.status).to.equal(200)
      expect(again.json.stored).to.equal(false)
      expect(await used(alice)).to.equal(before + 10_000)
      expect(existsSync(blockPath(node.dataDir, block.cid))).to.equal(true)
    })

    it('refuses a block whose bytes do not hash to its CID (422 CID_MISMATCH) and stores nothing', async function () {
      const claimed = await randomBlock(5_000)
      const sent = new Uint8Array(randomBytes(5_000))
      const files = await blockFiles(node.dataDir)
      const before = await used(alice)
      const res = await call(node.url, 'PUT', `/api/v1/blocks/${claimed.cid}`, { token: alice.token, body: sent })
      expect(res.status).to.equal(422)
      expect(errorCode(res)).to.equal('CID_MISMATCH')
      expect(existsSync(blockPath(node.dataDir, claimed.cid))).to.equal(false)
      expect(existsSync(blockPath(node.dataDir, await rawCid(sent)))).to.equal(false)
      expect(await blockFiles(node.dataDir)).to.deep.equal(files)
      expect(await used(alice)).to.equal(before)
      expect(await node.node.db.blocks.get(claimed.cid.toString())).to.equal(undefined)
    })

    it('refuses an oversized block (413 BLOCK_TOO_LARGE), from its declared length before the body arrives', async function () {
      const big = await randomBlock(MAX_BLOCK_BYTES + 1)
      const res = await call(node.url, 'PUT', `/api/v1/blocks/${big.cid}`, { token: alice.token, body: big.bytes })
      expect(res.status).to.equal(413)
      expect(errorCode(res)).to.equal('BLOCK_TOO_LARGE')
      expect(existsSync(blockPath(node.dataDir, big.cid))).to.equal(false)
      const early = await putHeadersOnly(node.url, `/api/v1/blocks/${big.cid}`, alice.token, 50 * 1024 * 1024)
      expect(early.status).to.equal(413)
      expect(early.json.error.code).to.equal('BLOCK_TOO_LARGE')
    })

    it('refuses a block sent without Content-Length (411), since the quota is checked from it', async function () {
      const block = await randomBlock(2_000)
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(new URL(`/api/v1/blocks/${block.cid}`, node.url), {
          method: 'PUT', headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }
        }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
        req.on('error', reject)
        req.end(block.bytes)
      })
      expect(status).to.equal(411)
      expect(existsSync(blockPath(node.dataDir, block.cid))).to.equal(false)
    })

    it('accepts a block of exactly the largest size', async function () {
      expect(await putBlock(node.url, alice.token, await randomBlock(MAX_BLOCK_BYTES))).to.equal(201)
    })

    it('refuses CIDs it does not store: v0, other hashes, other codecs, garbage (400)', async function () {
      const bytes = new Uint8Array(randomBytes(100))
      const sha256 = (await rawCid(bytes)).multihash
      const v0 = CID.createV0(sha256 as Parameters<typeof CID.createV0>[0])
      const dagPb = CID.createV1(0x70, sha256)
      const identity = CID.createV1(0x55, Digest.create(0x00, bytes.subarray(0, 20)))
      for (const cid of [v0.toString(), dagPb.toString(), identity.toString(), 'not-a-cid']) {
        const res = await call(node.url, 'PUT', `/api/v1/blocks/${cid}`, { token: alice.token, body: bytes })
        expect(res.status, cid).to.equal(400)
        expect(errorCode(res)).to.equal('INVALID_REQUEST')
      }
    })

    it('refuses uploads without a session (401)', async function () {
      const block = await randomBlock(100)
      const res = await call(node.url, 'PUT', `/api/v1/blocks/${block.cid}`, { body: block.bytes })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('UNAUTHENTICATED')
      expect(existsSync(blockPath(node.dataDir, block.cid))).to.equal(false)
    })

    it('tells a client which blocks it already has', async function () {
      const mine = await randomBlock(1_000)
      const theirs = await randomBlock(1_000)
      await putBlock(node.url, alice.token, mine)
      await putBlock(node.url, bob.token, theirs)
      const res = await call(node.url, 'POST', '/api/v1/blocks/have', {
        token: alice.token, body: { cids: [mine.cid.toString(), theirs.cid.toString(), (await randomBlock(10)).cid.toString()] }
      })
      expect(res.status).to.equal(200)
      expect(res.json).to.deep.equal({ have: [true, false, false] })
    })
  })

  describe('read', function () {
    let block: { bytes: Uint8Array, cid: CID }

    before(async function () {
      block = await randomBlock(20_000)
      expect(await putBlock(node.url, alice.token, block)).to.equal(201)
    })

    it('serves the owner its block at /ipfs/{cid}?format=raw as application/vnd.ipld.raw', async function () {
      const res = await call(node.url, 'GET', `/ipfs/${block.cid}?format=raw`, { token: alice.token })
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.equal('application/vnd.ipld.raw')
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff')
      expect(Buffer.from(res.bytes)).to.deep.equal(Buffer.from(block.bytes))
      const viaAccept = await call(node.url, 'GET', `/ipfs/${block.cid}`, { token: alice.token, headers: { accept: 'application/vnd.ipld.raw' } })
      expect(viaAccept.status).to.equal(200)
      expect(Buffer.from(viaAccept.bytes)).to.deep.equal(Buffer.from(block.bytes))
      const api = await call(node.url, 'GET', `/api/v1/blocks/${block.cid}`, { token: alice.token })
      expect(Buffer.from(api.bytes)).to.deep.equal(Buffer.from(block.bytes))
    })

    it('refuses another user 403 without any of the bytes', async function () {
      for (const path of [`/ipfs/${block.cid}?format=raw`, `/api/v1/blocks/${block.cid}`]) {
        const res = await call(node.url, 'GET', path, { token: bob.token })
        expect(res.status).to.equal(403)
        expect(errorCode(res)).to.equal('FORBIDDEN')
        expect(res.headers.get('content-type')).to.match(/^application\/json/)
        expect(res.bytes.byteLength).to.be.lessThan(500)
        expect(Buffer.from(res.bytes).includes(Buffer.from(block.bytes.subarray(0, 16)))).to.equal(false)
      }
    })

    it('refuses an anonymous reader (401 or 403) without the bytes', async function () {
      const res = await call(node.url, 'GET', `/ipfs/${block.cid}?format=raw`)
      expect([401, 403]).to.include(res.status)
      expect(res.bytes.byteLength).to.be.lessThan(500)
      expect(typeof errorCode(res)).to.equal('string')
    })

    it('refuses a reader with an invalid session token (401)', async function () {
      const res = await call(node.url, 'GET', `/ipfs/${block.cid}?format=raw`, { token: randomBytes(32).toString('base64url') })
      expect(res.status).to.equal(401)
    })

    it('answers 404 for a block it does not hold, and 406 for a non-raw format', async function () {
      const missing = await randomBlock(10)
      expect((await call(node.url, 'GET', `/ipfs/${missing.cid}?format=raw`, { token: alice.token })).status).to.equal(404)
      const car = await call(node.url, 'GET', `/ipfs/${block.cid}?format=car`, { token: alice.token })
      expect(car.status).to.equal(406)
      expect(errorCode(car)).to.equal('NOT_ACCEPTABLE')
    })
  })

  describe('HTTP hygiene', function () {
    it('answers GET /healthz with 200', async function () {
      const res = await call(node.url, 'GET', '/healthz')
      expect(res.status).to.equal(200)
      expect(res.json.ok).to.equal(true)
      expect(res.json.disk.full).to.equal(false)
    })

    it('answers malformed JSON with 400 and the JSON error shape', async function () {
      const res = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: '{"username": "alice"' })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
    })

    it('answers a JSON body sent with another content type with 400', async function () {
      const res = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: '{"username":"alice"}', headers: { 'content-type': 'text/plain' } })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
    })

    it('answers unknown fields with 400', async function () {
      const res = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'alice', admin: true } })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
      const signup = await call(node.url, 'POST', '/api/v1/blocks/have', { token: alice.token, body: { cids: [(await randomBlock(1)).cid.toString()], all: true } })
      expect(signup.status).to.equal(400)
    })

    it('answers bad base64 with 400', async function () {
      const res = await call(node.url, 'PUT', `/api/v1/collections/${'ab'.repeat(16)}/head`, {
        token: alice.token, body: { head: 'not base64!!', commit: 'AAAA' }
      })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
      const login = await call(node.url, 'POST', '/api/v1/auth/login', { body: { challengeId: 'ab'.repeat(16), signature: '%%%%' } })
      expect(login.status).to.equal(400)
      expect(errorCode(login)).to.equal('INVALID_REQUEST')
    })

    it('answers wrong types and bad ids with 400', async function () {
      const quota = await call(node.url, 'PUT', '/api/v1/admin/users/bob/quota', { token: alice.token, body: { quotaBytes: '12' } })
      expect(quota.status).to.equal(400)
      const log = await call(node.url, 'GET', '/api/v1/collections/NOT-AN-ID/log', { token: alice.token })
      expect(log.status).to.equal(400)
      const after = await call(node.url, 'GET', `/api/v1/collections/${'ab'.repeat(16)}/log?after=-1`, { token: alice.token })
      expect(after.status).to.equal(400)
      for (const res of [quota, log, after]) expect(typeof errorCode(res)).to.equal('string')
    })

    it('answers an unknown API route with a JSON 404', async function () {
      const res = await call(node.url, 'GET', '/api/v1/nothing-here', { token: alice.token })
      expect(res.status).to.equal(404)
      expect(errorCode(res)).to.equal('NOT_FOUND')
    })
  })
})
