/**
 * Composes the node's Helia instance explicitly, for offline-safe operation: a persistent
 * blockstore and LevelDB datastore under the data folder, a libp2p peer with TCP, Noise, Yamux
 * and Identify. Other nodes reach the gateway's API over the `/http/1.1` protocol, which
 * node/federation/p2p-http.ts registers on the started libp2p.
 *
 * [Note: no bitswap] The node runs no bitswap, nor any other libp2p protocol that hands out
 * blocks: bitswap serves any block to any peer that asks for its CID, with no grant check.
 * Blocks travel between nodes only through the gateway's grant-checked API over `/http/1.1`
 * (node/federation/mirror.ts), with the same checks as for any HTTP client. Helia here only
 * composes blockstore, datastore and libp2p; the node reads its raw blockstore, never Helia's
 * networked one.
 * Nothing here dials the public network: no bootstrap list, DHT, delegated routing, UPnP or
 * autoTLS — `createHelia()`'s defaults do all of those and must not be used.
 * The libp2p key is created once and kept in the datastore, so the peer id survives restarts.
 */
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withLibp2pLight, type HeliaWithLibp2p } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { LevelDatastore } from 'datastore-level'
import { createHeliaLight } from 'helia'
import type { Blockstore } from 'interface-blockstore'

export interface HeliaNodeOptions {
  /** Folder holding the datastore (and, by default, the blockstore). */
  dataDir: string
  /** Where blocks live: the local filesystem or an S3 bucket. */
  blockstore: Blockstore
  /** libp2p listen multiaddrs. */
  listen: string[]
  /** Multiaddrs other nodes are told to dial (invitations); the listen addresses when empty. */
  announce?: string[]
}

export type HeliaNode = HeliaWithLibp2p<{ identify: ReturnType<ReturnType<typeof identify>> }>

/** Creates and starts Helia with libp2p on the given stores. */
export async function startHelia (options: HeliaNodeOptions): Promise<{ helia: HeliaNode, datastore: LevelDatastore }> {
  const datastore = new LevelDatastore(join(options.dataDir, 'datastore'))
  await datastore.open()
  const base = createHeliaLight({ blockstore: options.blockstore, datastore })
  const helia = withLibp2pLight(base, {
    addresses: { listen: options.listen, ...(options.announce != null && options.announce.length > 0 ? { announce: options.announce } : {}) },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  }) as unknown as HeliaNode
  await helia.start()
  return { helia, datastore }
}
