/**
 * Direct S3 access: clients move block bytes straight to and from the bucket with URLs the node
 * signs, so the gateway carries requests of a few hundred bytes instead of the blocks.
 *
 * Writes are two steps. `authoriseUploads` checks the user's quota for the whole batch (counting
 * URLs already signed and not yet committed) before signing anything, then returns a presigned
 * PUT per block with `content-length` and `x-amz-checksum-sha256` (the CID's own SHA-256 digest)
 * signed as headers: the store refuses a body of another length, and stores that check checksums
 * (AWS S3, MinIO, R2) one of other bytes. `commitUploads` then checks each block in the bucket —
 * its size, and its hash (from the store's checksum or by reading it back) — and only then
 * registers it with Blocks, which charges the quota: nothing counts before a commit. Blocks the
 * user already holds need no upload; a block another user stored is sent through the gateway
 * instead ("proxy"), so that owning a block always means having had its bytes.
 *
 * Reads: in `authorised` mode each block the caller may read (Blocks.canRead) gets a short-lived
 * presigned GET; in `public` mode the bucket is publicly readable and URLs need no signature.
 * Clients verify every block against its CID either way.
 *
 * Signed-but-uncommitted uploads are remembered (db.s3Uploads) until their URL has expired and a
 * grace period has passed; then `sweep` deletes whatever they left in the bucket unless the node
 * has the block on record.
 */
import { CID } from 'multiformats/cid'
import { MAX_BLOCK_BYTES } from './blocks.ts'
import { BlockMismatchError, BlockMissingError, BlockTooLargeError, DirectS3DisabledError, InvalidRequestError, QuotaExceededError } from './errors.ts'
import { KeyedMutex } from './lock.ts'
import { Periodic } from './periodic.ts'
import type { Accounts } from './accounts.ts'
import type { Blocks } from './blocks.ts'
import type { NodeDatabase, UserRecord } from './db.ts'
import type { CollectionGrant } from './sharing.ts'
import type { S3Blockstore } from './storage/s3.ts'

export type DirectMode = 'off' | 'public' | 'authorised'

/** Blocks per request to the upload, commit and read routes. */
export const MAX_DIRECT_BATCH = 1000

export interface DirectS3Options {
  mode: DirectMode
  store: S3Blockstore
  db: NodeDatabase
  blocks: Blocks
  accounts: Accounts
  /** Lifetime of presigned URLs. */
  urlExpirySeconds: number
  /** Base URL of publicly readable blocks in public mode; defaults to the bucket's public URL. */
  publicUrl?: string
  /** `auto`: trust the store's SHA-256 checksum when it reports one; `read`: always read back. */
  verifyUploads: 'auto' | 'read'
  /** How long after its URL expired an uncommitted upload is cleared (default 15 min). */
  graceMs?: number
  /** How often `sweep` runs once `start` was called (default 5 min). */
  sweepEveryMs?: number
  now?: () => number
}

/** What the node tells clients about direct access (GET /api/v1/s3/config). */
export interface DirectDescription {
  direct: DirectMode
  /** Public mode: a block's URL is this followed by its CID. */
  publicUrl?: string
  urlExpirySeconds?: number
  maxBatch?: number
}

export type UploadGrant =
  | { cid: string, status: 'present' }
  | { cid: string, status: 'proxy' }
  /** `headers` must be sent with the PUT; its Content-Length must be the size asked for. */
  | { cid: string, status: 'upload', url: string, headers: Record<string, string> }

export type CommitOutcome =
  | { cid: string, ok: true, stored: boolean }
  | { cid: string, ok: false, code: string, message: string }

export type ReadGrant =
  | { cid: string, url: string }
  | { cid: string, error: { code: string, message: string } }

export class DirectS3 {
  readonly mode: DirectMode
  /** The bucket it signs URLs for. */
  readonly store: S3Blockstore
  private readonly db: NodeDatabase
  private readonly blocks: Blocks
  private readonly accounts: Accounts
  private readonly expirySeconds: number
  private readonly publicBase: string
  private readonly verifyUploads: 'auto' | 'read'
  private readonly graceMs: number
  private readonly now: () => number
  /** Per user: quota check and reservation happen as one step. */
  private readonly userLocks = new KeyedMutex()
  /** Per block: a commit and the sweep never interleave. */
  private readonly blockLocks = new KeyedMutex()
  private readonly periodic: Periodic
  /** URLs signed since start, for tests and benchmarks. */
  signedUrls = 0

  constructor (options: DirectS3Options) {
    this.mode = options.mode
    this.store = options.store
    this.db = options.db
    this.blocks = options.blocks
    this.accounts = options.accounts
    this.expirySeconds = options.urlExpirySeconds
    const base = options.publicUrl ?? options.store.bucket.publicBaseUrl()
    this.publicBase = (base.endsWith('/') ? base : `${base}/`) + encodeKey(options.store.prefix)
    this.verifyUploads = options.verifyUploads
    this.graceMs = options.graceMs ?? 15 * 60_000
    this.periodic = new Periodic(async () => await this.sweep(), options.sweepEveryMs ?? 5 * 60_000)
    this.now = options.now ?? Date.now
  }

