/**
 * HTTP between nodes over libp2p streams: the gateway's app answers other nodes, knows which
 * peer sent each request, serves them only the federation surface, and every request has a
 * time limit.
 */
import { createServer, type Server } from 'node:net'
import { expect } from 'chai'
import { parseConfig } from '../../node/config.ts'
import { dialKnownPeers } from '../../node/federation/known-peers.ts'
import { PeerUnreachableError } from '../../node/federation/p2p-http.ts'
import { randomPeerId } from '../helpers/federation.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('federation: HTTP over libp2p', () => {
  let a: TestNode
  let b: TestNode

  before(async () => {
    a = await startTestNode()
    b = await startTestNode()
  })

  after(async () => {
    await b?.stop()
    await a?.stop()
  })

  it('serves the gateway to another node and tells it who asked', async () => {
    const res = await b.node.p2p.client.json<{ peerId: string, you: string }>(a.node.identity(), '/api/v1/federation/identity')
    expect(res.peerId).to.equal(a.node.identity().peerId)
    expect(res.you).to.equal(b.node.identity().peerId)
  })

  it('never says "you" to a plain HTTP caller', async () => {
    const res = await call(a.url, 'GET', '/api/v1/federation/identity')
    expect(res.status).to.equal(200)
    expect(res.json.peerId).to.equal(a.node.identity().peerId)
    expect(res.json).not.to.have.property('you')
  })

  it('keeps query strings', async () => {
    const res = await b.node.p2p.client.request(a.node.identity(), '/api/v1/collections/00000000000000000000000000000000/log?after=x')
    expect(res.status).to.equal(400)
    expect(JSON.parse(Buffer.from(res.body).toString()).error.message).to.match(/after/)
  })

  it('serves other nodes only the federation routes', async () => {
    const res = await b.node.p2p.client.request(a.node.identity(), '/api/v1/admin/users')
    expect(res.status).to.equal(404)
    const signup = await b.node.p2p.client.request(a.node.identity(), '/api/v1/auth/challenge', { method: 'POST', body: { username: 'x' } })
    expect(signup.status).to.equal(404)
  })

  it('refuses sessions from other nodes', async () => {
    const res = await b.node.p2p.client.request(a.node.identity(), '/api/v1/collections/00000000000000000000000000000000', {
      headers: { authorization: 'Bearer ' + 'x'.repeat(40) }
    })
    expect(res.status).to.equal(403)
  })

  it('gives up on a node that accepts the connection but never answers', async () => {
    let server: Server | undefined
    try {
      server = createServer(() => {})
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
      const port = (server.address() as { port: number }).port
      const silent = { peerId: randomPeerId(), multiaddrs: [`/ip4/127.0.0.1/tcp/${port}`] }
      const started = Date.now()
      const err = await b.node.p2p.client.request(silent, '/healthz', { timeoutMs: 1000 }).then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(PeerUnreachableError)
      expect(Date.now() - started).to.be.below(5000)
    } finally {
      server?.close()
    }
  })

  it('dials the known peers of its config at start-up, logging the ones it cannot reach', async () => {
    const lines: string[] = []
    const unreachable = `/ip4/127.0.0.1/tcp/1/p2p/${randomPeerId()}`
    await dialKnownPeers(b.node.helia.libp2p, [a.node.identity().multiaddrs[0] as string, unreachable], { log: (line) => lines.push(line), timeoutMs: 2000 })
    expect(lines.some((l) => l.includes(`connected to known peer ${a.node.identity().peerId}`))).to.equal(true)
    expect(lines.some((l) => l.includes(`could not reach known peer ${unreachable}`))).to.equal(true)
    expect(b.node.helia.libp2p.getConnections().some((c) => c.remotePeer.toString() === a.node.identity().peerId)).to.equal(true)
  })

  it('refuses a config whose known peer has no peer id', () => {
    expect(() => parseConfig({ libp2p: { peers: ['/ip4/127.0.0.1/tcp/4001'] } })).to.throw(/needs \/p2p\/<peer id>/)
    expect(() => parseConfig({ libp2p: { listen: ['not a multiaddr'] } })).to.throw(/multiaddr/)
  })

  it('fails fast on a node that is down, and reaches it again after a restart on the same port', async () => {
    const addressOfA = a.node.identity()
    await a.node.stop()
    const err = await b.node.p2p.client.request(addressOfA, '/healthz', { timeoutMs: 3000 }).then(() => undefined, (e: unknown) => e)
    expect(err).to.be.instanceOf(PeerUnreachableError)
    expect((err as PeerUnreachableError).code).to.equal('PEER_UNREACHABLE')
    await a.restart()
    expect(a.node.identity().peerId).to.equal(addressOfA.peerId)
    const res = await b.node.p2p.client.request(addressOfA, '/healthz')
    expect(res.status).to.equal(200)
  })
})
