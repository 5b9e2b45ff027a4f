/**
 * Records readers must not apply: a collaborator's commit carrying a record signed by a
 * non-member, a record claiming the owner's key with a bad signature, owner-only ops by a
 * collaborator, and a collaborator's ops on items it did not add. Each is rejected by every
 * reader alike (left out, listed in `state.rejected`) while the rest of the album stays
 * readable; a head signed by someone who may not write fails the sync outright.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { syncCollection, type CollectionState } from '../../src/client/collection.ts'
import { fromBase64, toBase64 } from '../../src/client/encoding.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { signingKeyFromSeed, type SigningKey } from '../../src/crypto/sign.ts'
import { sealCollectionKey } from '../../src/crypto/wrap.ts'
import { cborCid, encodeCanonical } from '../../src/format/cid.ts'
import { openItem } from '../../src/client/download.ts'
import { call } from '../helpers/http.ts'
import { encodeCommit, sealRecord, type SignedRecord } from '../../src/format/commit.ts'
import { createHead, decodeHead } from '../../src/format/head.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'
import type { ApiLog, NodeApi } from '../../src/client/api.ts'
import type { Account } from '../../src/client/session.ts'
import type { Library } from '../../src/client/library.ts'
import type { RecordOp } from '../../src/format/record-ops.ts'

/** Commits `records` as they are (any author) under a head signed by `signer`, through `api`. */
async function commitRaw (api: NodeApi, state: CollectionState, signer: SigningKey, records: SignedRecord[]): Promise<void> {
  const seq = state.seq + 1
  const { bytes: commit, cid } = await encodeCommit({ collection: state.id, seq, prev: state.root, links: [], records })
  const { bytes: head } = await createHead({ collection: state.id, owner: state.ownerKey, seq, root: cid, prev: state.headCid }, signer)
  await api.putHead(state.id, head, commit)
  await syncCollection(api, state).catch(() => undefined)
}

