/**
 * Block storage with ownership, quotas and reference counts. Every block is verified against its
 * CID before it is stored, charged to the uploader's quota before its bytes are accepted, and
 * readable only by users the access policy allows. Collections link manifests and manifests
 * link chunks; when the last link to a block goes, the block is deleted and every owner gets
 * its bytes back. Blocks no commit linked within a grace period are deleted the same way
 * (`collectUnlinked`, run by node/block-gc.ts).
 *
 * [Note: releasing a block] A deletion is written first as one atomic batch — the record and its
 * index entry go, a `releases` entry naming the owners still to be refunded comes — then each
 * owner's refund is written in one batch with the entry's shrinking owner list, then the bytes
 * are deleted, then the entry. A crash anywhere leaves either the old state or an entry that
 * `finishReleases` completes: no owner is refunded twice or never, and no record outlives its
 * bytes.
 *
 * [Note: what uploading a block gives] Uploading a block makes the uploader one of its owners:
 * charged for it, and able to read it and link it. But bytes a user could read only through
 * someone else's collection must not become a right of its own that outlives its access there
 * (issue 12). So the rights of ownership are limited, in `uploaderHolds`:
 * - the first uploader (`owners[0]`) holds its block for as long as the block exists;
 * - any other owner holds it only while no collection links it: two users who uploaded the same
 *   bytes before either committed both keep their rights until a commit links the block;
 * - once a collection links a block, a user who does not own it cannot become an owner: its
 *   upload is refused (409 BLOCK_LINKED), so it is not charged for a copy that gives it nothing.
 *   An album of another node that this node mirrors counts as linking its blocks, and a block
 *   this node caches for such an album without holding it for anyone (`foreign`) is refused the
 *   same way: a member must not turn the cache it reads through into a block of its own.
 * Beyond that, everyone reads a block only through the grants of the collections that link it
 * (node/sharing.ts). Owners added before this rule stay owners, charged until the block goes,
 * but read like anyone else. And owning always follows from having sent the bytes: a direct S3
 * commit of a block someone else stored meanwhile is refused (ALREADY_STORED, node/direct-s3.ts)
 * and the client sends the block through the gateway, which hashes what it receives.
 */
import { CID } from 'multiformats/cid'
import { verifyBlock } from '../src/format/cid.ts'
import { decodeManifestEnvelope } from '../src/format/manifest.ts'
import { NotFoundError as StoreNotFoundError } from 'interface-store'
import {
  AlreadyStoredError, BlockLinkedError, BlockMismatchError, BlockMissingError, BlockTooLargeError, ForbiddenError, InvalidRequestError, NotFoundError, QuotaExceededError,
  UnauthenticatedError
} from './errors.ts'
import { KeyedMutex } from './lock.ts'
import type { Accounts } from './accounts.ts'
import { putOp, unlinkedKey, type BatchOperation, type BlockRecord, type NodeDatabase, type ReleaseRecord, type UserRecord } from './db.ts'
import type { Blockstore } from 'interface-blockstore'
import type { CollectionGrant } from './sharing.ts'

/** 1 MiB of plaintext plus the AEAD tag and room for a manifest envelope's framing. */
export const MAX_BLOCK_BYTES = 1024 * 1024 + 4096
const DAG_CBOR = 0x71
const RAW = 0x55

export type BlockStorage = Pick<Blockstore, 'get' | 'put' | 'has' | 'delete'>

/**
 * Decides whether a user may read a block they do not own: grants for shared albums, and the
 * request's link or grant-token `grant` when it has one (node/sharing.ts).
 */
export interface ReadPolicy {
  canRead: (user: UserRecord | undefined, cid: CID, record: BlockRecord, grant?: CollectionGrant) => Promise<boolean>
}

/**
 * Blocks of albums that live on another node (node/federation/mirror.ts): asked when this node
 * holds no block a user may read under `cid`; undefined when no album followed here has it.
 */
export interface RemoteBlocks {
  read: (user: UserRecord | undefined, cid: CID, signal?: AbortSignal) => Promise<Uint8Array | undefined>
}

/**
 * Whether a block that no commit of this node's collections links is still needed for another
 * reason (a collection linked a manifest naming it before it arrived, an album of another node
 * mirrored here links it): such a block is kept for another grace period instead of collected.
 */
export type KeepPolicy = (cid: CID) => Promise<boolean>

/** Whether a collection links the block, directly or through a manifest (node/sharing.ts, node/federation/mirror.ts). */
export type LinkedPolicy = (cid: CID) => Promise<boolean>

