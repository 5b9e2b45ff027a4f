/**
 * Moving blocks between the client and a node. Uploads run a few at a time with backpressure
 * (at most `concurrency` blocks of ~1 MiB in memory); downloads prefetch a few blocks ahead and
 * hand them over in order, each verified against its CID before anyone sees its bytes.
 */
import { verifyBlock, type CID } from '../format/cid.ts'
import type { NodeApi } from './api.ts'

/** Fetches one block and checks that its bytes hash to `cid` (throws CidMismatchError). */
export async function fetchVerified (api: NodeApi, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  const bytes = await api.getBlock(cid.toString(), { signal })
  await verifyBlock(cid, bytes)
  return bytes
}

/** Yields the blocks of `cids` in order, keeping up to `concurrency` requests in flight. */
export async function * fetchInOrder (api: NodeApi, cids: CID[], options: { concurrency?: number, signal?: AbortSignal } = {}): AsyncGenerator<Uint8Array> {
  const ahead = options.concurrency ?? 4
  const pending: Array<Promise<Uint8Array>> = []
  let next = 0
  const fill = (): void => {
    while (pending.length < ahead && next < cids.length) {
      const request = fetchVerified(api, cids[next++] as CID, options.signal)
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

/** Uploads blocks with at most `concurrency` in flight; `put` waits only when the window is full. */
export class BlockUploader {
  private readonly api: NodeApi
  private readonly concurrency: number
  private readonly signal?: AbortSignal
  private readonly inFlight = new Set<Promise<void>>()
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
    while (this.inFlight.size >= this.concurrency) {
      await Promise.race(this.inFlight)
      this.throwIfFailed()
    }
    const task = this.api.putBlock(cid.toString(), bytes, { signal: this.signal }).then(() => {
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
