/**
 * The consistency check behind `obscura node check [--repair]`, and its cheap form run at every
 * start-up. A commit that crashed before its head landed leaves link rows and reference counts
 * of a commit that never happened ("ghost" rows): they keep blocks, and their owners' quota, for
 * good. `checkNode` replays every collection's committed log to find the links it really holds,
 * and reports (and with `repair` rewrites, in one batch):
 *
 * - link rows that no committed head names (ghosts), and rows a committed head needs but lacks;
 * - reference counts that differ from the links (collections' links, plus linked manifests' chunks);
 * - users whose charged bytes differ from the sizes of the blocks they own (and not yet refunded);
 * - block records whose bytes are missing from the blockstore (reported only: nothing can bring them back);
 * - block files the node has no record of, older than the grace period (repair deletes them).
 *
 * A block whose count repair takes to 0 is not deleted here: it starts a grace period and the
 * unlinked-block sweep (node/block-gc.ts) deletes it, refunding its owners, as for any upload
 * never committed. Run it on a stopped node: it reads and writes the database without the
 * node's locks.
 *
 * `repairCommitsInFlight` is the start-up form: see [Note: commits in flight].
 */
import { CID } from 'multiformats/cid'
import { decodeCommit } from '../src/format/commit.ts'
import { delOp, putOp, type BatchOperation, type BlockRecord, type NodeDatabase } from './db.ts'
import type { BlockStorage } from './blocks.ts'
import type { BlockListing, StoredBlock } from './storage/listing.ts'

export interface CheckReport {
  /** One line per inconsistency found, for operators. */
  problems: string[]
  /** Counts by kind, for tests and the summary line. */
  counts: { ghostLinks: number, missingLinks: number, wrongRefs: number, wrongUsage: number, missingFiles: number, strayFiles: number }
  repaired: boolean
}

export interface CheckOptions {
  repair?: boolean
  now?: () => number
  /**
   * Block files with no record younger than this are left alone: an upload whose record is not
   * written yet, a direct S3 upload on its way. The node's `blocks.unlinkedGraceSeconds`.
   */
  graceMs?: number
}

/** The stores `checkNode` reads: without `list` (a store that cannot list), stray files are not looked for. */
export type CheckedStore = Pick<BlockStorage, 'has' | 'delete'> & Partial<BlockListing>

const DEFAULT_GRACE_MS = 24 * 3600 * 1000

/** Blocks are compared by multihash: the filesystem store keys files by multihash alone. */
const hashOf = (cid: CID): string => Buffer.from(cid.multihash.bytes).toString('base64')
const hashOfKey = (cid: string): string => hashOf(CID.parse(cid))

/** The CIDs a collection's committed log links now, replayed in seq order up to its head. */
async function committedLinks (db: NodeDatabase, collection: { id: string, seq: number }): Promise<Set<string>> {
  const live = new Set<string>()
  const range = { gt: `${collection.id}!`, lt: `${collection.id}!\xff` }
  for await (const entry of db.commits.values(range)) {
    const commit = decodeCommit(new Uint8Array(Buffer.from(entry.bytes, 'base64')))
    if (commit.seq > collection.seq) break
    for (const cid of commit.links) live.add(cid.toString())
    for (const cid of commit.unlinks) live.delete(cid.toString())
  }
  return live
}