/**
 * Whether `userId` holds `record` as its uploader: may read it and link it without a grant. See
 * [Note: what uploading a block gives]; `linked` is asked only when it matters.
 */
export async function uploaderHolds (record: BlockRecord, userId: string, linked: () => Promise<boolean>): Promise<boolean> {
  if (record.owners[0] === userId) return true
  return record.owners.includes(userId) && !await linked()
}

/** What `collectUnlinked` did with one entry of the index of unlinked blocks. */
export type CollectOutcome = 'collected' | 'kept' | 'stale'

/** Parses a CID string and accepts only what Obscura stores: CIDv1, raw or dag-cbor, sha2-256. */
export function parseBlockCid (text: string): CID {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    throw new InvalidRequestError(`"${text.slice(0, 80)}" is not a CID`)
  }
  if (cid.version !== 1 || (cid.code !== RAW && cid.code !== DAG_CBOR) || cid.multihash.code !== 0x12) {
    throw new InvalidRequestError('Only CIDv1 raw or dag-cbor blocks with sha2-256 are stored here')
  }
  return cid
}

export async function readAll (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return parts.length === 1 ? parts[0] as Uint8Array : new Uint8Array(Buffer.concat(parts))
}

export class Blocks {
  private readonly db: NodeDatabase
  private readonly store: BlockStorage
  private readonly accounts: Accounts
  private readonly refsLock = new KeyedMutex()
  readPolicy?: ReadPolicy
  remote?: RemoteBlocks
  keep?: KeepPolicy
  /** Without it, no block counts as linked (a bare store in unit tests). */
  linked?: LinkedPolicy
  /** Whether the store holds the block, with no record, for an album of another node (node/federation/mirror.ts). */
  foreign?: LinkedPolicy
  now: () => number = Date.now

  constructor (db: NodeDatabase, store: BlockStorage, accounts: Accounts) {
    this.db = db
    this.store = store
    this.accounts = accounts
  }

  /** Refuses early, before any body is read, when `size` cannot fit the user's quota. */
  checkQuota (user: UserRecord, size: number): void {
    if (size > MAX_BLOCK_BYTES) throw new BlockTooLargeError(size, MAX_BLOCK_BYTES)
    if (user.usedBytes + size > user.quotaBytes) throw new QuotaExceededError(user.usedBytes, user.quotaBytes, size)
  }

  /**
   * Verifies `bytes` against `cid`, charges the user and stores the block. Uploading a block the
   * user already owns is a no-op; a block someone else uploaded is charged to this user too while
   * no collection links it, and refused (BLOCK_LINKED) once one does: see [Note: what uploading a
   * block gives].
   */
  async put (user: UserRecord, cid: CID, bytes: Uint8Array): Promise<{ stored: boolean }> {
    if (bytes.byteLength > MAX_BLOCK_BYTES) throw new BlockTooLargeError(bytes.byteLength, MAX_BLOCK_BYTES)
    try {
      await verifyBlock(cid, bytes)
    } catch {
      throw new BlockMismatchError(cid.toString())
    }
    const key = cid.toString()
    return this.refsLock.run(key, async () => {
      const existing = await this.db.blocks.get(key)
      if (existing?.owners.includes(user.id) === true) {
        await this.renewLocked(key, existing)
        return { stored: false }
      }
      if (existing != null ? await this.isLinked(cid) : await this.isForeign(cid)) throw new BlockLinkedError(key)
      if (existing == null) await this.store.put(cid, bytes)
      try {
        await this.charge(user, key, existing, bytes.byteLength)
      } catch (err) {
        if (existing == null) await this.store.delete(cid)
        throw err
      }
      return { stored: existing == null }
    })
  }

  /**
   * Registers a block that a client wrote straight into the blockstore (direct S3 uploads) and
   * charges it to `user`, as `put` does for bytes sent through the gateway. `verify` must prove
   * that the stored bytes are `size` bytes hashing to `cid` (by default they are read back and
   * hashed); it runs under this block's lock, so no other upload or deletion of the block
   * interleaves. A block another user stored meanwhile is refused (ALREADY_STORED): its stored
   * copy says nothing about whether this user ever had the bytes, so the client sends them
   * through the gateway (see [Note: what uploading a block gives]).
   */
  async registerStored (user: UserRecord, cid: CID, size: number, options: { verify?: () => Promise<void> } = {}): Promise<{ stored: boolean }> {
    if (size > MAX_BLOCK_BYTES) throw new BlockTooLargeError(size, MAX_BLOCK_BYTES)
    const key = cid.toString()
    return this.refsLock.run(key, async () => {
      const existing = await this.db.blocks.get(key)
      if (existing?.owners.includes(user.id) === true) return { stored: false }
      if (existing != null) throw new AlreadyStoredError(key)
      if (await this.isForeign(cid)) throw new BlockLinkedError(key)
      await (options.verify ?? (async () => { await this.verifyStored(cid, size) }))()
      await this.charge(user, key, undefined, size)
      return { stored: true }
    })
  }

