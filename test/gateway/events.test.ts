/**
 * Live updates (GET /api/v1/events, node/changes.ts): a user's stream tells of changes to what
 * they can read — their own collections, albums shared with them, and the list of those albums —
 * and of nothing else; anonymous and link sessions get none; streams per user are bounded; and
 * the client's follower reconnects after the node restarts and asks for one sync then.
 */
import { expect } from 'chai'
import { NodeApi, type LiveEvent } from '../../src/client/api.ts'
import { followChanges, type LiveChange, type LiveState } from '../../src/client/live.ts'
import { createLink, openLink } from '../../src/client/links.ts'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, uploadOne } from '../sharing/helpers.ts'
import type { Account } from '../../src/client/session.ts'
import type { Library } from '../../src/client/library.ts'

/** An open stream: its events as they come, read in order. */
class Stream {
  private readonly queue: LiveEvent[] = []
  private waiting?: () => void
  readonly abort = new AbortController()
  ended = false

  constructor (api: NodeApi) {
    void (async () => {
      try {
        for await (const event of api.events({ signal: this.abort.signal })) this.push(event)
      } catch {}
      this.ended = true
      this.waiting?.()
    })()
  }

  private push (event: LiveEvent): void {
    this.queue.push(event)
    this.waiting?.()
  }

  /** The next event; fails the test if the stream ends first or nothing comes within 10 s. */
  async next (): Promise<LiveEvent> {
    const deadline = AbortSignal.timeout(10_000)
    while (this.queue.length === 0) {
      if (this.ended) throw new Error('the stream ended')
      await new Promise<void>((resolve, reject) => {
        this.waiting = resolve
        deadline.addEventListener('abort', () => { reject(new Error('no event within 10 s')) }, { once: true })
      })
    }
    return this.queue.shift() as LiveEvent
  }

  close (): void { this.abort.abort() }
}