export async function checkNode (db: NodeDatabase, store: CheckedStore, options: CheckOptions = {}): Promise<CheckReport> {
  const now = options.now ?? Date.now
  const problems: string[] = []
  const counts = { ghostLinks: 0, missingLinks: 0, wrongRefs: 0, wrongUsage: 0, missingFiles: 0, strayFiles: 0 }
  const ops: BatchOperation[] = []

  const expected = new Set<string>()
  for await (const collection of db.collections.values()) {
    for (const cid of await committedLinks(db, collection)) expected.add(`${collection.id}!${cid}`)
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

  // What the store holds, when it can say: one listing instead of a request per record.
  let listed: Map<string, StoredBlock> | undefined
  if (store.list != null) {
    listed = new Map()
    for await (const block of store.list()) listed.set(hashOf(block.cid), block)
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
    if (listed != null ? !listed.has(hashOfKey(cid)) : !await store.has(CID.parse(cid))) {
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

  const strays = listed != null ? await strayBlocks(db, listed, records, now() - (options.graceMs ?? DEFAULT_GRACE_MS)) : []
  for (const block of strays) {
    counts.strayFiles++
    problems.push(`block file ${block.name} has no record (written ${new Date(block.modifiedAt).toISOString()})`)
  }

  const repair = options.repair === true && (ops.length > 0 || strays.length > 0)
  if (repair) {
    await db.batch(ops)
    for (const block of strays) await store.delete(block.cid)
  }
  return { problems, counts, repaired: repair }
}

/**
 * Listed blocks nothing on record accounts for, written before `before`. Besides block records,
 * bytes are accounted for by a deletion under way (`releases`: start-up finishes it), a block
 * another node's album put in the mirror cache, and a direct S3 upload whose URL is still open.
 */
async function strayBlocks (db: NodeDatabase, listed: Map<string, StoredBlock>, records: Map<string, BlockRecord>, before: number): Promise<StoredBlock[]> {
  const known = new Set<string>()
  for (const cid of records.keys()) known.add(hashOfKey(cid))
  for await (const cid of db.releases.keys()) known.add(hashOfKey(cid))
  for await (const cid of db.mirrorCache.keys()) known.add(hashOfKey(cid))
  for await (const key of db.s3Uploads.keys()) known.add(hashOfKey(key.slice(key.indexOf('!') + 1)))
  return [...listed.entries()].filter(([hash, block]) => !known.has(hash) && block.modifiedAt < before).map(([, block]) => block)
}

// ---- start-up ----------------------------------------------------------------------------------

/**
 * [Note: commits in flight] Before it writes a commit's first link row, the node marks the
 * collection (`commit-in-flight!<id>` in `settings`) and clears the mark once the commit's
 * unlinks are done. A mark found at start-up therefore names every collection a crash (or a
 * failed write) may have left with rows and counts that its committed log does not explain: rows
 * of links before their head landed, rows of unlinks after it. Only those collections are
 * replayed, so the start-up check costs nothing after a clean stop and one collection's log per
 * interrupted commit otherwise. A mark already present when a commit starts is left for
 * start-up: the rows of that earlier attempt are only repaired there.
 *
 * The repair is one batch: ghost rows go, the counts they stood for drop (a manifest's last
 * reference takes its chunks' with it; a block left with none starts a grace period, as in
 * `checkNode`), the collection's entries in the containers index are recounted from the rows
 * that stay (the crashed attempt may or may not have added its own), and the marks go.
 */
const IN_FLIGHT = 'commit-in-flight!'

/** The `settings` key marking a commit of `collection` as under way. */
export const inFlightKey = (collection: string): string => `${IN_FLIGHT}${collection}`

export interface InFlightRepair {
  /** Collections whose commit was interrupted. */
  collections: number
  /** Link rows removed: no committed head names them. */
  ghostLinks: number
  /** Block records whose reference count went down. */
  counts: number
  /** Blocks whose entries in the containers index were recounted. */
  containers: number
}

/** The start-up check: repairs what interrupted commits left (see [Note: commits in flight]); undefined when none was. */
export async function repairCommitsInFlight (db: NodeDatabase, options: { now?: () => number } = {}): Promise<InFlightRepair | undefined> {
  const marks = []
  for await (const key of db.settings.keys({ gt: IN_FLIGHT, lt: `${IN_FLIGHT}\xff` })) marks.push(key)
  if (marks.length === 0) return undefined
  const now = (options.now ?? Date.now)()
  const before = new Map<string, BlockRecord | undefined>()
  const after = new Map<string, BlockRecord | undefined>()
  const record = async (cid: string): Promise<BlockRecord | undefined> => {
    if (!after.has(cid)) {
      const stored = await db.blocks.get(cid)
      before.set(cid, stored)
      after.set(cid, stored == null ? undefined : { ...stored })
    }
    return after.get(cid)
  }
  const drop = async (cid: string): Promise<void> => {
    const current = await record(cid)
    if (current == null || current.refs === 0) return
    current.refs--
    if (current.refs > 0) return
    current.pendingSince = now
    for (const chunk of current.links ?? []) await drop(chunk)
  }
  const closure = async (cid: string): Promise<string[]> => [cid, ...(await record(cid))?.links ?? []]
  const containers = new Map<string, Record<string, number>>()

  const ops: BatchOperation[] = []
  let ghostLinks = 0
  for (const mark of marks) {
    ops.push(delOp(db.settings, mark))
    const id = mark.slice(IN_FLIGHT.length)
    const collection = await db.collections.get(id)
    const live = collection != null ? await committedLinks(db, collection) : new Set<string>()
    const want = new Map<string, number>()
    const touched = new Set<string>()
    for await (const key of db.links.keys({ gt: `${id}!`, lt: `${id}!\xff` })) {
      const cid = key.slice(id.length + 1)
      for (const c of await closure(cid)) {
        touched.add(c)
        if (live.has(cid)) want.set(c, (want.get(c) ?? 0) + 1)
      }
      if (live.has(cid)) continue
      ghostLinks++
      ops.push(delOp(db.links, key))
      await drop(cid)
    }
    for (const cid of touched) {
      const entry = containers.get(cid) ?? { ...(await db.containers.get(cid) ?? {}) }
      const count = want.get(cid) ?? 0
      if (count > 0) entry[id] = count
      else delete entry[id]
      containers.set(cid, entry)
    }
  }
  let counts = 0
  for (const [cid, next] of after) {
    const previous = before.get(cid)
    if (previous == null || next == null || next.refs === previous.refs) continue
    counts++
    ops.push(...db.blockOperations(cid, previous, next))
  }
  let recounted = 0
  for (const [cid, entry] of containers) {
    const stored = await db.containers.get(cid) ?? {}
    const keys = new Set([...Object.keys(stored), ...Object.keys(entry)])
    if ([...keys].every((k) => stored[k] === entry[k])) continue
    recounted++
    ops.push(Object.keys(entry).length === 0 ? delOp(db.containers, cid) : putOp(db.containers, cid, entry))
  }
  await db.batch(ops)
  return { collections: marks.length, ghostLinks, counts, containers: recounted }
}
