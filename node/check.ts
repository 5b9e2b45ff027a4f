/**
 * The consistency check behind `obscura node check [--repair]`: compares what the metadata says
 * with what the committed heads and the blockstore say. A commit that crashed before its head
 * landed leaves link rows and reference counts of a commit that never happened ("ghost" rows):
 * they keep blocks, and their owners' quota, for good. The check replays every collection's
 * committed log to find the links it really holds, and reports (and with `repair` rewrites):
 *
 * - link rows that no committed head names (ghosts), and rows a committed head needs but lacks;
 * - reference counts that differ from the links (collections' links, plus linked manifests' chunks);
 * - users whose charged bytes differ from the sizes of the blocks they own (and not yet refunded);
 * - block records whose bytes are missing from the blockstore (reported only: nothing can bring them back).
 *
 * A block whose count repair takes to 0 is not deleted here: it starts a grace period and the
 * unlinked-block sweep (node/block-gc.ts) deletes it, refunding its owners, as for any upload
 * never committed. Run it on a stopped node: it reads and writes the database without the
 * node's locks.
 */
import { CID } from 'multiformats/cid'
import { decodeCommit } from '../src/format/commit.ts'
import { delOp, putOp, type BatchOperation, type BlockRecord, type NodeDatabase } from './db.ts'
import type { BlockStorage } from './blocks.ts'

export interface CheckReport {
  /** One line per inconsistency found, for operators. */
  problems: string[]
  /** Counts by kind, for tests and the summary line. */
  counts: { ghostLinks: number, missingLinks: number, wrongRefs: number, wrongUsage: number, missingFiles: number }
  repaired: boolean
}

export interface CheckOptions {
  repair?: boolean
  now?: () => number
}

export async function checkNode (db: NodeDatabase, store: Pick<BlockStorage, 'has'>, options: CheckOptions = {}): Promise<CheckReport> {
  const now = options.now ?? Date.now
  const problems: string[] = []
  const counts = { ghostLinks: 0, missingLinks: 0, wrongRefs: 0, wrongUsage: 0, missingFiles: 0 }
  const ops: BatchOperation[] = []

  // The links each collection's committed log holds, replayed in seq order.
  const expected = new Set<string>()
  for await (const collection of db.collections.values()) {
    const live = new Set<string>()
    const range = { gt: `${collection.id}!`, lt: `${collection.id}!\xff` }
    for await (const entry of db.commits.values(range)) {
      const commit = decodeCommit(new Uint8Array(Buffer.from(entry.bytes, 'base64')))
      if (commit.seq > collection.seq) break
      for (const cid of commit.links) live.add(cid.toString())
      for (const cid of commit.unlinks) live.delete(cid.toString())
    }
    for (const cid of live) expected.add(`${collection.id}!${cid}`)
  }
  const rows = new Set<string>()
  for await (const key of db.links.keys()) {
    rows.add(key)
    if (!expected.has(key)) {
      counts.ghostLinks++
      problems.push(`link row ${key} belongs to no committed head`)
      ops.push(delOp(db.links, key))
    }
  }
  for (const key of expected) {
    if (rows.has(key)) continue
    const cid = key.slice(key.indexOf('!') + 1)
    if (await db.blocks.get(cid) == null) continue // gone already: the client reports it missing
    counts.missingLinks++
    problems.push(`committed link ${key} has no link row`)
    ops.push(putOp(db.links, key, 1))
  }

  // Reference counts: one per collection linking a block, one per linked manifest naming it.
  const refs = new Map<string, number>()
  const bump = (cid: string): void => { refs.set(cid, (refs.get(cid) ?? 0) + 1) }
  for (const key of expected) bump(key.slice(key.indexOf('!') + 1))
  const records = new Map<string, BlockRecord>()
  for await (const [cid, record] of db.blocks.iterator()) records.set(cid, record)
  for (const [cid, record] of records) {
    if ((refs.get(cid) ?? 0) > 0) for (const chunk of record.links ?? []) bump(chunk)
  }
  const used = new Map<string, number>()
  const charge = (owner: string, size: number): void => { used.set(owner, (used.get(owner) ?? 0) + size) }
  for (const [cid, record] of records) {
    for (const owner of record.owners) charge(owner, record.size)
    if (!await store.has(CID.parse(cid))) {
      counts.missingFiles++
      problems.push(`block ${cid} is on record but its bytes are missing`)
    }
    const want = refs.get(cid) ?? 0
    if (record.refs === want) continue
    counts.wrongRefs++
    problems.push(`block ${cid} counts ${record.refs} references, its links make ${want}`)
    const next: BlockRecord = { ...record, refs: want }
    if (want === 0) next.pendingSince = now()
    else delete next.pendingSince
    ops.push(...db.blockOperations(cid, record, next))
  }
  for await (const release of db.releases.values()) for (const owner of release.owners) charge(owner, release.size)
  for await (const user of db.users.values()) {
    const want = used.get(user.id) ?? 0
    if (user.usedBytes === want) continue
    counts.wrongUsage++
    problems.push(`user ${user.username} is charged ${user.usedBytes} bytes, owns ${want}`)
    ops.push(putOp(db.users, user.id, { ...user, usedBytes: want }))
  }

  const repair = options.repair === true && ops.length > 0
  if (repair) await db.batch(ops)
  return { problems, counts, repaired: repair }
}
