/**
 * No block leaves the node over libp2p without a grant: an anonymous peer that dials the node's
 * libp2p port with its own Helia and bitswap, and asks for CIDs the node holds, gets none of them
 * (issue 12, item 1). Blocks travel between nodes only through the grant-checked HTTP API served
 * over libp2p (node/federation/p2p-http.ts).
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'chai'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'
import { PeerClient } from '../../node/federation/p2p-http.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, uploadOne } from '../sharing/helpers.ts'

describe('node: blocks over libp2p', function () {
  let node: TestNode
  let cids: CID[]

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    const owner = await library(await account(node.url, 'alice'))
    const album = await owner.ensureAlbum('Private')
    const { item } = await uploadOne(owner, album, 'secret.bin', 5_000)
    const stored = new Set([item.manifest.toString()])
    for await (const key of node.node.db.blocks.keys()) stored.add(key)
    cids = [...stored].map((key) => CID.parse(key))
  })

  after(async function () {
    await node?.stop()
  })

  it('serves no stored block to an anonymous peer, over bitswap or any other protocol', async function () {
    for (const cid of cids) expect((await call(node.url, 'GET', `/ipfs/${cid.toString()}?format=raw`)).status).to.equal(401)
    const stranger = withBitswap(withLibp2pLight(createHeliaLight(), {
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    }))
    await stranger.start()
    try {
      await stranger.libp2p.dial(multiaddr(node.node.identity().multiaddrs[0] as string))
      const got: string[] = []
      await Promise.all(cids.map(async (cid) => {
        try {
          for await (const chunk of stranger.blockstore.get(cid, { signal: AbortSignal.timeout(3_000) })) if (chunk.byteLength > 0) got.push(cid.toString())
        } catch {}
      }))
      expect(got).to.deep.equal([])
      // The only other protocols: Identify, and HTTP into the gateway, which checks grants as over TCP.
      expect([...node.node.helia.libp2p.getProtocols()].sort()).to.deep.equal(['/http/1.1', '/ipfs/id/1.0.0'])
      const client = new PeerClient(stranger.libp2p)
      for (const cid of cids) expect((await client.request(node.node.identity(), `/ipfs/${cid.toString()}?format=raw`)).status).to.equal(401)
    } finally {
      await stranger.stop()
    }
  })
})
