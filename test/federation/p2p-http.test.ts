/**
 * Node-to-node HTTP under load and under attack: requests of any size and however their bytes
 * are cut reach the gateway whole (issue 13: a head and body in one chunk used to abort at
 * 80 KiB), and a peer that sends a malformed, oversized or stalled request over a raw libp2p
 * stream gets a clear JSON error and cannot hold the node up.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { rawCid } from '../../src/format/cid.ts'
import { createGrantToken } from '../../src/format/grant.ts'
import { dialAddresses, MAX_HEAD_BYTES, MAX_STREAM_BYTES } from '../../node/federation/p2p-http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library } from '../sharing/helpers.ts'
import type { Stream } from '@libp2p/interface'

const MiB = 1024 * 1024

interface RawAnswer { status: number, json?: { error?: { code: string, message: string } }, text: string }

/** Everything the other end sends until it closes the stream, parsed as one HTTP/1.1 answer. */
async function readAnswer (stream: Stream): Promise<RawAnswer> {
  const parts: Buffer[] = []
  try {
    for await (const chunk of stream) parts.push(Buffer.from(chunk.subarray()))
  } catch {}
  const text = Buffer.concat(parts).toString('utf8')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
  const body = text.slice(text.indexOf('\r\n\r\n') + 4)
  let json
  try { json = JSON.parse(body) } catch {}
  return { status, json, text }
}