  describe (): DirectDescription {
    if (this.mode === 'off') return { direct: 'off' }
    return {
      direct: this.mode,
      urlExpirySeconds: this.expirySeconds,
      maxBatch: MAX_DIRECT_BATCH,
      ...(this.mode === 'public' ? { publicUrl: this.publicBase } : {})
    }
  }

  /**
   * Presigned PUT URLs for the blocks of one batch that the user does not hold yet. Refuses the
   * whole batch (QUOTA_EXCEEDED) before signing anything when it does not fit the quota.
   */
  async authoriseUploads (user: UserRecord, blocks: Array<{ cid: CID, size: number }>): Promise<{ expiresAt: number, blocks: UploadGrant[] }> {
    this.requireEnabled()
    const wanted = uniqueBlocks(blocks)
    return this.userLocks.run(user.id, async () => {
      const now = this.now()
      const expiresAt = now + this.expirySeconds * 1000
      const records = await this.db.blocks.getMany(wanted.map((b) => b.cid.toString()))
      const grants = wanted.map(({ cid, size }, i) => {
        const record = records[i]
        const status: UploadGrant['status'] = record == null ? 'upload' : record.owners.includes(user.id) ? 'present' : 'proxy'
        return { cid, size, status }
      })
      const current = await this.accounts.get(user.id) ?? user
      const reserved = await this.reservedBytes(user.id, now, new Set(wanted.map((b) => b.cid.toString())))
      const requested = grants.reduce((sum, g) => sum + (g.status === 'present' ? 0 : g.size), 0)
      if (current.usedBytes + reserved + requested > current.quotaBytes) {
        throw new QuotaExceededError(current.usedBytes + reserved, current.quotaBytes, requested)
      }
      // As with `have`: a block the client is told it holds gets a fresh grace period before collection.
      const present = grants.filter((g) => g.status === 'present').map((g) => g.cid)
      if (present.length > 0) await this.blocks.have(user, present)
      const uploads = grants.filter((g) => g.status === 'upload')
      await this.db.s3Uploads.batch(uploads.map(({ cid, size }) => ({ type: 'put', key: reservationKey(user.id, cid), value: { size, expiresAt } })))
      const signedAt = new Date(now)
      return {
        expiresAt,
        blocks: grants.map(({ cid, size, status }): UploadGrant => {
          if (status !== 'upload') return { cid: cid.toString(), status }
          // Content-Length is signed too; it is not handed back because HTTP clients (fetch,
          // browsers) set it from the body themselves and refuse to have it set.
          const headers = { 'x-amz-checksum-sha256': Buffer.from(cid.multihash.digest).toString('base64') }
          this.signedUrls++
          const url = this.store.bucket.presign('PUT', this.store.keyOf(cid), {
            expiresSeconds: this.expirySeconds,
            headers: { ...headers, 'content-length': String(size) },
            now: signedAt
          })
          return { cid: cid.toString(), status, url, headers }
        })
      }
    })
  }

  /**
   * Checks each uploaded block in the bucket and registers it, charging the user. Per-block
   * refusals (not authorised, missing, wrong bytes, over quota) are reported, not thrown; a
   * bucket that cannot be reached fails the whole request.
   */
  async commitUploads (user: UserRecord, cids: CID[]): Promise<CommitOutcome[]> {
    this.requireEnabled()
    return mapLimit(cids, 8, async (cid) => this.commitOne(user, cid))
  }

  /**
   * Read URLs for the blocks `user` (undefined: anonymous) or the request's `grant` (a link
   * session, a member's grant token) may read.
   */
  async authoriseReads (user: UserRecord | undefined, cids: CID[], grant?: CollectionGrant): Promise<{ expiresAt: number, blocks: ReadGrant[] }> {
    this.requireEnabled()
    const now = this.now()
    const signedAt = new Date(now)
    const blocks = await mapLimit(cids, 32, async (cid): Promise<ReadGrant> => {
      const key = cid.toString()
      const record = await this.db.blocks.get(key)
      if (record == null) return { cid: key, error: { code: 'NOT_FOUND', message: `Block ${key} is not stored here` } }
      if (!await this.blocks.canRead(user, cid, record, grant)) return { cid: key, error: { code: 'FORBIDDEN', message: `You have no grant to read block ${key}` } }
      if (this.mode === 'public') return { cid: key, url: this.publicBase + key }
      this.signedUrls++
      return { cid: key, url: this.store.bucket.presign('GET', this.store.keyOf(cid), { expiresSeconds: this.expirySeconds, now: signedAt }) }
    })
    return { expiresAt: now + this.expirySeconds * 1000, blocks }
  }

