/**
 * The garbage collector of unlinked blocks. A block uploaded through the gateway (or registered
 * after a direct S3 upload) is charged to its uploader at once but referenced only when a commit
 * links it; one that no commit links — an upload abandoned in a browser, a killed CLI upload
 * never resumed, a client filling the node on purpose — would otherwise hold disk space and
 * quota forever. Every `sweepEveryMs` this reads the front of the `unlinked` index (blocks by the
 * start of their grace period) up to `now - graceMs` and has Blocks delete each one that is
 * still unlinked under its lock, giving its bytes back to every owner.
 *
 * The grace period (24 h by default, `blocks.unlinkedGraceSeconds`) must outlast any upload
 * between its first block and its commit, and the pause of an upload that is resumed: a resumed
 * upload asks the node which blocks it has (`POST /blocks/have`), which restarts their grace
 * period, and re-sends the ones collected meanwhile. A commit restarts it too, for what it links,
 * before it counts its links (`Blocks.hold`), so a sweep cannot take a block a commit is linking.
 *
 * A sweep reads only expired entries, a page at a time, so its cost follows the number of
 * blocks to collect, not the number stored. Failures (a bucket that is away) wait for the next
 * round.
 */
import type { Blocks, CollectOutcome } from './blocks.ts'
import { timeKey, type NodeDatabase } from './db.ts'
import { Periodic } from './periodic.ts'

/** Index entries read per page. */
const PAGE = 500

export interface BlockCollectorOptions {
  db: NodeDatabase
  blocks: Pick<Blocks, 'collectUnlinked' | 'finishReleases'>
  /** How long a block may stay unlinked before it is collected. */
  graceMs: number
  /** How often `sweep` runs once `start` was called. */
  sweepEveryMs: number
  now?: () => number
}

export interface SweepResult {
  /** Blocks deleted and refunded. */
  collected: number
  /** Blocks past their grace period that are still needed (given another one). */
  kept: number
  /** Index entries that no longer matched their block (linked or renewed meanwhile). */
  stale: number
  /** Deletions left half-done by a crash or a store failure, completed first. */
  finished: number
}

export class BlockCollector {
  private readonly db: NodeDatabase
  private readonly blocks: BlockCollectorOptions['blocks']
  private readonly graceMs: number
  private readonly now: () => number
  private readonly periodic: Periodic
  private stopping = false

  constructor (options: BlockCollectorOptions) {
    this.db = options.db
    this.blocks = options.blocks
    this.graceMs = options.graceMs
    this.periodic = new Periodic(async () => await this.sweep(), options.sweepEveryMs)
    this.now = options.now ?? Date.now
  }

  /**
   * Collects every block whose grace period ended before now. Stops early, between blocks, when
   * the node is stopping.
   */
  async sweep (): Promise<SweepResult> {
    const result: SweepResult = { collected: 0, kept: 0, stale: 0, finished: await this.blocks.finishReleases() }
    const before = timeKey(this.now() - this.graceMs)
    let after: string | undefined
    while (!this.stopping) {
      const page: string[] = []
      for await (const entry of this.db.unlinked.keys({ ...(after != null ? { gt: after } : {}), lt: before, limit: PAGE })) page.push(entry)
      for (const entry of page) {
        if (this.stopping) break
        const outcome: CollectOutcome = await this.blocks.collectUnlinked(entry)
        result[outcome]++
      }
      if (page.length < PAGE) break
      after = page[page.length - 1]
    }
    return result
  }

  /** Sweeps now and then every `sweepEveryMs`; a failed sweep is retried at the next round. */
  start (): void {
    this.periodic.start()
  }

  /** Stops the timer and waits for a sweep under way to finish its current block. */
  async stop (): Promise<void> {
    this.stopping = true
    await this.periodic.stop()
  }
}
