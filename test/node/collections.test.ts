/**
 * Collection heads on a real node: compare-and-swap (seq + 1 naming the current head), forged
 * and foreign heads, links to blocks the writer cannot read, and the log a client syncs from.
 */
import { expect } from 'chai'
import { encodeCanonical } from '../../src/format/cbor.ts'
import { cborCid } from '../../src/format/cid.ts'
import { decodeHead } from '../../src/format/head.ts'
import { newId } from '../../src/format/ids.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { headUpdate, putBlock, putHead, randomBlock, rawInvite, rawSignup, type HeadUpdate, type RawUser } from '../helpers/raw.ts'

describe('node collections', function () {
  let node: TestNode
  let alice: RawUser
  let bob: RawUser
  /** Alice's collection, with its current head and commit. */
  const id = newId()
  let current: HeadUpdate

  before(async function () {
    node = await startTestNode()
    alice = await rawSignup(node.url, 'alice')
    bob = await rawSignup(node.url, 'bob', await rawInvite(node.url, alice.token))
  })

  after(async function () {
    await node?.stop()
  })

  /** Alice's next correct update on top of `current`. */
  const next = async (seq: number, extra: { links?: HeadUpdate['commitCid'][], unlinks?: HeadUpdate['commitCid'][] } = {}): Promise<HeadUpdate> =>
    await headUpdate({ collection: id, signing: alice.signing, seq, prev: current.headCid, prevCommit: current.commitCid, ...extra })

  describe('compare-and-swap', function () {
    it('accepts a first head (seq 1, no prev), then seq + 1 naming the current head', async function () {
      current = await headUpdate({ collection: id, signing: alice.signing, seq: 1, prev: null, prevCommit: null })
      const first = await putHead(node.url, alice.token, id, current)
      expect(first.status).to.equal(200)
      expect(first.json).to.include({ id, seq: 1, headCid: current.headCid.toString() })
      const second = await next(2)
      expect((await putHead(node.url, alice.token, id, second)).status).to.equal(200)
      current = second
    })

    it('refuses a head whose seq is not current + 1 (409 STALE_HEAD)', async function () {
      const ahead = await next(4)
      const res = await putHead(node.url, alice.token, id, ahead)
      expect(res.status).to.equal(409)
      expect(errorCode(res)).to.equal('STALE_HEAD')
      const replayFirst = await headUpdate({ collection: id, signing: alice.signing, seq: 1, prev: null, prevCommit: null })
      const replay = await putHead(node.url, alice.token, id, replayFirst)
      expect(replay.status).to.equal(409)
      expect(errorCode(replay)).to.equal('STALE_HEAD')
    })

    it('refuses a head whose prev is not the current head (409 STALE_HEAD)', async function () {
      const wrongPrev = await headUpdate({ collection: id, signing: alice.signing, seq: 3, prev: (await randomBlock(8)).cid, prevCommit: current.commitCid })
      const res = await putHead(node.url, alice.token, id, wrongPrev)
      expect(res.status).to.equal(409)
      expect(errorCode(res)).to.equal('STALE_HEAD')
    })

    it('lets exactly one of two writers with the same seq win', async function () {
      const [a, b] = [await next(3), await next(3)]
      const results = await Promise.all([putHead(node.url, alice.token, id, a), putHead(node.url, alice.token, id, b)])
      expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409])
      current = results[0]!.status === 200 ? a : b
      const state = await call(node.url, 'GET', `/api/v1/collections/${id}`, { token: alice.token })
      expect(state.json).to.include({ seq: 3, headCid: current.headCid.toString() })
    })
  })

  describe('forged heads', function () {
    it('refuses a head with a bad signature (422 INVALID_HEAD)', async function () {
      const update = await next(4)
      const head = decodeHead(update.head)
      const sig = head.sig.slice()
      sig[10] = (sig[10] as number) ^ 0x01
      const forged = encodeCanonical({ ...head, sig })
      const res = await putHead(node.url, alice.token, id, { head: forged, commit: update.commit })
      expect(res.status).to.equal(422)
      expect(errorCode(res)).to.equal('INVALID_HEAD')
    })

    it("refuses a head for someone else's collection signed with another user's key", async function () {
      const forged = await headUpdate({ collection: id, signing: bob.signing, owner: alice.signing.publicKey, seq: 4, prev: current.headCid, prevCommit: current.commitCid })
      const byBob = await putHead(node.url, bob.token, id, forged)
      expect(byBob.status).to.equal(403)
      expect(errorCode(byBob)).to.equal('FORBIDDEN')
      // Nor can Bob's signature ride on Alice's session.
      const onAlicesSession = await putHead(node.url, alice.token, id, forged)
      expect(onAlicesSession.status).to.equal(403)
    })

    it('refuses a head that claims another owner (422) and Bob taking over with his own key', async function () {
      const takeover = await headUpdate({ collection: id, signing: bob.signing, seq: 4, prev: current.headCid, prevCommit: current.commitCid })
      const res = await putHead(node.url, bob.token, id, takeover)
      expect([403, 422]).to.include(res.status)
      const state = await call(node.url, 'GET', `/api/v1/collections/${id}`, { token: alice.token })
      expect(state.json.seq).to.equal(3)
    })

    it('refuses a head that does not point at the commit sent with it (422)', async function () {
      const a = await next(4)
      const b = await next(4)
      const res = await putHead(node.url, alice.token, id, { head: a.head, commit: b.commit })
      expect(res.status).to.equal(422)
      expect(errorCode(res)).to.equal('INVALID_HEAD')
    })

    it('refuses a head for another collection id than the URL names (422)', async function () {
      const other = newId()
      const update = await headUpdate({ collection: other, signing: alice.signing, seq: 1, prev: null, prevCommit: null })
      const res = await putHead(node.url, alice.token, id, update)
      expect(res.status).to.equal(422)
    })

    it('refuses a new collection whose head names another user as owner (403)', async function () {
      const other = newId()
      const update = await headUpdate({ collection: other, signing: bob.signing, owner: alice.signing.publicKey, seq: 1, prev: null, prevCommit: null })
      const res = await putHead(node.url, bob.token, other, update)
      expect(res.status).to.equal(403)
    })
  })

  describe('links', function () {
    it("refuses a commit linking a block the writer cannot read (403), and links its own", async function () {
      const bobs = await randomBlock(1_000)
      const alices = await randomBlock(1_000)
      expect(await putBlock(node.url, bob.token, bobs)).to.equal(201)
      expect(await putBlock(node.url, alice.token, alices)).to.equal(201)
      const stolen = await next(4, { links: [bobs.cid] })
      const res = await putHead(node.url, alice.token, id, stolen)
      expect(res.status).to.equal(403)
      expect(errorCode(res)).to.equal('FORBIDDEN')
      const own = await next(4, { links: [alices.cid] })
      expect((await putHead(node.url, alice.token, id, own)).status).to.equal(200)
      current = own
      expect((await node.node.db.blocks.get(alices.cid.toString()))?.refs).to.equal(1)
    })

    it('refuses a commit linking a dag-cbor block that is not a manifest (422), leaving the head where it was', async function () {
      const bytes = encodeCanonical({ not: 'a manifest' })
      const block = { bytes, cid: await cborCid(bytes) }
      expect(await putBlock(node.url, alice.token, block)).to.equal(201)
      const res = await putHead(node.url, alice.token, id, await next(5, { links: [block.cid] }))
      expect(res.status).to.equal(422)
      expect(errorCode(res)).to.equal('INVALID_HEAD')
      const state = await call(node.url, 'GET', `/api/v1/collections/${id}`, { token: alice.token })
      expect(state.json).to.include({ seq: 4, headCid: current.headCid.toString() })
      expect((await node.node.db.blocks.get(block.cid.toString()))?.refs).to.equal(0)
    })
  })

  describe('log and sync', function () {
    it('returns only the commits after the cursor, paged, with the signed head', async function () {
      const page = await call(node.url, 'GET', `/api/v1/collections/${id}/log?after=1&limit=2`, { token: alice.token })
      expect(page.status).to.equal(200)
      expect(page.json.commits.map((c: { seq: number }) => c.seq)).to.deep.equal([2, 3])
      expect(page.json.more).to.equal(true)
      expect(page.json.seq).to.equal(4)
      expect(page.json.headCid).to.equal(current.headCid.toString())
      const rest = await call(node.url, 'GET', `/api/v1/collections/${id}/log?after=3`, { token: alice.token })
      expect(rest.json.commits.map((c: { seq: number }) => c.seq)).to.deep.equal([4])
      expect(rest.json.more).to.equal(false)
      expect(Buffer.from(rest.json.commits[0].bytes, 'base64')).to.deep.equal(Buffer.from(current.commit))
    })

    it('names the collections that moved past the given cursors', async function () {
      const res = await call(node.url, 'POST', '/api/v1/sync', { token: alice.token, body: { cursors: { [id]: 2, [newId()]: 0 } } })
      expect(res.status).to.equal(200)
      expect(res.json.changed.map((c: { id: string }) => c.id)).to.deep.equal([id])
      expect(res.json.gone).to.have.length(1)
      const same = await call(node.url, 'POST', '/api/v1/sync', { token: alice.token, body: { cursors: { [id]: 4 } } })
      expect(same.json.changed).to.deep.equal([])
    })

    it("refuses another user the collection, its log and its existence in sync (403)", async function () {
      expect((await call(node.url, 'GET', `/api/v1/collections/${id}`, { token: bob.token })).status).to.equal(403)
      expect((await call(node.url, 'GET', `/api/v1/collections/${id}/log`, { token: bob.token })).status).to.equal(403)
      const sync = await call(node.url, 'POST', '/api/v1/sync', { token: bob.token, body: { cursors: { [id]: 0 } } })
      expect(sync.json.changed).to.deep.equal([])
      const listed = await call(node.url, 'GET', '/api/v1/collections', { token: bob.token })
      expect(listed.json.collections.map((c: { id: string }) => c.id)).not.to.include(id)
      expect((await call(node.url, 'GET', '/api/v1/collections', { token: alice.token })).json.collections.map((c: { id: string }) => c.id)).to.include(id)
    })

    it('refuses an anonymous reader (401 or 403)', async function () {
      expect([401, 403]).to.include((await call(node.url, 'GET', `/api/v1/collections/${id}/log`)).status)
    })
  })
})
