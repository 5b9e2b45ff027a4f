/**
 * The storage node: opens the data folder, starts Helia and wires the services the gateway
 * exposes (accounts, blocks, collections). `stop()` closes everything it opened, in reverse
 * order, so that a SIGTERM leaves nothing running and nothing half-written.
 */
import { mkdir } from 'node:fs/promises'
import { Accounts } from './accounts.ts'
import { Blocks } from './blocks.ts'
import { Collections } from './collections.ts'
import { NodeDatabase } from './db.ts'
import { startHelia, type HeliaNode } from './helia.ts'
import { openFsBlockstore } from './storage/fs.ts'
import { openS3Blockstore } from './storage/s3.ts'
import type { NodeConfig } from './config.ts'

export interface ObscuraNode {
  config: NodeConfig
  helia: HeliaNode
  db: NodeDatabase
  accounts: Accounts
  blocks: Blocks
  collections: Collections
  /** The node's libp2p peer id and listen addresses, for operators and invitations. */
  identity: () => { peerId: string, multiaddrs: string[] }
  stop: () => Promise<void>
}

export async function startNode (config: NodeConfig): Promise<ObscuraNode> {
  await mkdir(config.dataDir, { recursive: true })
  const blockstore = config.storage.type === 's3' ? await openS3Blockstore(config.storage) : await openFsBlockstore(config.dataDir)
  const db = new NodeDatabase(config.dataDir)
  await db.open()
  const { helia, datastore } = await startHelia({ dataDir: config.dataDir, blockstore, listen: config.libp2p.listen })
  const accounts = new Accounts(db, config.accounts)
  const blocks = new Blocks(db, blockstore, accounts)
  const collections = new Collections(db, blocks)

  let stopped = false
  return {
    config,
    helia,
    db,
    accounts,
    blocks,
    collections,
    identity: () => ({
      peerId: helia.libp2p.peerId.toString(),
      multiaddrs: helia.libp2p.getMultiaddrs().map((ma) => ma.toString())
    }),
    async stop () {
      if (stopped) return
      stopped = true
      await helia.stop()
      await datastore.close()
      await db.close()
      await blockstore.close()
    }
  }
}