  /**
   * Charges `user` for a block and records them as an owner, in one batch. A block nobody links
   * yet starts (or, for another owner's upload, restarts) its grace period: that upload's commit
   * is on its way.
   */
  private async charge (user: UserRecord, key: string, existing: BlockRecord | undefined, size: number): Promise<void> {
    const now = this.now()
    const record: BlockRecord = existing != null
      ? { ...existing, owners: [...existing.owners, user.id], ...(existing.refs === 0 ? { pendingSince: now } : {}) }
      : { size, owners: [user.id], refs: 0, createdAt: now, pendingSince: now }
    await this.accounts.update(user.id, (u) => {
      if (u.usedBytes + size > u.quotaBytes) throw new QuotaExceededError(u.usedBytes, u.quotaBytes, size)
      return { ...u, usedBytes: u.usedBytes + size }
    }, this.db.blockOperations(key, existing, record))
  }

  /** Reads a block from the store and checks its length and hash. */
  async verifyStored (cid: CID, size: number): Promise<void> {
    let bytes: Uint8Array
    try {
      bytes = await readAll(this.store.get(cid))
    } catch (err) {
      if (err instanceof StoreNotFoundError) throw new BlockMissingError(cid.toString())
      throw err
    }
    try {
      if (bytes.byteLength !== size) throw new Error('length')
      await verifyBlock(cid, bytes)
    } catch {
      throw new BlockMismatchError(cid.toString())
    }
  }

  /**
   * Deletes a block from the store unless the node has it on record: clears what abandoned or
   * failed direct uploads left in the bucket without racing an upload of the same block.
   */
  async discardUnrecorded (cid: CID): Promise<boolean> {
    return this.refsLock.run(cid.toString(), async () => {
      if (await this.db.blocks.get(cid.toString()) != null) return false
      await this.store.delete(cid)
      return true
    })
  }

  /**
   * For each CID, whether this user already has it stored (so clients skip re-uploads). Asking is
   * what a resumed upload does, so the blocks it is told about get a fresh grace period.
   */
  async have (user: UserRecord, cids: CID[]): Promise<boolean[]> {
    return Promise.all(cids.map(async (cid) => {
      const key = cid.toString()
      const record = await this.db.blocks.get(key)
      if (record?.owners.includes(user.id) !== true) return false
      if (record.refs > 0) return true
      return this.refsLock.run(key, async () => {
        const current = await this.db.blocks.get(key)
        if (current?.owners.includes(user.id) !== true) return false
        await this.renewLocked(key, current)
        return true
      })
    }))
  }

  /**
   * A commit is about to link these blocks: fails (409 BLOCK_MISSING) if one of them is gone, and
   * gives those still unlinked — with the chunks of such manifests — a fresh grace period, so that
   * no sweep deletes them between the commit's checks and the counting of its links.
   */
  async hold (cids: CID[]): Promise<void> {
    for (const cid of cids) {
      const key = cid.toString()
      const chunks = await this.refsLock.run(key, async () => {
        const record = await this.db.blocks.get(key)
        if (record == null) throw new BlockMissingError(key, `Block ${key} is not stored here (any more): upload it again`)
        if (record.refs > 0) return []
        await this.renewLocked(key, record)
        if (cid.code !== DAG_CBOR) return []
        return record.links ?? decodeManifestEnvelope(await readAll(this.store.get(cid))).links.map((l) => l.toString())
      })
      for (const chunk of chunks) {
        await this.refsLock.run(chunk, async () => {
          const record = await this.db.blocks.get(chunk)
          if (record != null && record.refs === 0) await this.renewLocked(chunk, record)
        })
      }
    }
  }

  /** Restarts the grace period of an unlinked block; call under the block's lock. */
  private async renewLocked (key: string, record: BlockRecord): Promise<void> {
    if (record.refs > 0) return
    await this.db.writeBlock(key, record, { ...record, pendingSince: this.now() })
  }

