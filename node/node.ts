/**
 * The storage node: opens the data folder, starts Helia and wires the services the gateway
 * exposes (accounts, blocks, collections). `stop()` closes everything it opened, in reverse
 * order, so that a SIGTERM leaves nothing running and nothing half-written.
 */
import { chmod, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Accounts } from './accounts.ts'
import { BlockCollector } from './block-gc.ts'
import { Blocks } from './blocks.ts'
import { ChangeFeed } from './changes.ts'
import { repairCommitsInFlight, type InFlightRepair } from './check.ts'
import { Collections } from './collections.ts'
import { NodeDatabase, unlinkedKey } from './db.ts'
import { DirectS3 } from './direct-s3.ts'
import { Federation } from './federation/federation.ts'
import { dialKnownPeers } from './federation/known-peers.ts'
import { P2pHttpServer, PeerClient } from './federation/p2p-http.ts'
import { startHelia, type HeliaNode } from './helia.ts'
import { Links } from './links.ts'
import { Sharing } from './sharing.ts'
import { openFsBlockstore } from './storage/fs.ts'
import { openS3Blockstore } from './storage/s3.ts'
import type { NodeConfig } from './config.ts'

export interface ObscuraNode {
  config: NodeConfig
  helia: HeliaNode
  db: NodeDatabase
  accounts: Accounts
  blocks: Blocks
  /** Deletes blocks no commit linked within the grace period (`blocks.unlinkedGraceSeconds`). */
  collector: BlockCollector
  collections: Collections
  /** Members of shared collections and the block grants they give. */
  sharing: Sharing
  /** Public links. */
  links: Links
  /** Live updates to users' open streams (GET /api/v1/events). */
  changes: ChangeFeed
  /** Direct S3 access (presigned URLs); present when blocks live in an S3 bucket. */
  direct?: DirectS3
  /** Albums shared across nodes: members of other nodes, and albums of other nodes mirrored here. */
  federation: Federation
  /** HTTP over libp2p: the server other nodes reach the gateway through, and the client to reach them. */
  p2p: { server: P2pHttpServer, client: PeerClient }
  /** The node's libp2p peer id and the addresses other nodes should dial, for operators and invitations. */
  identity: () => { peerId: string, multiaddrs: string[] }
  stop: () => Promise<void>
}

export interface StartNodeOptions {
  /** Receives one line per notable event (peers dialled or unreachable); nothing secret. */
  log?: (line: string) => void
  /** The clock of grace periods (block collection); tests move it. */
  now?: () => number
  /**
   * The clock of expiry: login challenges, sessions, invites, links and their sessions. Tests move
   * it rather than sleep until something expires. (Apart from `now`, which moves by days.)
   */
  expiryNow?: () => number
}

/**
 * [Note: a private data folder] The data folder holds the libp2p private key (in `datastore/`),
 * the node secret, session hashes and other nodes' grant tokens (in `meta/`): no other local user
 * may read it. The folder is made 0700 and the process's umask 077, so that every file the node,
 * LevelDB or the blockstore creates later is 0600 (folders 0700); files that an earlier version
 * left readable in `meta/` and `datastore/` are tightened at start. (The blocks are ciphertext; the
 * folder's own mode already keeps others out of `blocks/`, and walking it would cost a start-up.)
 */
async function makeDataFolderPrivate (dataDir: string): Promise<void> {
  process.umask(0o077)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chmod(dataDir, 0o700)
  for (const name of ['meta', 'datastore']) await tighten(join(dataDir, name))
}

async function tighten (path: string): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined)
  if (entries == null) return
  await chmod(path, 0o700)
  for (const entry of entries) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) await tighten(child)
    else if (entry.isFile()) await chmod(child, 0o600)
  }
}

/** The start-up check's one log line. */
export function describeInFlightRepair (r: InFlightRepair): string {
  return `start-up check: ${r.collections} commit(s) were interrupted at the last stop; removed ${r.ghostLinks} link row(s) no committed head names, ` +
    `lowered ${r.counts} reference count(s), recounted ${r.containers} containers index entr${r.containers === 1 ? 'y' : 'ies'}`
}

