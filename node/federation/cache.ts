/**
 * The member's node's cache of blocks it fetched from albums' home nodes (mirror.ts), bounded by
 * `federation.cacheBytes`: when a fetch takes it past the bound, the least recently read blocks
 * go until it is 10% under. Only fetched blocks are counted and evicted: a collaborator's own
 * uploads are blocks of its account here (`blocks` records them) and stay, as does any fetched
 * block a local account has since stored. An evicted block is fetched again on its next read, if
 * the home node answers. Read times are written at most once a minute per block, so that
 * reading from the cache stays a read.
 */
import { CID } from 'multiformats/cid'
import type { BlockStorage } from '../blocks.ts'
import type { NodeDatabase } from '../db.ts'

const TOUCH_EVERY_MS = 60_000

export interface MirrorCacheOptions {
  maxBytes: number
  now?: () => number
}

/** What the cache holds, in all or of one album. */
export interface CacheUse { blocks: number, bytes: number }

export class MirrorCache {
  private readonly db: NodeDatabase
  private readonly store: BlockStorage
  private readonly maxBytes: number
  private readonly now: () => number
  private total = 0
  private pruning?: Promise<void>

  constructor (db: NodeDatabase, store: BlockStorage, options: MirrorCacheOptions) {
    this.db = db
    this.store = store
    this.maxBytes = options.maxBytes
    this.now = options.now ?? Date.now
  }

  async start (): Promise<void> {
    this.total = 0
    for await (const entry of this.db.mirrorCache.values()) this.total += entry.bytes
  }

  get bytes (): number { return this.total }

  /** A block just fetched from a home node and stored here. */
  async added (cid: CID, bytes: number): Promise<void> {
    const key = cid.toString()
    const existing = await this.db.mirrorCache.get(key)
    await this.db.mirrorCache.put(key, { bytes, usedAt: this.now() })
    this.total += bytes - (existing?.bytes ?? 0)
    if (this.total > this.maxBytes) await this.prune()
  }

  /** A cached block was read. */
  async touched (cid: CID): Promise<void> {
    const key = cid.toString()
    const entry = await this.db.mirrorCache.get(key)
    if (entry == null || this.now() - entry.usedAt < TOUCH_EVERY_MS) return
    await this.db.mirrorCache.put(key, { ...entry, usedAt: this.now() })
  }

  /** Evicts the least recently read blocks until the cache is 10% under its bound (one run at a time). */
  async prune (): Promise<void> {
    this.pruning ??= this.evict().finally(() => { this.pruning = undefined })
    return this.pruning
  }

  /** Blocks and bytes cached for each of `collections` (a block linked by two counts for both). */
  async usage (collections: string[]): Promise<Map<string, CacheUse>> {
    const out = new Map(collections.map((c) => [c, { blocks: 0, bytes: 0 }]))
    for await (const [key, entry] of this.db.mirrorCache.iterator()) {
      for (const collection of Object.keys(await this.db.mirrorContainers.get(key) ?? {})) {
        const use = out.get(collection)
        if (use == null) continue
        use.blocks++
        use.bytes += entry.bytes
      }
    }
    return out
  }

  private async evict (): Promise<void> {
    const target = Math.floor(this.maxBytes * 0.9)
    const entries: Array<{ key: string, bytes: number, usedAt: number }> = []
    for await (const [key, entry] of this.db.mirrorCache.iterator()) entries.push({ key, ...entry })
    entries.sort((x, y) => x.usedAt - y.usedAt)
    for (const entry of entries) {
      if (this.total <= target) break
      await this.db.mirrorCache.del(entry.key)
      this.total -= entry.bytes
      // A block a local account stored (a collaborator's upload, the same bytes) is not the cache's to delete.
      if (await this.db.blocks.get(entry.key) == null) await this.store.delete(CID.parse(entry.key))
    }
  }
}