  /** Returns the block if `user` (or the request's `grant`) may read it: its uploader, or whoever the read policy admits. */
  async get (user: UserRecord | undefined, cid: CID, signal?: AbortSignal, grant?: CollectionGrant): Promise<Uint8Array> {
    const record = await this.db.blocks.get(cid.toString())
    if (record == null || !await this.canRead(user, cid, record, grant)) {
      // Perhaps a block of an album this node mirrors for the user (federation).
      const remote = grant == null ? await this.remote?.read(user, cid, signal) : undefined
      if (remote != null) return remote
      if (record == null) throw new NotFoundError(`Block ${cid} is not stored here`)
      if (user == null && grant == null) throw new UnauthenticatedError('Log in or open a link to read this block')
      throw new ForbiddenError(`You have no grant to read block ${cid}`)
    }
    return readAll(await this.store.get(cid, { signal }))
  }

  async canRead (user: UserRecord | undefined, cid: CID, record?: BlockRecord, grant?: CollectionGrant): Promise<boolean> {
    const rec = record ?? await this.db.blocks.get(cid.toString())
    if (rec == null) return false
    if (user != null && await uploaderHolds(rec, user.id, async () => await this.isLinked(cid))) return true
    return await this.readPolicy?.canRead(user, cid, rec, grant) ?? false
  }

  private async isLinked (cid: CID): Promise<boolean> {
    return await this.linked?.(cid) ?? false
  }

  /** Whether the store holds `cid` only as a cache for another node's album (no record): see [Note: what uploading a block gives]. */
  async isForeign (cid: CID): Promise<boolean> {
    return await this.foreign?.(cid) ?? false
  }

  /**
   * Adds one reference to `cid` and writes `also` (the collection's link row) in the same batch;
   * a manifest's first reference counts its raw chunks in within that batch too. See [Note: a
   * link and its count in one batch]. Chunks that are not raw blocks (no client writes such a
   * manifest) are counted after the batch, as `link` does, since locking them here could nest
   * manifest locks into a cycle.
   */
  async linkWith (cid: CID, also: BatchOperation[]): Promise<void> {
    const key = cid.toString()
    const later = await this.refsLock.run(key, async () => {
      const record = await this.db.blocks.get(key)
      if (record == null) {
        await this.db.batch(also)
        return []
      }
      const next: BlockRecord = { ...record, refs: record.refs + 1 }
      if (record.refs === 0) {
        if (cid.code === DAG_CBOR && record.links == null) {
          next.links = decodeManifestEnvelope(await readAll(await this.store.get(cid))).links.map((l) => l.toString())
        }
        delete next.pendingSince
      }
      const chunks = record.refs === 0 ? next.links ?? [] : []
      const counts = new Map<string, number>()
      const nonRaw: string[] = []
      for (const chunk of chunks) {
        if (chunk !== key && CID.parse(chunk).code === RAW) counts.set(chunk, (counts.get(chunk) ?? 0) + 1)
        else nonRaw.push(chunk)
      }
      await this.runLocked([...counts.keys()].sort(), async () => {
        const ops = this.db.blockOperations(key, record, next)
        for (const [chunk, count] of counts) {
          const chunkRecord = await this.db.blocks.get(chunk)
          if (chunkRecord == null) continue
          const chunkNext: BlockRecord = { ...chunkRecord, refs: chunkRecord.refs + count }
          delete chunkNext.pendingSince
          ops.push(...this.db.blockOperations(chunk, chunkRecord, chunkNext))
        }
        await this.db.batch([...ops, ...also])
      })
      return nonRaw
    })
    for (const link of later) await this.changeRefs(CID.parse(link), +1)
  }

  /**
   * Runs `fn` holding the locks of all `keys`, taken in the order given: callers sort them, so two
   * manifests sharing chunks cannot each hold one the other waits for.
   */
  private async runLocked<T> (keys: string[], fn: () => Promise<T>): Promise<T> {
    if (keys.length === 0) return fn()
    const [first, ...rest] = keys as [string, ...string[]]
    return this.refsLock.run(first, async () => this.runLocked(rest, fn))
  }

  /** Drops one reference from each block, deleting blocks nobody references any more. */
  async unlink (cids: CID[]): Promise<void> {
    for (const cid of cids) await this.changeRefs(cid, -1)
  }

  /**
   * Takes back `link` for a commit whose head could not be written: a block nobody references
   * any more is unlinked again (collected after a fresh grace period), not deleted, since its
   * uploader may still commit it.
   */
  async unlinkKeeping (cids: CID[]): Promise<void> {
    for (const cid of cids) await this.changeRefs(cid, -1, { keep: true })
  }