  /**
   * Forgets uploads whose URL expired more than the grace period ago and deletes what they left
   * in the bucket, unless the block is on record or another user's upload of it is still open.
   */
  async sweep (): Promise<{ expired: number, deleted: number }> {
    const now = this.now()
    const open = new Set<string>()
    const expired: Array<{ key: string, cid: string }> = []
    for await (const [key, upload] of this.db.s3Uploads.iterator()) {
      const cid = key.slice(key.indexOf('!') + 1)
      if (upload.expiresAt + this.graceMs > now) open.add(cid)
      else expired.push({ key, cid })
    }
    let deleted = 0
    for (const { key, cid } of expired) {
      await this.blockLocks.run(cid, async () => {
        await this.db.s3Uploads.del(key)
        if (!open.has(cid) && await this.blocks.discardUnrecorded(CID.parse(cid))) deleted++
      })
    }
    return { expired: expired.length, deleted }
  }

  /** Sweeps now and then every `sweepEveryMs`; failures (a bucket down) wait for the next round. */
  start (): void {
    this.periodic.start()
  }

  async stop (): Promise<void> {
    await this.periodic.stop()
  }

  private requireEnabled (): void {
    if (this.mode === 'off') throw new DirectS3DisabledError()
  }

  /**
   * Bytes of URLs signed for this user that are still valid and not counted yet. A block stored
   * meanwhile by other means (through the gateway after a failed PUT) is already in usedBytes.
   */
  private async reservedBytes (userId: string, now: number, except: Set<string>): Promise<number> {
    const open: Array<{ cid: string, size: number }> = []
    for await (const [key, upload] of this.db.s3Uploads.iterator({ gt: `${userId}!`, lt: `${userId}"` })) {
      const cid = key.slice(userId.length + 1)
      if (upload.expiresAt > now && !except.has(cid)) open.push({ cid, size: upload.size })
    }
    if (open.length === 0) return 0
    const records = await this.db.blocks.getMany(open.map((o) => o.cid))
    return open.reduce((total, { size }, i) => records[i]?.owners.includes(userId) === true ? total : total + size, 0)
  }

  private async commitOne (user: UserRecord, cid: CID): Promise<CommitOutcome> {
    const key = cid.toString()
    return this.blockLocks.run(key, async () => {
      const reservation = await this.db.s3Uploads.get(reservationKey(user.id, cid))
      if (reservation == null) {
        if ((await this.db.blocks.get(key))?.owners.includes(user.id) === true) return { cid: key, ok: true, stored: false }
        return { cid: key, ok: false, code: 'NOT_AUTHORISED', message: `No upload of ${key} was signed for you: ask for a URL first` }
      }
      try {
        const { stored } = await this.blocks.registerStored(user, cid, reservation.size, { verify: async () => { await this.verifyUpload(cid, reservation.size) } })
        await this.db.s3Uploads.del(reservationKey(user.id, cid))
        return { cid: key, ok: true, stored }
      } catch (err) {
        if (err instanceof BlockMissingError || err instanceof BlockMismatchError || err instanceof QuotaExceededError || err instanceof BlockTooLargeError) {
          return { cid: key, ok: false, code: err.code, message: err.message }
        }
        throw err
      }
    })
  }

  /**
   * Runs inside Blocks' lock for this block while the node has no record of it, so bytes that
   * fail the check can be deleted at once: nobody else's copy is at stake.
   */
  private async verifyUpload (cid: CID, size: number): Promise<void> {
    const info = await this.store.stat(cid)
    if (info == null) throw new BlockMissingError(cid.toString())
    try {
      if (info.size !== size) throw new BlockMismatchError(cid.toString())
      if (this.verifyUploads === 'auto' && info.checksumSha256 != null) {
        if (info.checksumSha256 !== Buffer.from(cid.multihash.digest).toString('base64')) throw new BlockMismatchError(cid.toString())
        return
      }
      await this.blocks.verifyStored(cid, size)
    } catch (err) {
      if (err instanceof BlockMismatchError) await this.store.delete(cid)
      throw err
    }
  }
}

function reservationKey (userId: string, cid: CID): string {
  return `${userId}!${cid.toString()}`
}

function encodeKey (key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

/** Drops repeated CIDs; the same CID with two sizes is a malformed request. */
function uniqueBlocks (blocks: Array<{ cid: CID, size: number }>): Array<{ cid: CID, size: number }> {
  const seen = new Map<string, { cid: CID, size: number }>()
  for (const block of blocks) {
    if (!Number.isSafeInteger(block.size) || block.size < 0) throw new InvalidRequestError(`Invalid size for ${block.cid}`)
    if (block.size > MAX_BLOCK_BYTES) throw new BlockTooLargeError(block.size, MAX_BLOCK_BYTES)
    const earlier = seen.get(block.cid.toString())
    if (earlier != null && earlier.size !== block.size) throw new InvalidRequestError(`Block ${block.cid} is listed twice with different sizes`)
    seen.set(block.cid.toString(), block)
  }
  return [...seen.values()]
}

/** Maps with at most `limit` calls in flight, keeping order. */
async function mapLimit<T, R> (items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
