/**
 * Direct S3 access: clients move block bytes straight to and from the bucket with URLs the node
 * signs, so the gateway carries requests of a few hundred bytes instead of the blocks.
 *
 * Writes are two steps. `authoriseUploads` checks the user's quota for the whole batch (counting
 * URLs already signed and not yet committed) before signing anything, then returns a presigned
 * PUT per block; see [Note: what binds a presigned PUT to its bytes] for the headers it signs.
 * `commitUploads` then checks each block in the bucket with a HEAD — its size, and its
 * SHA-256 checksum or its ETag against the signed MD5 — and only then registers it with Blocks,
 * which charges the quota: nothing counts before a commit. Only stores configured with
 * `verifyUploads: read` have each block read back instead. Blocks the node already holds never
 * get a PUT URL: the user's own need no upload, and a block another user stored is sent through
 * the gateway instead ("proxy"), so that owning a block always means having had its bytes; for the
 * same reason a commit finding that another user stored the block since its URL was signed
 * answers ALREADY_STORED, and the client sends it through the gateway ([Note: what uploading a
 * block gives] in node/blocks.ts).
 *
 * [Note: what binds a presigned PUT to its bytes] Every header named in a presigned URL is
 * signed, so the client must send exactly these values: `content-length` (every store refuses
 * another length), `content-md5` (the client's MD5 of the block, which AWS, MinIO, Ceph, R2 and
 * B2 check against the body: other bytes are refused, even through the same URL after a commit)
 * and `x-amz-checksum-sha256` (the CID's own digest, checked by AWS, MinIO and R2 but not by
 * Ceph 16 or the dev server). Where the store honours it (found at start-up, storage/s3-checks.ts),
 * `if-none-match: *` is signed too, so that no URL can replace an object that exists: a
 * committed block can never be overwritten. At commit the ETag a store reports for a plain PUT
 * is the MD5 of the bytes it kept, so comparing it with the signed MD5 proves the bucket holds
 * what the client hashed, at the cost of one HEAD instead of reading the block. The MD5 is the
 * client's claim, not the node's: without a SHA-256 checksum check by the store, a client can
 * store bytes that do not match the CID it named — readers' CID check refuses them, and the
 * block only ever had that client's bytes (see docs/SECURITY.md).
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
import { AlreadyStoredError, BlockLinkedError, BlockMismatchError, BlockMissingError, BlockTooLargeError, DirectS3DisabledError, InvalidRequestError, QuotaExceededError } from './errors.ts'
import { KeyedMutex } from './lock.ts'
import { Periodic } from './periodic.ts'
import { PROBE_NAME, probeStoreChecks, publicReadProblem, type StoreChecks } from './storage/s3-checks.ts'
import { S3StartupError } from './storage/s3.ts'
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
  /** `auto`: a HEAD (size, then SHA-256 checksum or ETag); `read`: always read the block back. */
  verifyUploads: 'auto' | 'read'
  /** Where start-up notes go (a store that does not check Content-MD5, say). */
  log?: (line: string) => void
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
  /**
   * `headers` must be sent with the PUT; its Content-Length must be the size asked for. A 412
   * answer means the block is already in the bucket: commit it.
   */
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
  private readonly log: (line: string) => void
  /** What the store checks on a PUT; found by `start`, assumed nothing before. */
  checks: StoreChecks = { contentMd5: false, conditionalWrites: false }
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
    this.log = options.log ?? (() => {})
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
  async authoriseUploads (user: UserRecord, blocks: UploadRequest[]): Promise<{ expiresAt: number, blocks: UploadGrant[] }> {
    this.requireEnabled()
    const wanted = uniqueBlocks(blocks)
    return this.userLocks.run(user.id, async () => {
      const now = this.now()
      const expiresAt = now + this.expirySeconds * 1000
      const records = await this.db.blocks.getMany(wanted.map((b) => b.cid.toString()))
      // A block cached for another node's album is in the bucket without a record: no URL may
      // replace it, and the gateway refuses a copy of it (BLOCK_LINKED).
      const grants = await Promise.all(wanted.map(async ({ cid, size, md5 }, i) => {
        const record = records[i]
        const status: UploadGrant['status'] = record == null
          ? (await this.blocks.isForeign(cid) ? 'proxy' : 'upload')
          : record.owners.includes(user.id) ? 'present' : 'proxy'
        return { cid, size, md5, status }
      }))
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
      await this.db.s3Uploads.batch(uploads.map(({ cid, size, md5 }) => ({ type: 'put', key: reservationKey(user.id, cid), value: { size, expiresAt, md5 } })))
      const signedAt = new Date(now)
      return {
        expiresAt,
        blocks: grants.map(({ cid, size, md5, status }): UploadGrant => {
          if (status !== 'upload') return { cid: cid.toString(), status }
          // See [Note: what binds a presigned PUT to its bytes]. Content-Length is signed too; it
          // is not handed back because HTTP clients (fetch, browsers) set it from the body
          // themselves and refuse to have it set.
          const headers: Record<string, string> = {
            'content-md5': md5,
            'x-amz-checksum-sha256': Buffer.from(cid.multihash.digest).toString('base64'),
            ...(this.checks.conditionalWrites ? { 'if-none-match': '*' } : {})
          }
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

  /**
   * Finds out what the store checks (storage/s3-checks.ts) and, in public mode, that blocks are
   * readable without a signature: a bucket that is not would send every read through the
   * gateway, so the node refuses to start (S3StartupError) instead. Then sweeps now and every
   * `sweepEveryMs`; failures (a bucket down) wait for the next round.
   */
  async start (): Promise<void> {
    if (this.mode !== 'off') {
      const probeKey = this.store.prefix + PROBE_NAME
      try {
        this.checks = await probeStoreChecks(this.store.bucket, probeKey)
      } catch (err) {
        throw new S3StartupError(`S3 bucket "${this.store.bucket.name}" refused the start-up test writes of ${probeKey}: ${(err as Error).message}`, { cause: err })
      }
      if (!this.checks.contentMd5) {
        this.log(`S3: the store does not check Content-MD5${this.checks.conditionalWrites ? '' : ' or If-None-Match'}: a client holding a PUT URL can replace its block with other bytes until the URL expires (readers' CID check refuses them)`)
      }
      if (this.mode === 'public') await this.checkPublicReads(probeKey)
    }
    this.periodic.start()
  }

  async stop (): Promise<void> {
    await this.periodic.stop()
  }

  private async checkPublicReads (probeKey: string): Promise<void> {
    const bytes = new TextEncoder().encode('obscura public-read probe\n')
    await this.store.bucket.put(probeKey, bytes)
    try {
      const problem = await publicReadProblem(this.publicBase + PROBE_NAME, bytes)
      if (problem?.kind === 'refused') {
        throw new S3StartupError(`direct = public, but ${problem.message}: make the bucket's blocks publicly readable (a bucket policy allowing s3:GetObject), or set direct = authorised`)
      }
      if (problem != null) this.log(`S3: could not check that blocks are publicly readable: ${problem.message}; if clients cannot read them either, every read goes through the gateway`)
    } finally {
      await this.store.bucket.delete(probeKey).catch(() => {})
    }
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
        const { stored } = await this.blocks.registerStored(user, cid, reservation.size, { verify: async () => { await this.verifyUpload(cid, reservation.size, reservation.md5) } })
        await this.db.s3Uploads.del(reservationKey(user.id, cid))
        return { cid: key, ok: true, stored }
      } catch (err) {
        // The URL is of no use any more: the client sends the block through the gateway.
        if (err instanceof AlreadyStoredError) await this.db.s3Uploads.del(reservationKey(user.id, cid))
        if (err instanceof AlreadyStoredError || err instanceof BlockLinkedError || err instanceof BlockMissingError || err instanceof BlockMismatchError || err instanceof QuotaExceededError || err instanceof BlockTooLargeError) {
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
  private async verifyUpload (cid: CID, size: number, md5: string | undefined): Promise<void> {
    const info = await this.store.stat(cid)
    if (info == null) throw new BlockMissingError(cid.toString())
    try {
      if (info.size !== size) throw new BlockMismatchError(cid.toString())
      if (this.verifyUploads === 'auto' && info.checksumSha256 != null) {
        if (info.checksumSha256 !== Buffer.from(cid.multihash.digest).toString('base64')) throw new BlockMismatchError(cid.toString())
        return
      }
      // An ETag that is not an MD5 (SSE-KMS, a multipart upload) says nothing: read the block back.
      if (this.verifyUploads === 'auto' && md5 != null && info.etag != null && /^[0-9a-f]{32}$/i.test(info.etag)) {
        if (info.etag.toLowerCase() !== Buffer.from(md5, 'base64').toString('hex')) throw new BlockMismatchError(cid.toString())
        return
      }
      await this.blocks.verifyStored(cid, size)
    } catch (err) {
      if (err instanceof BlockMismatchError) await this.store.delete(cid)
      throw err
    }
  }
}

/** Base64 of 16 bytes. */
export const CONTENT_MD5 = /^[A-Za-z0-9+/]{22}==$/

function reservationKey (userId: string, cid: CID): string {
  return `${userId}!${cid.toString()}`
}

function encodeKey (key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}

/** One block a client wants to upload: `md5` is the base64 MD5 of its bytes (a `Content-MD5` value). */
export interface UploadRequest { cid: CID, size: number, md5: string }

/** Drops repeated CIDs; the same CID with two sizes or MD5s is a malformed request. */
function uniqueBlocks (blocks: UploadRequest[]): UploadRequest[] {
  const seen = new Map<string, UploadRequest>()
  for (const block of blocks) {
    if (!Number.isSafeInteger(block.size) || block.size < 0) throw new InvalidRequestError(`Invalid size for ${block.cid}`)
    if (block.size > MAX_BLOCK_BYTES) throw new BlockTooLargeError(block.size, MAX_BLOCK_BYTES)
    const earlier = seen.get(block.cid.toString())
    if (!CONTENT_MD5.test(block.md5)) throw new InvalidRequestError(`Invalid md5 for ${block.cid}: expected the base64 MD5 of its bytes (24 characters)`)
    if (earlier != null && (earlier.size !== block.size || earlier.md5 !== block.md5)) throw new InvalidRequestError(`Block ${block.cid} is listed twice with different sizes or MD5s`)
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
