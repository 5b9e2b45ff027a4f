/**
 * Moving blocks between the client and a node. Uploads run a few at a time with backpressure
 * (a bounded number of ~1 MiB blocks in memory); downloads prefetch a few blocks ahead and hand
 * them over in order, each verified against its CID before anyone sees its bytes.
 *
 * How the bytes travel is the node's choice, learnt once per NodeApi from GET /api/v1/s3/config:
 * through the gateway (`proxy`), or straight to and from the node's S3 bucket with URLs the
 * gateway signs (`authorised`) or public bucket URLs (`public`, reads only; uploads are signed).
 * Callers (upload.ts, download.ts) do not need to know which; see direct.ts for the direct path.
 */
import { verifyBlock, type CID } from '../format/cid.ts'
import { directTransport } from './direct.ts'
import { ApiError, BadResponseError } from './errors.ts'
import type { NodeApi } from './api.ts'

/** Blocks moved each way, for progress displays, benchmarks and tests. */
export interface TransferStats {
  directReads: number
  gatewayReads: number
  directWrites: number
  gatewayWrites: number
  /** Why a direct transfer first fell back to the gateway (the bucket's answer, say); unset while none has. */
  fallbackReason?: string
}

/** Sends the blocks of one upload; `send` resolves once the node has counted the block. */
export interface BlockSender {
  /** Blocks that may be in flight at once. */
  readonly window: number
  send: (cid: CID, bytes: Uint8Array) => Promise<void>
}

export interface BlockTransport {
  readonly mode: 'proxy' | 'public' | 'authorised'
  readonly stats: TransferStats
  /** One block, verified against its CID (throws CidMismatchError). */
  fetch: (cid: CID, signal?: AbortSignal) => Promise<Uint8Array>
  /** Blocks about to be fetched, so that their URLs can be asked for in one request. */
  hint: (cids: CID[]) => void
  sender: (options: { concurrency: number, signal?: AbortSignal }) => BlockSender
}

function proxyTransport (api: NodeApi): BlockTransport {
  const stats: TransferStats = { directReads: 0, gatewayReads: 0, directWrites: 0, gatewayWrites: 0 }
  return {
    mode: 'proxy',
    stats,
    async fetch (cid, signal) {
      const bytes = await api.getBlock(cid.toString(), { signal })
      await verifyBlock(cid, bytes)
      stats.gatewayReads++
      return bytes
    },
    hint () {},
    sender: ({ concurrency, signal }) => ({
      window: concurrency,
      async send (cid, bytes) {
        await api.putBlock(cid.toString(), bytes, { signal })
        stats.gatewayWrites++
      }
    })
  }
}

const transports = new WeakMap<NodeApi, Promise<BlockTransport>>()

/** The transport this node offers, asked once per NodeApi. A node without the S3 routes is proxy. */
export async function transportFor (api: NodeApi): Promise<BlockTransport> {
  let transport = transports.get(api)
  if (transport == null) {
    transport = discover(api)
    transports.set(api, transport)
    transport.catch(() => { transports.delete(api) }) // an unreachable node is asked again next time
  }
  return await transport
}

async function discover (api: NodeApi): Promise<BlockTransport> {
  let config
  try {
    config = await api.s3Config()
  } catch (err) {
    if ((err instanceof ApiError && err.status === 404) || err instanceof BadResponseError) return proxyTransport(api)
    throw err
  }
  return config.direct === 'off' ? proxyTransport(api) : directTransport(api, { ...config, direct: config.direct })
}

/**
 * One line saying that direct S3 transfers fell back to the gateway, and why, for the CLI and the
 * web UI to show: a bucket without CORS or public reads otherwise costs the node's bandwidth
 * without a word. Undefined when nothing fell back.
 */
export function fallbackNote (transport: BlockTransport): string | undefined {
  const { stats } = transport
  if (transport.mode === 'proxy' || stats.fallbackReason == null) return undefined
  const blocks = stats.gatewayReads + stats.gatewayWrites
  return `direct S3 transfers failed (${stats.fallbackReason}); ${blocks} block${blocks === 1 ? '' : 's'} went through the node's gateway instead`
}

/** Fetches one block and checks that its bytes hash to `cid` (throws CidMismatchError). */
export async function fetchVerified (api: NodeApi, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  return await (await transportFor(api)).fetch(cid, signal)
}

/** URLs are asked for this many blocks ahead of the reader. */
const HINT_AHEAD = 64

/** Yields the blocks of `cids` in order, keeping up to `concurrency` requests in flight. */
export async function * fetchInOrder (api: NodeApi, cids: CID[], options: { concurrency?: number, signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
  const transport = await transportFor(api)
  const ahead = options.concurrency ?? 4
  const pending: Array<Promise<Uint8Array>> = []
  let next = 0
  let hinted = 0
  const fill = (): void => {
    if (hinted < cids.length && hinted - next < HINT_AHEAD / 2) {
      transport.hint(cids.slice(hinted, hinted + HINT_AHEAD))
      hinted = Math.min(cids.length, hinted + HINT_AHEAD)
    }
    while (pending.length < ahead && next < cids.length) {
      const request = transport.fetch(cids[next++] as CID, options.signal)
      request.catch(() => {}) // observed when awaited below; avoids an unhandled rejection meanwhile
      pending.push(request)
    }
  }
  fill()
  while (pending.length > 0) {
    const bytes = await (pending.shift() as Promise<Uint8Array>)
    fill()
    yield bytes
  }
}

/** Uploads blocks with a bounded number in flight; `put` waits only when the window is full. */
export class BlockUploader {
  private readonly api: NodeApi
  private readonly concurrency: number
  private readonly signal?: AbortSignal
  private readonly inFlight = new Set<Promise<void>>()
  private sender?: Promise<BlockSender>
  private failure?: unknown
  /** Bytes the node confirmed, for progress. */
  sentBytes = 0

  constructor (api: NodeApi, options: { concurrency?: number, signal?: AbortSignal } = {}) {
    this.api = api
    this.concurrency = options.concurrency ?? 4
    this.signal = options.signal
  }

  async put (cid: CID, bytes: Uint8Array, onDone?: () => void): Promise<void> {
    this.throwIfFailed()
    this.sender ??= transportFor(this.api).then((t) => t.sender({ concurrency: this.concurrency, signal: this.signal }))
    const sender = await this.sender
    while (this.inFlight.size >= sender.window) {
      await Promise.race(this.inFlight)
      this.throwIfFailed()
    }
    const task = sender.send(cid, bytes).then(() => {
      this.sentBytes += bytes.byteLength
      onDone?.()
    }, (err: unknown) => { this.failure ??= err })
    const tracked = task.finally(() => { this.inFlight.delete(tracked) })
    this.inFlight.add(tracked)
  }

  /** Waits for every upload started so far; throws the first failure. */
  async flush (): Promise<void> {
    await Promise.all(this.inFlight)
    this.throwIfFailed()
  }

  private throwIfFailed (): void {
    if (this.failure !== undefined) throw this.failure
  }
}