describe('sharing: forged and overreaching records', function () {
  let node: TestNode
  let alice: Account
  let carol: Account
  let owner: Library
  let album: CollectionState
  let shared: CollectionState
  let stranger: SigningKey
  let aliceItem: string

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    alice = await account(node.url, 'alice')
    carol = await account(node.url, 'carol')
    await account(node.url, 'sam')
    owner = await library(alice)
    album = await owner.ensureAlbum('Guarded')
    aliceItem = (await uploadOne(owner, album, 'alice.bin')).item.id
    await shareCollection(owner, album, 'carol', 'collaborator')
    shared = await sharedAlbum(await library(carol), 'Guarded')
    stranger = await signingKeyFromSeed(new Uint8Array(randomBytes(32)))
  })

  after(async function () {
    await node?.stop()
  })

  /** What a fresh reader (the owner's other device) makes of the album now. */
  async function freshView (): Promise<CollectionState> {
    return (await library(alice)).resolve('Guarded')
  }

  const seal = async (author: SigningKey, ops: RecordOp[]): Promise<SignedRecord> => await sealRecord(shared.key, shared.id, author, { ops }, undefined, shared.epoch)

  it('rejects a record signed by a non-member inside a collaborator\'s commit', async function () {
    const forged = await seal(stranger, [{ op: 'rename', item: aliceItem, name: 'pwned.bin' }])
    await commitRaw(carol.api, shared, carol.keys.signing, [forged])
    const view = await freshView()
    expect(view.items.get(aliceItem)?.name).to.equal('alice.bin')
    expect(view.rejected.map((r) => toBase64(r.author))).to.include(toBase64(stranger.publicKey))
  })

  it("rejects a record that claims the owner's key but is not signed by it", async function () {
    const real = await seal(carol.keys.signing, [{ op: 'trash', item: aliceItem, at: 1 }])
    const claimed = { ...real, author: alice.keys.signing.publicKey }
    await commitRaw(carol.api, shared, carol.keys.signing, [claimed])
    const view = await freshView()
    expect(view.items.get(aliceItem)?.trashedAt).to.equal(undefined)
    expect(view.rejected.some((r) => r.reason.includes('signature'))).to.equal(true)
  })

  it('rejects owner-only ops by a collaborator: no new member, no renamed album', async function () {
    const sam = await alice.api.request('GET', '/api/v1/users/sam').then(async (r) => await r.json() as { signingPublicKey: string, boxPublicKey: string })
    const admit: RecordOp = {
      op: 'member', member: fromBase64(sam.signingPublicKey), boxPublicKey: fromBase64(sam.boxPublicKey), role: 'collaborator',
      collectionKey: sealCollectionKey(fromBase64(sam.boxPublicKey), shared.key)
    }
    await commitRaw(carol.api, shared, carol.keys.signing, [await seal(carol.keys.signing, [admit])])
    await commitRaw(carol.api, shared, carol.keys.signing, [await seal(carol.keys.signing, [{ op: 'meta', name: 'Mine now', kind: 'album', parent: null, createdAt: 0 }])])
    const view = await freshView()
    expect(view.name).to.equal('Guarded')
    expect([...view.members.values()].map((m) => m.label)).to.deep.equal(['carol'])
    expect(view.rejected.filter((r) => r.reason.includes('non-owner'))).to.have.length(2)
  })

  it("lets a collaborator's ops change only what it added", async function () {
    const { item: hers } = await uploadOne(await library(carol), shared, 'carol.bin')
    await commitRaw(carol.api, shared, carol.keys.signing, [await seal(carol.keys.signing, [
      { op: 'rename', item: aliceItem, name: 'renamed.bin' },
      { op: 'trash', item: aliceItem, at: 5 },
      { op: 'remove', item: aliceItem },
      { op: 'rename', item: hers.id, name: 'carol-renamed.bin' }
    ])])
    const view = await freshView()
    expect(view.items.get(aliceItem)?.name).to.equal('alice.bin')
    expect(view.items.get(aliceItem)?.trashedAt).to.equal(undefined)
    expect(view.items.get(hers.id)?.name).to.equal('carol-renamed.bin')
  })

  it("refuses a collaborator's manifest that names blocks it cannot read (403)", async function () {
    const privateAlbum = await owner.ensureAlbum('Private')
    const { item } = await uploadOne(owner, privateAlbum, 'private.bin')
    const chunk = (await openItem(alice.api, privateAlbum, item)).manifest.parts.original.chunks[0]!.cid
    const envelope = encodeCanonical({ v: 1, type: 'obscura/manifest', links: [chunk], box: new Uint8Array(randomBytes(80)) })
    const cid = await cborCid(envelope)
    await carol.api.putBlock(cid.toString(), envelope)
    const seq = shared.seq + 1
    const record = await seal(carol.keys.signing, [{ op: 'rename', item: aliceItem, name: 'x.bin' }])
    const { bytes: commit, cid: commitCid } = await encodeCommit({ collection: shared.id, seq, prev: shared.root, links: [cid], records: [record] })
    const { bytes: head } = await createHead({ collection: shared.id, owner: shared.ownerKey, seq, root: commitCid, prev: shared.headCid }, carol.keys.signing)
    const refused = await carol.api.putHead(shared.id, head, commit).then(() => undefined, (err: { status?: number }) => err)
    expect(refused?.status).to.equal(403)
    expect((await call(node.url, 'GET', `/ipfs/${chunk.toString()}?format=raw`, { token: carol.api.token })).status).to.equal(403)
  })

  it('fails the sync when the head is signed by a member the owner removed', async function () {
    await owner.sync()
    await unshareCollection(owner, owner.resolve('Guarded'), 'carol')
    const reader = owner.resolve('Guarded')
    const page = await alice.api.log(reader.id, 0, 1000)
    const head = decodeHead(fromBase64(page.head))
    // A node that lets carol write anyway: it serves a commit and head she signed after her removal.
    const record = await sealRecord(reader.key, reader.id, carol.keys.signing, { ops: [{ op: 'rename', item: aliceItem, name: 'late.bin' }] }, undefined, reader.epoch)
    const { bytes: commit, cid } = await encodeCommit({ collection: reader.id, seq: head.seq + 1, prev: head.root, links: [], records: [record] })
    const forgedHead = await createHead({ collection: reader.id, owner: head.owner, seq: head.seq + 1, root: cid, prev: await cborCid(fromBase64(page.head)) }, carol.keys.signing)
    const lying = Object.create(alice.api) as NodeApi
    lying.log = async (_id: string, after: number): Promise<ApiLog> => ({
      ...page, seq: head.seq + 1, head: toBase64(forgedHead.bytes), headCid: forgedHead.cid.toString(),
      commits: [...page.commits, { seq: head.seq + 1, cid: cid.toString(), bytes: toBase64(commit) }].filter((c) => c.seq > after)
    })
    const fresh = (await library(alice)).resolve('Guarded')
    const before = { seq: fresh.seq, name: fresh.items.get(aliceItem)?.name }
    let failure: unknown
    try {
      await syncCollection(lying, fresh)
    } catch (err) {
      failure = err
    }
    expect((failure as Error)?.message, (failure as Error)?.message).to.match(/may not write/)
    expect({ seq: fresh.seq, name: fresh.items.get(aliceItem)?.name }).to.deep.equal(before)
  })
})
