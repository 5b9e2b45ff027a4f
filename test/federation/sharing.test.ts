/**
 * Albums shared across nodes, end to end with three real nodes in one run: Alice on node A
 * shares with Bob on node B (collaborator) and Carol on node C (viewer) by their invitations.
 * Each reads through their own node, which fetches from A, checks and caches; Bob's photos
 * reach A and C; removing Bob stops his node at once and re-keys the album; a node that is not
 * party to a share gets nothing; an unreachable A leaves cached items readable and says so,
 * and sync resumes when A is back.
 */
import { expect } from 'chai'
import { fileKeyOf } from '../../src/client/collection.ts'
import { ApiError } from '../../src/client/errors.ts'
import { createInvitationText, parseInvitation, shareWithInvitation } from '../../src/client/federation.ts'
import { listMembers, unshareCollection } from '../../src/client/sharing.ts'
import { createGrantToken } from '../../src/format/grant.ts'
import { BlockCollector } from '../../node/block-gc.ts'
import { readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from '../sharing/helpers.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { Library } from '../../src/client/library.ts'
import type { Account } from '../../src/client/session.ts'

const grantHeader = async (member: Account, node: string, collection: string): Promise<Record<string, string>> => ({
  'x-obscura-grant': Buffer.from(await createGrantToken({ node, collection, expiresAt: Date.now() + 600_000 }, member.keys.signing)).toString('base64url')
})

describe('federation: albums shared across nodes', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let a: TestNode
  let b: TestNode
  let c: TestNode
  let alice: Account
  let bob: Account
  let carol: Account
  let owner: Library
  let album: CollectionState
  const originals = new Map<string, Uint8Array>()

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 3 } }
    a = await startTestNode(config)
    b = await startTestNode(config)
    c = await startTestNode(config)
    alice = await account(a.url, 'alice')
    bob = await account(b.url, 'bob')
    carol = await account(c.url, 'carol')
    owner = await library(alice)
    album = await owner.ensureAlbum('Shanghai 2023')
    for (const name of ['bund.jpg', 'yuyuan.jpg']) {
      const { bytes } = await uploadOne(owner, album, name, 200_000 + originals.size)
      originals.set(name, bytes)
    }
  })

  after(async function () {
    await c?.stop()
    await b?.stop()
    await a?.stop()
  })

  const itemNamed = (state: CollectionState, name: string): ItemEntry => {
    const item = [...state.items.values()].find((i) => i.name === name)
    if (item == null) throw new Error(`no item ${name} in ${state.name ?? state.id}`)
    return item
  }

  it("prints an invitation that carries the user's node, addresses and keys, signed", async function () {
    const invitation = await parseInvitation(await createInvitationText(bob))
    expect(invitation.node).to.equal(b.node.identity().peerId)
    expect(invitation.addrs).to.deep.equal(b.node.identity().multiaddrs)
    expect(invitation.username).to.equal('bob')
    expect(Buffer.from(invitation.signingPublicKey)).to.deep.equal(Buffer.from(bob.keys.signing.publicKey))
  })

  it('shares from node A with a user of node B, who reads it through B byte-identical', async function () {
    const member = await shareWithInvitation(owner, album, await createInvitationText(bob), 'collaborator')
    expect(member.username).to.equal(`bob@${b.node.identity().peerId}`)
    expect(member.role).to.equal('collaborator')
    expect(member.confirmed).to.equal(true)

    const lib = await library(bob)
    const shared = lib.findShared('Shanghai 2023')
    expect(shared?.owner.username).to.equal('alice')
    expect(shared?.role).to.equal('collaborator')
    expect(shared?.node?.peerId).to.equal(a.node.identity().peerId)
    expect(shared?.node?.state).to.equal('ok')
    for (const [name, bytes] of originals) expect(await readItem(lib, shared!.state, itemNamed(shared!.state, name))).to.deep.equal(bytes)
  })

  it('reads a second time from the cache on B, without crossing the network', async function () {
    const lib = await library(bob)
    const state = lib.findShared('Shanghai 2023')!.state
    const before = { ...b.node.federation.stats }
    expect(await readItem(lib, state, itemNamed(state, 'bund.jpg'))).to.deep.equal(originals.get('bund.jpg'))
    expect(b.node.federation.stats.remoteBlocks).to.equal(before.remoteBlocks)
    expect(b.node.federation.stats.cachedBlocks).to.be.greaterThan(before.cachedBlocks)
  })

  it('lets a collaborator on B add photos that the owner on A and a viewer on C then see', async function () {
    await shareWithInvitation(owner, album, await createInvitationText(carol), 'viewer')
    const bobs = await library(bob)
    const target = await sharedAlbum(bobs, 'Shanghai 2023')
    const usedOnA = (await a.node.accounts.get(alice.user.id))!.usedBytes
    const { bytes } = await uploadOne(bobs, target, 'from-bob.jpg', 150_000)
    originals.set('from-bob.jpg', bytes)
    expect((await b.node.accounts.get(bob.user.id))!.usedBytes).to.be.greaterThan(150_000)
    expect((await a.node.accounts.get(alice.user.id))!.usedBytes).to.be.greaterThan(usedOnA + 150_000)

    await owner.sync()
    expect(await readItem(owner, album, itemNamed(album, 'from-bob.jpg'))).to.deep.equal(bytes)
    const carols = await library(carol)
    const seen = await sharedAlbum(carols, 'Shanghai 2023')
    expect(seen.seq).to.equal(album.seq)
    expect([...seen.items.values()].map((i) => i.name).sort()).to.deep.equal([...album.items.values()].map((i) => i.name).sort())
    for (const [name, original] of originals) expect(await readItem(carols, seen, itemNamed(seen, name))).to.deep.equal(original)
  })

  it("keeps a collaborator's uploads on B past the grace period while B mirrors the album that links them, and A's copies", async function () {
    const day = 24 * 3600_000
    const sweepLater = async (node: TestNode): Promise<{ collected: number, kept: number }> =>
      await new BlockCollector({ db: node.node.db, blocks: node.node.blocks, graceMs: day, sweepEveryMs: day, now: () => Date.now() + 2 * day }).sweep()
    const usedOnB = (await b.node.accounts.get(bob.user.id))!.usedBytes
    const usedOnA = (await a.node.accounts.get(alice.user.id))!.usedBytes
    const onB = await sweepLater(b)
    expect(onB.collected).to.equal(0)
    expect(onB.kept, "Bob's blocks on B, which no collection of B links").to.be.greaterThan(0)
    expect((await sweepLater(a)).collected).to.equal(0)
    expect((await b.node.accounts.get(bob.user.id))!.usedBytes).to.equal(usedOnB)
    expect((await a.node.accounts.get(alice.user.id))!.usedBytes).to.equal(usedOnA)
    const bobs = await library(bob)
    const target = await sharedAlbum(bobs, 'Shanghai 2023')
    expect(await readItem(bobs, target, itemNamed(target, 'from-bob.jpg'))).to.deep.equal(originals.get('from-bob.jpg'))
  })

  it('lists members of other nodes to the owner and to a member', async function () {
    const names = (await listMembers(alice, album)).map((m) => m.username).sort()
    expect(names).to.deep.equal([`bob@${b.node.identity().peerId}`, `carol@${c.node.identity().peerId}`].sort())
    const carols = await library(carol)
    const fromC = await listMembers(carol, carols.findShared('Shanghai 2023')!.state)
    expect(fromC.map((m) => m.username).sort()).to.deep.equal(names)
  })

  it('gives a node that is not party to the share nothing', async function () {
    const d = await startTestNode({ accounts: { openSignup: true } })
    try {
      const dave = await account(d.url, 'dave')
      const fromD = async (headers: Record<string, string>): Promise<number> =>
        (await d.node.p2p.client.request(a.node.identity(), `/api/v1/collections/${album.id}/log`, { headers })).status
      const manifest = itemNamed(album, 'bund.jpg').manifest
      expect(await fromD({})).to.equal(401)
      expect((await d.node.p2p.client.request(a.node.identity(), `/api/v1/blocks/${manifest.toString()}`)).status).to.equal(401)
      // A token signed by someone who is no member, and a member's token presented by the wrong node.
      expect(await fromD(await grantHeader(dave, a.node.identity().peerId, album.id))).to.equal(403)
      expect(await fromD(await grantHeader(bob, a.node.identity().peerId, album.id))).to.equal(403)
      expect((await d.node.p2p.client.request(a.node.identity(), `/api/v1/blocks/${manifest.toString()}`, {
        headers: await grantHeader(carol, a.node.identity().peerId, album.id)
      })).status).to.equal(403)
      // Nor can another node announce shares in A's name.
      const notice = await d.node.p2p.client.request(b.node.identity(), '/api/v1/federation/shares', {
        method: 'POST',
        body: {
          collection: album.id, owner: { username: 'alice', signingPublicKey: alice.user.signingPublicKey, boxPublicKey: alice.user.boxPublicKey },
          ownerNode: a.node.identity(), member: { username: 'bob', signingPublicKey: bob.user.signingPublicKey },
          role: 'collaborator', epoch: 0, sealedKey: 'AAAA', addedAt: 0
        }
      })
      expect(notice.status).to.equal(403)
      expect((await library(dave)).sharedCollections()).to.have.length(0)
    } finally {
      await d.stop()
    }
  })

  it("refuses B's next block request once Bob is removed, and re-keys so new items do not open for him", async function () {
    const bobs = await library(bob)
    const before = bobs.findShared('Shanghai 2023')!.state
    await unshareCollection(owner, album, `bob@${b.node.identity().peerId}`)
    const { item } = await uploadOne(owner, album, 'after-bob.jpg', 5_000)

    const grant = await grantHeader(bob, a.node.identity().peerId, album.id)
    const res = await b.node.p2p.client.request(a.node.identity(), `/api/v1/blocks/${item.manifest.toString()}`, { headers: grant })
    expect(res.status).to.equal(403)
    const log = await b.node.p2p.client.request(a.node.identity(), `/api/v1/collections/${album.id}/log`, { headers: grant })
    expect(log.status).to.equal(403)

    expect(album.epoch).to.equal(before.epoch + 1)
    expect(() => fileKeyOf(before, item)).to.throw(/no key for epoch/)
    await bobs.sync()
    expect(bobs.findShared('Shanghai 2023')).to.equal(undefined)
    const err = await readItem(bobs, before, item).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(Error)
  })

  it("keeps cached items viewable while A is down, says the owner's node is unreachable, and resumes when A is back", async function () {
    const carols = await library(carol)
    const seen = await sharedAlbum(carols, 'Shanghai 2023')
    await readItem(carols, seen, itemNamed(seen, 'bund.jpg'))

    await a.node.stop()
    await a.gateway.close()
    await new Promise((resolve) => setTimeout(resolve, 300)) // past the mirror's 250 ms freshness window
    const offline = await library(carol)
    const shared = offline.findShared('Shanghai 2023')
    expect(shared?.node?.state).to.equal('unreachable')
    expect(shared?.node?.error?.code).to.equal('OWNER_NODE_UNREACHABLE')
    expect(await readItem(offline, shared!.state, itemNamed(shared!.state, 'bund.jpg'))).to.deep.equal(originals.get('bund.jpg'))
    const uncached = itemNamed(shared!.state, 'after-bob.jpg')
    const err = await readItem(offline, shared!.state, uncached).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(ApiError)
    expect((err as ApiError).code).to.equal('OWNER_NODE_UNREACHABLE')
    expect((err as ApiError).status).to.equal(503)

    await a.restart()
    owner = await library(alice)
    album = owner.findAlbum('Shanghai 2023')!
    await uploadOne(owner, album, 'back-again.jpg', 5_000)
    const deadline = Date.now() + 15_000
    let back = await library(carol)
    while (back.findShared('Shanghai 2023')?.node?.state !== 'ok' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      back = await library(carol)
    }
    const state = back.findShared('Shanghai 2023')!.state
    expect(back.findShared('Shanghai 2023')?.node?.state).to.equal('ok')
    expect(state.seq).to.equal(album.seq)
    expect([...state.items.values()].map((i) => i.name)).to.include('back-again.jpg')
    expect(await readItem(back, state, uncached)).to.have.length(5_000)
  })
})