export async function startNode (config: NodeConfig, options: StartNodeOptions = {}): Promise<ObscuraNode> {
  await makeDataFolderPrivate(config.dataDir)
  const s3 = config.storage.type === 's3' ? await openS3Blockstore(config.storage) : undefined
  const blockstore = s3 ?? await openFsBlockstore(config.dataDir)
  const db = new NodeDatabase(config.dataDir)
  try {
    await db.open()
  } catch (err) {
    await blockstore.close()
    throw err
  }
  try {
    // Before any service reads the links, counts and containers index it may repair.
    const repaired = await repairCommitsInFlight(db, { now: options.now })
    if (repaired != null) options.log?.(describeInFlightRepair(repaired))
  } catch (err) {
    await db.close()
    await blockstore.close()
    throw err
  }
  const p2pServer = new P2pHttpServer({ idleMs: config.federation.timeoutSeconds * 1000 })
  const { helia, datastore } = await startHelia({
    dataDir: config.dataDir, blockstore, listen: config.libp2p.listen, announce: config.libp2p.announce
  })
  await p2pServer.start(helia.libp2p)
  const p2p = { server: p2pServer, client: new PeerClient(helia.libp2p) }
  const accounts = new Accounts(db, config.accounts, { now: options.expiryNow })
  await accounts.start()
  const blocks = new Blocks(db, blockstore, accounts)
  const collections = new Collections(db, blocks)
  const sharing = new Sharing(db, accounts, () => helia.libp2p.peerId.toString())
  await sharing.start()
  collections.policy = {
    canRead: async (user, collection, grant) => await sharing.canReadCollection(user, collection, grant),
    canWrite: async (user, collection, head) => await sharing.canWriteCollection(user, collection, head),
    canLink: async (user, collection, ownerId, cid, record) => await sharing.canLinkBlock(user, collection, ownerId, cid, record)
  }
  collections.index = {
    add: async (collection, cids) => { await sharing.addContainer(collection, cids) },
    closure: async (cids) => await sharing.closureOf(cids),
    remove: async (collection, closure) => { await sharing.removeContainer(collection, closure) }
  }
  blocks.readPolicy = { canRead: async (user, cid, record, grant) => await sharing.canReadBlock(user, cid, record, grant) }
  const changes = new ChangeFeed()
  collections.onCommitted = (collection) => {
    sharing.audience(collection.id).then((users) => { changes.notify(users, { collections: [collection.id] }) }, () => {})
  }
  sharing.onMembershipChanged = (users) => { changes.notify(users, { shared: true }) }
  const identity = (): { peerId: string, multiaddrs: string[] } => ({
    peerId: helia.libp2p.peerId.toString(),
    multiaddrs: helia.libp2p.getMultiaddrs().map((ma) => ma.toString())
  })
  const federation = new Federation({
    db,
    accounts,
    store: blockstore,
    client: p2p.client,
    libp2p: helia.libp2p,
    self: identity,
    timeoutMs: config.federation.timeoutSeconds * 1000,
    retryMs: config.federation.retrySeconds * 1000,
    cacheBytes: config.federation.cacheBytes,
    log: options.log
  })
  sharing.remote = federation.remoteMembers
  federation.onMembershipChanged = (users) => { changes.notify(users, { shared: true }) }
  collections.remote = federation.collections
  blocks.remote = federation.blocks
  blocks.linked = async (cid) => await sharing.isContained(cid) || await federation.mirrors.holds(cid)
  blocks.foreign = async (cid) => await federation.mirrors.holds(cid)
  blocks.keep = blocks.linked
  federation.mirrors.release = async (cids) => {
    for (const cid of cids) {
      const record = await db.blocks.get(cid.toString())
      const entry = record != null ? unlinkedKey(record, cid.toString()) : undefined
      if (entry != null) await blocks.collectUnlinked(entry)
    }
  }
  await federation.start()
  if (options.now != null) blocks.now = options.now
  await blocks.start()
  const collector = new BlockCollector({
    db, blocks, graceMs: config.blocks.unlinkedGraceSeconds * 1000, sweepEveryMs: config.blocks.sweepSeconds * 1000, now: options.now
  })
  const links = new Links(db, { now: options.expiryNow })
  const direct = s3 != null && config.storage.type === 's3'
    ? new DirectS3({
      mode: config.storage.direct,
      store: s3,
      db,
      blocks,
      accounts,
      urlExpirySeconds: config.storage.urlExpirySeconds,
      publicUrl: config.storage.publicUrl,
      verifyUploads: config.storage.verifyUploads,
      log: options.log
    })
    : undefined
  await direct?.start()
  collector.start()
  void dialKnownPeers(helia.libp2p, config.libp2p.peers, { log: options.log, timeoutMs: config.federation.timeoutSeconds * 1000 })

  let stopped = false
  return {
    config,
    helia,
    db,
    accounts,
    blocks,
    collector,
    collections,
    sharing,
    links,
    changes,
    direct,
    federation,
    p2p,
    identity,
    async stop () {
      if (stopped) return
      stopped = true
      changes.endAll()
      await collector.stop()
      await direct?.stop()
      federation.stop()
      await helia.stop()
      await datastore.close()
      await db.close()
      await blockstore.close()
    }
  }
}
