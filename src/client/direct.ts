/**
 * Direct S3 transfers: block bytes go between this client and the node's bucket, and the gateway
 * only signs. Uploads ask for presigned PUT URLs in batches, send the blocks to the bucket a few
 * at a time, and commit them in batches (the node checks them in the bucket and counts them);
 * reads take presigned (or public) URLs, asked for in batches ahead of need, and verify every
 * block against its CID like any other read.
 *
 * [Note: direct falls back to the gateway] Anything that goes wrong between this client and the
 * bucket — a network error, a bucket without CORS, an expired URL, bytes that fail their CID —
 * is retried through the gateway, which reads and writes the same bucket itself. After a few
 * failures in a row, direct access pauses for a minute so that a client that cannot reach the
 * bucket at all does not pay a failed attempt per block. An upload the node refuses (over quota)
 * is not retried: the gateway would refuse the same. A read the node refuses to sign is asked of
 * the gateway's block route, which answers with its own refusal — or the block, if the two
 * routes' access policies ever differ.
 */
import { contentMd5 } from '../crypto/hash.ts'
import { verifyBlock, type CID } from '../format/cid.ts'
import { Batcher } from './batcher.ts'
import { ApiError, BadResponseError } from './errors.ts'
import { clientFetch } from './fetch.ts'
import type { ApiCommitOutcome, ApiReadGrant, ApiS3Config, ApiUploadGrant, NodeApi } from './api.ts'
import type { BlockSender, BlockTransport, TransferStats } from './blocks.ts'

/** URLs asked for per read-authorisation request. */
const READ_BATCH = 256
/** A cached URL is not used in its last 30 s of validity. */
const URL_MARGIN_MS = 30_000
const URL_CACHE_SIZE = 4096
const PAUSE_AFTER_FAILURES = 3
const PAUSE_MS = 60_000

/** Consecutive direct failures; after a few, direct access pauses (see the note above). */
class Breaker {
  private failures = 0
  private pausedUntil = 0

  get open (): boolean { return Date.now() < this.pausedUntil }

  failed (): void {
    if (++this.failures >= PAUSE_AFTER_FAILURES) {
      this.pausedUntil = Date.now() + PAUSE_MS
      this.failures = 0
    }
  }

  succeeded (): void { this.failures = 0 }
}

/** At most `size` tasks at once. */
class Slots {
  private free: number
  private readonly waiting: Array<() => void> = []

  constructor (size: number) { this.free = size }

  async run<T> (task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next != null) next()
      else this.free++
    }
  }
}

async function delay (ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve() }, ms)
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

async function raceSignal<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return promise
  signal.throwIfAborted()
  return await new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

/**
 * One request to the bucket: network errors, 429 and 5xx are tried again (`attempts` in all),
 * any other non-2xx (but `alsoOk`) fails at once. Only aborts propagate as they are.
 */
async function bucketRequest (url: string, init: RequestInit, attempts: number, alsoOk?: number): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined
    let reason = ''
    try {
      res = await clientFetch(url, init)
    } catch (err) {
      if (init.signal?.aborted === true) throw init.signal.reason
      reason = (err as Error).message
    }
    if (res != null) {
      if (res.ok || res.status === alsoOk) return res
      await res.body?.cancel()
      if (res.status < 500 && res.status !== 429) throw new Error(`the bucket answered HTTP ${res.status}`)
      reason = `HTTP ${res.status}`
    }
    if (attempt >= attempts) throw new Error(`the bucket did not answer (${reason})`)
    await delay(200 * 2 ** (attempt - 1), init.signal ?? undefined)
  }
}

const STATUS_OF: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, QUOTA_EXCEEDED: 413, BLOCK_TOO_LARGE: 413 }

function refusal (error: { code: string, message: string }): ApiError {
  return new ApiError(STATUS_OF[error.code] ?? 400, error.code, error.message)
}

function byCid<T extends { cid: string }> (asked: string[], answered: T[], what: string): T[] {
  const map = new Map(answered.map((a) => [a.cid, a]))
  return asked.map((cid) => {
    const found = map.get(cid)
    if (found == null) throw new BadResponseError(`no ${what} for ${cid}`)
    return found
  })
}

/** Reads through presigned or public URLs, with URLs cached and asked for in batches. */
class DirectReads {
  private readonly api: NodeApi
  private readonly config: ApiS3Config
  private readonly breaker: Breaker
  private readonly stats: TransferStats
  private readonly urls = new Map<string, { url: string, usableUntil: number }>()
  private readonly pending = new Map<string, Promise<ApiReadGrant>>()
  private readonly batcher: Batcher<string, ApiReadGrant>

  constructor (api: NodeApi, config: ApiS3Config, breaker: Breaker, stats: TransferStats) {
    this.api = api
    this.config = config
    this.breaker = breaker
    this.stats = stats
    this.batcher = new Batcher(async (cids) => {
      const res = await api.authoriseReads(cids)
      // Validity is counted from receipt on this clock: the node's clock may differ from ours.
      const usableUntil = Date.now() + (config.urlExpirySeconds ?? 60) * 1000 - URL_MARGIN_MS
      const grants = byCid(cids, res.blocks, 'read grant')
      for (const grant of grants) if ('url' in grant) this.remember(grant.cid, grant.url, usableUntil)
      return grants
    }, { maxBatch: Math.min(config.maxBatch ?? READ_BATCH, READ_BATCH), maxInFlight: 2 })
  }

  hint (cids: CID[]): void {
    if (this.config.direct !== 'authorised' || this.breaker.open) return
    for (const cid of cids) this.grant(cid.toString()).catch(() => {}) // failures show when the block is fetched
  }

