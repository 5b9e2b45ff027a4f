/**
 * Block storage with ownership, quotas and reference counts. Every block is verified against its
 * CID before it is stored, charged to the uploader's quota before its bytes are accepted, and
 * readable only by users the access policy allows. Collections link manifests and manifests
 * link chunks; when the last link to a block goes, the block is deleted and every owner gets
 * its bytes back.
 */
import { CID } from 'multiformats/cid'
import { verifyBlock } from '../src/format/cid.ts'
import { decodeManifestEnvelope } from '../src/format/manifest.ts'
import { NotFoundError as StoreNotFoundError } from 'interface-store'
import {
  BlockMismatchError, BlockMissingError, BlockTooLargeError, ForbiddenError, InvalidRequestError, NotFoundError, QuotaExceededError,
  UnauthenticatedError
} from './errors.ts'
import { KeyedMutex } from './lock.ts'
import type { Accounts } from './accounts.ts'
import type { BlockRecord, NodeDatabase, UserRecord } from './db.ts'
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
   * user already owns is a no-op; a block someone else uploaded is charged to this user too.
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
      if (existing?.owners.includes(user.id) === true) return { stored: false }
      await this.accounts.update(user.id, (u) => {
        if (u.usedBytes + bytes.byteLength > u.quotaBytes) throw new QuotaExceededError(u.usedBytes, u.quotaBytes, bytes.byteLength)
        return { ...u, usedBytes: u.usedBytes + bytes.byteLength }
      })
      if (existing == null) await this.store.put(cid, bytes)
      const record: BlockRecord = existing != null
        ? { ...existing, owners: [...existing.owners, user.id] }
        : { size: bytes.byteLength, owners: [user.id], refs: 0, createdAt: Date.now() }
      await this.db.blocks.put(key, record)
      return { stored: existing == null }
    })
  }

  /**
   * Registers a block that a client wrote straight into the blockstore (direct S3 uploads) and
   * charges it to `user`, as `put` does for bytes sent through the gateway. Unless the node
   * already holds the block, `verify` must prove that the stored bytes are `size` bytes hashing
   * to `cid` (by default they are read back and hashed); it runs under this block's lock, so no
   * other upload or deletion of the block interleaves.
   */
  async registerStored (user: UserRecord, cid: CID, size: number, options: { verify?: () => Promise<void> } = {}): Promise<{ stored: boolean }> {
    if (size > MAX_BLOCK_BYTES) throw new BlockTooLargeError(size, MAX_BLOCK_BYTES)
    const key = cid.toString()
    return this.refsLock.run(key, async () => {
      const existing = await this.db.blocks.get(key)
      if (existing?.owners.includes(user.id) === true) return { stored: false }
      if (existing != null && existing.size !== size) throw new BlockMismatchError(key)
      if (existing == null) await (options.verify ?? (async () => { await this.verifyStored(cid, size) }))()
      await this.accounts.update(user.id, (u) => {
        if (u.usedBytes + size > u.quotaBytes) throw new QuotaExceededError(u.usedBytes, u.quotaBytes, size)
        return { ...u, usedBytes: u.usedBytes + size }
      })
      const record: BlockRecord = existing != null
        ? { ...existing, owners: [...existing.owners, user.id] }
        : { size, owners: [user.id], refs: 0, createdAt: Date.now() }
      await this.db.blocks.put(key, record)
      return { stored: existing == null }
    })
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

  /** For each CID, whether this user already has it stored (so clients skip re-uploads). */
  async have (user: UserRecord, cids: CID[]): Promise<boolean[]> {
    return Promise.all(cids.map(async (cid) => (await this.db.blocks.get(cid.toString()))?.owners.includes(user.id) === true))
  }

  /** Returns the block if `user` (or the request's `grant`) may read it: its owner, or whoever the read policy admits. */
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
    if (user != null && rec.owners.includes(user.id)) return true
    return await this.readPolicy?.canRead(user, cid, rec, grant) ?? false
  }

  /** Adds one reference to each block; a manifest's first reference also links its chunks. */
  async link (cids: CID[]): Promise<void> {
    for (const cid of cids) await this.changeRefs(cid, +1)
  }

  /** Drops one reference from each block, deleting blocks nobody references any more. */
  async unlink (cids: CID[]): Promise<void> {
    for (const cid of cids) await this.changeRefs(cid, -1)
  }

  private async changeRefs (cid: CID, delta: 1 | -1): Promise<void> {
    const key = cid.toString()
    const cascade = await this.refsLock.run(key, async () => {
      const record = await this.db.blocks.get(key)
      if (record == null) return []
      const refs = Math.max(0, record.refs + delta)
      if (delta > 0 && record.refs === 0 && cid.code === DAG_CBOR && record.links == null) {
        const bytes = await readAll(await this.store.get(cid))
        record.links = decodeManifestEnvelope(bytes).links.map((l) => l.toString())
      }
      if (refs === 0 && delta < 0) {
        await this.db.blocks.del(key)
        await this.store.delete(cid)
        for (const owner of record.owners) {
          await this.accounts.update(owner, (u) => ({ ...u, usedBytes: Math.max(0, u.usedBytes - record.size) }))
        }
        return record.links ?? []
      }
      await this.db.blocks.put(key, { ...record, refs })
      return delta > 0 && record.refs === 0 ? record.links ?? [] : []
    })
    for (const link of cascade) await this.changeRefs(CID.parse(link), delta)
  }
}
