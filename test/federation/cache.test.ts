/**
 * The member's node's cache of another node's album: bounded by `federation.cacheBytes`, the
 * least recently read blocks go first, the member's own uploads never, and `/shared` says how
 * much of each album the node keeps.
 */
import { expect } from 'chai'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { sharingApi } from '../../src/client/sharing-api.ts'
import { readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from '../sharing/helpers.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'

const CACHE_BYTES = 500_000

describe("federation: the member's node's cache", function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let a: TestNode
  let b: TestNode

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 3 } }
    a = await startTestNode(config)
    b = await startTestNode({ ...config, federation: { ...config.federation, cacheBytes: CACHE_BYTES } })
  })

  after(async function () {
    await b?.stop()
    await a?.stop()
  })

  const named = (state: CollectionState, name: string): ItemEntry => [...state.items.values()].find((i) => i.name === name) as ItemEntry

  it('keeps at most cacheBytes of fetched blocks, evicting the least recently read, never the member’s own uploads', async function () {
    const alice = await account(a.url, 'alice')
    const bob = await account(b.url, 'bob')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Coast')
    const one = await uploadOne(owner, album, 'one.bin', 300_000)
    const two = await uploadOne(owner, album, 'two.bin', 300_000)
    await shareWithInvitation(owner, album, await createInvitationText(bob), 'collaborator')
    const lib = await library(bob)
    const coast = await sharedAlbum(lib, 'Coast')
    const mine = await uploadOne(lib, coast, 'mine.bin', 300_000)

    expect(await readItem(lib, coast, named(coast, 'one.bin'))).to.deep.equal(one.bytes)
    expect(await readItem(lib, coast, named(coast, 'two.bin'))).to.deep.equal(two.bytes)
    expect(b.node.federation.cache.bytes).to.be.at.most(CACHE_BYTES)
    const listed = (await sharingApi.shared(bob.api)).find((s) => s.collection === album.id)
    expect(listed?.node?.cached?.bytes).to.equal(b.node.federation.cache.bytes)
    expect(listed?.node?.cached?.blocks).to.be.greaterThan(0)

    await a.node.stop()
    try {
      const offline = await library(bob)
      const state = offline.findShared('Coast')?.state as CollectionState
      expect(await readItem(offline, state, named(state, 'two.bin'))).to.deep.equal(two.bytes)
      expect(await readItem(offline, state, named(state, 'mine.bin'))).to.deep.equal(mine.bytes)
      const err = await readItem(offline, state, named(state, 'one.bin')).then(() => undefined, (e: unknown) => e)
      expect((err as { code?: string })?.code, 'evicted: only the owner’s node has it').to.equal('OWNER_NODE_UNREACHABLE')
    } finally {
      await a.restart()
    }
    await b.node.federation.mirrors.refresh(album.id, { force: true })
    const back = await library(bob)
    const state = back.findShared('Coast')?.state as CollectionState
    expect(await readItem(back, state, named(state, 'one.bin')), 'fetched again once the owner’s node is back').to.deep.equal(one.bytes)
  })
})