describe('federation: HTTP over libp2p, large and bad requests', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let a: TestNode
  let b: TestNode
  let grant: string
  let openStream: () => Promise<Stream>

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { timeoutSeconds: 1, retrySeconds: 0.2 } }
    a = await startTestNode(config)
    b = await startTestNode(config)
    const alice = await account(a.url, 'alice')
    const bob = await account(b.url, 'bob')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Pushes')
    await shareWithInvitation(owner, album, await createInvitationText(bob), 'collaborator')
    grant = Buffer.from(await createGrantToken({ node: a.node.identity().peerId, collection: album.id, expiresAt: Date.now() + 600_000 }, bob.keys.signing)).toString('base64url')
    openStream = async () => {
      const connection = await b.node.helia.libp2p.dial(dialAddresses(a.node.identity()))
      return await connection.newStream('/http/1.1')
    }
  })

  after(async function () {
    await b?.stop()
    await a?.stop()
  })

  const pushHead = (cid: string, length: number): Buffer => Buffer.from(
    `PUT /api/v1/blocks/${cid} HTTP/1.1\r\nhost: a\r\nx-obscura-grant: ${grant}\r\ncontent-type: application/octet-stream\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`
  )

  it("carries 50 consecutive 1 MiB block pushes from a collaborator's node, every one stored", async function () {
    for (let i = 0; i < 50; i++) {
      const bytes = new Uint8Array(randomBytes(MiB))
      const cid = await rawCid(bytes)
      const res = await b.node.p2p.client.request(a.node.identity(), `/api/v1/blocks/${cid.toString()}`, {
        method: 'PUT', headers: { 'x-obscura-grant': grant }, body: bytes, timeoutMs: 30_000
      })
      expect(res.status, `push ${i}: ${Buffer.from(res.body).toString()}`).to.be.oneOf([200, 201])
      expect(await a.node.helia.blockstore.has(cid)).to.equal(true)
    }
  })

  it('stores a push whose head and 1 MiB body are written in one chunk', async function () {
    for (let i = 0; i < 10; i++) {
      const bytes = randomBytes(MiB)
      const cid = await rawCid(bytes)
      const stream = await openStream()
      stream.send(Buffer.concat([pushHead(cid.toString(), bytes.byteLength), bytes]))
      const answer = await readAnswer(stream)
      expect(answer.status, answer.text.slice(0, 300)).to.be.oneOf([200, 201])
      expect(await a.node.helia.blockstore.has(cid)).to.equal(true)
    }
  })

  it('parses a head and 1 MiB body that reach the server as a single chunk', async function () {
    // The stream's first message is the whole request: it is collected here, then put back in
    // front of the stream before the server reads it, as yamux does when frames pile up.
    const bytes = randomBytes(MiB)
    const cid = await rawCid(bytes)
    const request = Buffer.concat([pushHead(cid.toString(), bytes.byteLength), bytes])
    const protocol = '/obscura-test/one-chunk'
    await a.node.helia.libp2p.handle(protocol, (stream, connection) => {
      const parts: Buffer[] = []
      let total = 0
      const onMessage = (evt: { data: { subarray: () => Uint8Array } }): void => {
        const part = Buffer.from(evt.data.subarray())
        parts.push(part)
        total += part.byteLength
        if (total < request.byteLength) return
        stream.removeEventListener('message', onMessage as never)
        const whole = Buffer.concat(parts)
        expect(whole.byteLength).to.equal(request.byteLength)
        stream.push(whole)
        a.node.p2p.server.accept(stream, connection)
      }
      stream.addEventListener('message', onMessage as never)
    })
    try {
      const connection = await b.node.helia.libp2p.dial(dialAddresses(a.node.identity()))
      const stream = await connection.newStream(protocol)
      stream.send(request)
      const answer = await readAnswer(stream)
      expect(answer.status, answer.text.slice(0, 300)).to.be.oneOf([200, 201])
      expect(await a.node.helia.blockstore.has(cid)).to.equal(true)
    } finally {
      await a.node.helia.libp2p.unhandle(protocol)
    }
  })

  it('answers a malformed request with 400 MALFORMED_REQUEST and closes the stream', async function () {
    const stream = await openStream()
    stream.send(Buffer.from('NOT HTTP AT ALL\r\n\r\n'))
    const answer = await readAnswer(stream)
    expect(answer.status).to.equal(400)
    expect(answer.json?.error?.code).to.equal('MALFORMED_REQUEST')
  })

  it('answers a head longer than the limit with 431 HEAD_TOO_LARGE', async function () {
    const stream = await openStream()
    stream.send(Buffer.from(`GET /healthz HTTP/1.1\r\nhost: a\r\nx-pad: ${'a'.repeat(MAX_HEAD_BYTES + 10)}\r\n\r\n`))
    const answer = await readAnswer(stream)
    expect(answer.status).to.equal(431)
    expect(answer.json?.error?.code).to.equal('HEAD_TOO_LARGE')
  })

  it('refuses a body longer than a block with 413, without reading it', async function () {
    const stream = await openStream()
    stream.send(pushHead('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', 2 * MiB))
    const answer = await readAnswer(stream)
    expect(answer.status).to.equal(413)
    expect(answer.json?.error?.code).to.be.a('string')
  })

  it('resets a stream that keeps sending past the largest request', async function () {
    const stream = await openStream()
    stream.send(Buffer.from('POST /healthz HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n'))
    const chunk = Buffer.concat([Buffer.from(`${(256 * 1024).toString(16)}\r\n`), Buffer.alloc(256 * 1024), Buffer.from('\r\n')])
    let sent = 0
    try {
      while (sent < 2 * MAX_STREAM_BYTES && stream.status === 'open') {
        if (!stream.send(chunk)) await stream.onDrain()
        sent += chunk.byteLength
      }
    } catch {}
    await readAnswer(stream)
    expect(stream.status, 'the node ended the stream').to.be.oneOf(['reset', 'aborted', 'closed'])
    expect((await b.node.p2p.client.request(a.node.identity(), '/healthz')).status).to.equal(200)
  })

  it('closes streams that stall before or inside a request, and keeps serving meanwhile', async function () {
    const silent = await Promise.all(Array.from({ length: 10 }, async () => await openStream()))
    const halfHead = await openStream()
    halfHead.send(Buffer.from('GET /healthz HTTP/1.1\r\nhost: a\r\n'))
    const halfBody = await openStream()
    halfBody.send(Buffer.concat([pushHead('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', 1000), Buffer.alloc(10)]))
    const started = Date.now()
    const served = await b.node.p2p.client.request(a.node.identity(), '/healthz', { timeoutMs: 5000 })
    expect(served.status).to.equal(200)
    expect(Date.now() - started, 'served while 12 streams stall').to.be.below(1000)

    const answers = await Promise.all([...silent, halfHead].map(readAnswer))
    for (const answer of answers) {
      expect(answer.status).to.equal(408)
      expect(answer.json?.error?.code).to.equal('REQUEST_TIMEOUT')
    }
    await readAnswer(halfBody)
    expect(halfBody.status).to.be.oneOf(['reset', 'aborted', 'closed'])
    expect(Date.now() - started).to.be.below(10_000)
  })
})