describe('gateway: live updates', function () {
  let node: TestNode
  let alice: Account
  let bob: Account
  let aliceLib: Library
  let bobLib: Library
  const open: Stream[] = []

  const stream = async (who: Account): Promise<Stream> => {
    const s = new Stream(new NodeApi(who.api.url, who.api.token))
    open.push(s)
    expect(await s.next()).to.deep.equal({ type: 'ready' })
    return s
  }

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    alice = await account(node.url, 'alice')
    bob = await account(node.url, 'bob')
    aliceLib = await library(alice)
    bobLib = await library(bob)
  })

  afterEach(function () {
    for (const s of open.splice(0)) s.close()
  })

  after(async function () {
    await node?.stop()
  })

  it('refuses a stream without a user session, as JSON', async function () {
    const anonymous = await call(node.url, 'GET', '/api/v1/events')
    expect(anonymous.status).to.equal(401)
    expect(anonymous.json.error.code).to.be.a('string')
    const album = await aliceLib.ensureAlbum('Linked')
    const opened = await openLink((await createLink(aliceLib, album)).url)
    expect((await call(node.url, 'GET', '/api/v1/events', { token: opened.api.token })).status).to.equal(401)
  })

  it("tells the owner of each commit to their collections, and nobody else", async function () {
    const aliceStream = await stream(alice)
    const bobStream = await stream(bob)
    const album = await aliceLib.ensureAlbum('Private')
    await uploadOne(aliceLib, album, 'a.bin')
    const seen = new Set<string>()
    while (!seen.has(album.id)) {
      const event = await aliceStream.next()
      if (event.type === 'change') for (const id of event.change.collections ?? []) seen.add(id)
    }
    // Bob's first event is about his own album: nothing of Alice's came before it.
    const bobs = await bobLib.ensureAlbum('Bob’s')
    const first = await bobStream.next()
    expect(first).to.deep.include({ type: 'change' })
    expect((first as { change: LiveChange }).change.collections).to.not.include(album.id)
    expect([...seen].every((id) => id !== bobs.id)).to.equal(true)
  })

  it('tells a member when an album is shared with them, of each commit while they are a member, and of the removal', async function () {
    const album = await aliceLib.ensureAlbum('Family')
    const bobStream = await stream(bob)
    await shareCollection(aliceLib, album, 'bob', 'viewer')
    expect(await bobStream.next()).to.deep.equal({ type: 'change', change: { shared: true } })
    await uploadOne(aliceLib, album, 'b.bin')
    const change = await bobStream.next()
    expect((change as { change: LiveChange }).change.collections).to.include(album.id)

    await unshareCollection(aliceLib, album, 'bob')
    // The removal re-keys the album (commits Bob is no longer told of) and ends his membership.
    let removed = false
    while (!removed) {
      const event = await bobStream.next()
      if (event.type === 'change' && event.change.shared === true) removed = true
    }
    await uploadOne(aliceLib, album, 'c.bin')
    await bobLib.ensureAlbum('Marker')
    for (;;) {
      const event = await bobStream.next()
      if (event.type !== 'change') continue
      expect(event.change.collections ?? []).to.not.include(album.id)
      if (event.change.collections != null) break
    }
  })

  it('holds at most 8 streams per user, and frees a place when one closes (429 TOO_MANY_STREAMS)', async function () {
    const streams: Stream[] = []
    for (let i = 0; i < 8; i++) streams.push(await stream(alice))
    const ninth = await call(node.url, 'GET', '/api/v1/events', { token: alice.api.token })
    expect(ninth.status).to.equal(429)
    expect(ninth.json.error.code).to.equal('TOO_MANY_STREAMS')
    streams[0]?.close()
    let opened: Stream | undefined
    for (let attempt = 0; attempt < 50 && opened == null; attempt++) {
      const s = new Stream(new NodeApi(alice.api.url, alice.api.token))
      open.push(s)
      try {
        if ((await s.next()).type === 'ready') opened = s
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    expect(opened, 'a stream opens once another closed').to.not.equal(undefined)
  })

  it('follows across a node restart, and asks for one sync when it is back', async function () {
    const changes: LiveChange[] = []
    const states: LiveState[] = []
    const abort = new AbortController()
    let wake: () => void = () => {}
    const following = followChanges(new NodeApi(alice.api.url, alice.api.token), (change) => { changes.push(change) }, {
      signal: abort.signal,
      onState: (state) => { states.push(state) },
      // Reconnect as soon as the node is back rather than after a real back-off.
      wait: async () => { await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, 100) }) }
    })
    try {
      const until = async (check: () => boolean): Promise<void> => {
        for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
        expect(check()).to.equal(true)
      }
      await until(() => states.includes('live'))
      await node.restart()
      wake()
      await until(() => changes.some((c) => c.reconnected === true))
      expect(states).to.include('reconnecting')
      const album = await aliceLib.ensureAlbum('After restart')
      await until(() => changes.some((c) => c.collections?.includes(album.id) === true))
    } finally {
      abort.abort()
      await following
    }
  })
})

describe('gateway: live updates of albums shared from another node', function () {
  let a: TestNode
  let b: TestNode

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 3 } }
    a = await startTestNode(config)
    b = await startTestNode(config)
  })

  after(async function () {
    await b?.stop()
    await a?.stop()
  })

  it("tells a user of another node when an album is shared with them, and when they are removed", async function () {
    const owner = await library(await account(a.url, 'alice'))
    const bob = await account(b.url, 'bob')
    const album = await owner.ensureAlbum('Across')
    const bobStream = new Stream(new NodeApi(bob.api.url, bob.api.token))
    try {
      expect(await bobStream.next()).to.deep.equal({ type: 'ready' })
      await shareWithInvitation(owner, album, await createInvitationText(bob), 'viewer')
      expect(await bobStream.next()).to.deep.equal({ type: 'change', change: { shared: true } })
      await unshareCollection(owner, album, `bob@${b.node.identity().peerId}`)
      expect(await bobStream.next()).to.deep.equal({ type: 'change', change: { shared: true } })
    } finally {
      bobStream.close()
    }
  })
})