  async fetch (cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    const key = cid.toString()
    if (!this.breaker.open) {
      let url: string | undefined
      try {
        url = await this.urlFor(key, signal)
      } catch (err) {
        if (signal?.aborted === true) throw err
      }
      if (url != null) {
        try {
          const res = await bucketRequest(url, { signal }, 2)
          const bytes = new Uint8Array(await res.arrayBuffer())
          await verifyBlock(cid, bytes)
          this.breaker.succeeded()
          this.stats.directReads++
          return bytes
        } catch (err) {
          if (signal?.aborted === true) throw err
          this.stats.fallbackReason ??= `reading from the bucket: ${(err as Error).message}`
          this.urls.delete(key)
          this.breaker.failed()
        }
      }
    }
    const bytes = await this.api.getBlock(key, { signal })
    await verifyBlock(cid, bytes)
    this.stats.gatewayReads++
    return bytes
  }

  private async urlFor (key: string, signal?: AbortSignal): Promise<string> {
    if (this.config.direct === 'public') return `${this.config.publicUrl ?? ''}${key}`
    const grant = await raceSignal(this.grant(key), signal)
    if ('error' in grant) throw refusal(grant.error)
    return grant.url
  }

  private async grant (key: string): Promise<ApiReadGrant> {
    const cached = this.urls.get(key)
    if (cached != null && cached.usableUntil > Date.now()) return { cid: key, url: cached.url }
    let pending = this.pending.get(key)
    if (pending == null) {
      pending = this.batcher.add(key).finally(() => { this.pending.delete(key) })
      this.pending.set(key, pending)
    }
    return await pending
  }

  private remember (key: string, url: string, usableUntil: number): void {
    if (this.urls.size >= URL_CACHE_SIZE) this.urls.delete(this.urls.keys().next().value as string)
    this.urls.set(key, { url, usableUntil })
  }
}

/** One upload's sender: authorise in batches, PUT a few at a time, commit in batches. */
class DirectSender implements BlockSender {
  readonly window: number
  private readonly api: NodeApi
  private readonly breaker: Breaker
  private readonly stats: TransferStats
  private readonly signal?: AbortSignal
  private readonly slots: Slots
  private readonly authorise: Batcher<{ cid: string, size: number, md5: string }, ApiUploadGrant>
  private readonly commit: Batcher<string, ApiCommitOutcome>

  constructor (api: NodeApi, config: ApiS3Config, breaker: Breaker, stats: TransferStats, options: { concurrency: number, signal?: AbortSignal }) {
    this.api = api
    this.breaker = breaker
    this.stats = stats
    this.signal = options.signal
    this.slots = new Slots(options.concurrency)
    // Blocks held while they wait for a URL, travel or wait for their commit: a few batches' worth.
    this.window = options.concurrency * 4
    const maxBatch = config.maxBatch ?? 1000
    this.authorise = new Batcher(async (blocks) => {
      const res = await api.authoriseUploads(blocks, { signal: this.signal })
      return byCid(blocks.map((b) => b.cid), res.blocks, 'upload grant')
    }, { maxBatch })
    this.commit = new Batcher(async (cids) => byCid(cids, await api.commitUploads(cids, { signal: this.signal }), 'commit outcome'), { maxBatch })
  }

  async send (cid: CID, bytes: Uint8Array): Promise<void> {
    const key = cid.toString()
    if (this.breaker.open) return await this.viaGateway(key, bytes)
    const grant = await this.authorise.add({ cid: key, size: bytes.byteLength, md5: contentMd5(bytes) })
    if (grant.status === 'present') return
    if (grant.status === 'proxy') return await this.viaGateway(key, bytes)
    try {
      await this.slots.run(async () => {
        // 412: the URL forbids replacing an object and the block is there already (an earlier
        // try whose answer was lost, say); the commit checks what the bucket holds.
        const res = await bucketRequest(grant.url, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers: grant.headers, signal: this.signal }, 3, 412)
        await res.body?.cancel()
      })
    } catch (err) {
      if (this.signal?.aborted === true) throw err
      this.stats.fallbackReason ??= `uploading to the bucket: ${(err as Error).message}`
      this.breaker.failed()
      return await this.viaGateway(key, bytes)
    }
    const outcome = await this.commit.add(key)
    if (outcome.ok) {
      this.breaker.succeeded()
      this.stats.directWrites++
      return
    }
    // Another user stored the block meanwhile: only the gateway, which hashes what it receives,
    // can make this user an owner too. Not a failure of the bucket.
    if (outcome.code === 'ALREADY_STORED') return await this.viaGateway(key, bytes)
    // The bucket did not keep what was sent: let the gateway store it (see the note above).
    if (outcome.code === 'BLOCK_MISSING' || outcome.code === 'CID_MISMATCH') {
      this.stats.fallbackReason ??= `the node found no matching upload in the bucket: ${outcome.code}`
      return await this.viaGateway(key, bytes)
    }
    throw refusal(outcome)
  }

  private async viaGateway (key: string, bytes: Uint8Array): Promise<void> {
    await this.api.putBlock(key, bytes, { signal: this.signal })
    this.stats.gatewayWrites++
  }
}

/** The transport for a node that offers direct S3 access (`public` or `authorised`). */
export function directTransport (api: NodeApi, config: ApiS3Config & { direct: 'public' | 'authorised' }): BlockTransport {
  const breaker = new Breaker()
  const stats: TransferStats = { directReads: 0, gatewayReads: 0, directWrites: 0, gatewayWrites: 0 }
  const reads = new DirectReads(api, config, breaker, stats)
  return {
    mode: config.direct,
    stats,
    fetch: async (cid, signal) => await reads.fetch(cid, signal),
    hint: (cids) => { reads.hint(cids) },
    sender: (options) => new DirectSender(api, config, breaker, stats, options)
  }
}