  private async changeRefs (cid: CID, delta: 1 | -1, options: { keep?: boolean } = {}): Promise<void> {
    const key = cid.toString()
    const cascade = await this.refsLock.run(key, async () => {
      const record = await this.db.blocks.get(key)
      if (record == null) return []
      const refs = Math.max(0, record.refs + delta)
      const next: BlockRecord = { ...record, refs }
      if (delta > 0 && record.refs === 0) {
        if (cid.code === DAG_CBOR && record.links == null) {
          const bytes = await readAll(await this.store.get(cid))
          next.links = decodeManifestEnvelope(bytes).links.map((l) => l.toString())
        }
        delete next.pendingSince
      }
      if (refs === 0 && delta < 0) {
        if (options.keep !== true) {
          await this.release(cid, record)
          return record.links ?? []
        }
        next.pendingSince = this.now()
      }
      await this.db.writeBlock(key, record, next)
      // A manifest's first link counts its chunks in, its last takes them out.
      const cascades = (delta > 0 && record.refs === 0) || (delta < 0 && refs === 0)
      return cascades ? next.links ?? [] : []
    })
    for (const link of cascade) await this.changeRefs(CID.parse(link), delta, options)
  }

  // ---- collection of unlinked blocks ---------------------------------------------------------

  /**
   * Runs once at start-up, before the node serves: finishes deletions a crash interrupted, and
   * builds the index of unlinked blocks for a data folder from before it. Blocks indexed that way
   * get a whole grace period from now, since nothing says how old their upload really is.
   */
  async start (): Promise<void> {
    await this.finishReleases()
    if (await this.db.settings.get('unlinked-v1') != null) return
    const now = this.now()
    for await (const [key, record] of this.db.blocks.iterator()) {
      if (record.refs > 0 || record.pendingSince != null) continue
      await this.refsLock.run(key, async () => {
        const current = await this.db.blocks.get(key)
        if (current != null && current.refs === 0 && current.pendingSince == null) await this.db.writeBlock(key, current, { ...current, pendingSince: now })
      })
    }
    await this.db.settings.put('unlinked-v1', true)
  }

  /**
   * Deletes the block of one entry of the `unlinked` index (`<time>!<cid>`) and gives its bytes
   * back to every owner, unless, re-read under the block's lock, it was linked, renewed or
   * deleted meanwhile (`stale`: the entry is dropped if the record no longer has it), or the keep
   * policy still needs it (`kept`: its grace period starts again).
   */
  async collectUnlinked (entry: string): Promise<CollectOutcome> {
    const key = entry.slice(entry.indexOf('!') + 1)
    return this.refsLock.run(key, async () => {
      const record = await this.db.blocks.get(key)
      if (record == null || unlinkedKey(record, key) !== entry) {
        await this.db.unlinked.del(entry)
        return 'stale'
      }
      const cid = CID.parse(key)
      if (await this.keep?.(cid) === true) {
        await this.renewLocked(key, record)
        return 'kept'
      }
      await this.release(cid, record)
      return 'collected'
    })
  }

  /** Completes deletions that a crash or a store failure left half-done (see [Note: releasing a block]). */
  async finishReleases (): Promise<number> {
    let finished = 0
    for await (const [key, release] of this.db.releases.iterator()) {
      await this.refsLock.run(key, async () => {
        if (await this.db.releases.get(key) == null) return
        await this.refund(key, release)
        // The block may have been uploaded again since; then its bytes are that upload's.
        if (await this.db.blocks.get(key) == null) await this.store.delete(CID.parse(key))
        await this.db.releases.del(key)
        finished++
      })
    }
    return finished
  }

  /** Deletes a block and refunds its owners; call under the block's lock. See [Note: releasing a block]. */
  private async release (cid: CID, record: BlockRecord): Promise<void> {
    const key = cid.toString()
    const release: ReleaseRecord = { size: record.size, owners: record.owners }
    await this.db.writeBlock(key, record, undefined, [putOp(this.db.releases, key, release)])
    await this.refund(key, release)
    try {
      await this.store.delete(cid)
    } catch {
      // A store that is away (S3): the entry stays, and the next sweep deletes the bytes.
      return
    }
    await this.db.releases.del(key)
  }

  /** Gives the block's bytes back to each owner still listed, each in one batch with the shorter list. */
  private async refund (key: string, release: ReleaseRecord): Promise<void> {
    const owners = [...release.owners]
    while (owners.length > 0) {
      const owner = owners.shift() as string
      const rest = putOp(this.db.releases, key, { size: release.size, owners: [...owners] })
      try {
        await this.accounts.update(owner, (u) => ({ ...u, usedBytes: Math.max(0, u.usedBytes - release.size) }), [rest])
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err
        await this.db.batch([rest])
      }
    }
  }
}
