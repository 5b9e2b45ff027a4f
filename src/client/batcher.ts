/**
 * Coalesces one-item requests into batched calls. Items added while a call is in flight wait and
 * go together in the next call (at most `maxBatch` per call), so a pipeline that handles blocks
 * one at a time costs a few round trips per batch instead of one per block, without a timer:
 * the batch size adapts to how fast items arrive relative to the round trip.
 */
export interface BatcherOptions {
  /** Items per call. */
  maxBatch: number
  /** Calls in flight at once (default 1). */
  maxInFlight?: number
}

interface Waiting<I, O> { item: I, resolve: (value: O) => void, reject: (err: unknown) => void }

export class Batcher<I, O> {
  private readonly run: (items: I[]) => Promise<O[]>
  private readonly maxBatch: number
  private readonly maxInFlight: number
  private readonly queue: Array<Waiting<I, O>> = []
  private inFlight = 0
  private scheduled = false

  /** `run` gets the items of one call and returns one result per item, in the same order. */
  constructor (run: (items: I[]) => Promise<O[]>, options: BatcherOptions) {
    this.run = run
    this.maxBatch = options.maxBatch
    this.maxInFlight = options.maxInFlight ?? 1
  }

  /** Resolves with this item's result, or rejects with its call's failure. */
  async add (item: I): Promise<O> {
    return await new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (!this.scheduled) {
        // Items added in the same tick join the first call too.
        this.scheduled = true
        queueMicrotask(() => {
          this.scheduled = false
          this.pump()
        })
      }
    })
  }

  private pump (): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
      this.inFlight++
      this.run(batch.map((w) => w.item))
        .then((results) => {
          if (results.length !== batch.length) throw new Error(`a batched call returned ${results.length} results for ${batch.length} items`)
          for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as O)
        })
        .catch((err: unknown) => { for (const waiting of batch) waiting.reject(err) })
        .finally(() => {
          this.inFlight--
          this.pump()
        })
    }
  }
}
