/**
 * Notifications to other nodes ("this album is now shared with your user", "… no longer"),
 * kept in LevelDB until delivered. A notification is tried at once, within the federation time
 * limit; a node that is down gets it when it is back: on a timer, and as soon as libp2p connects
 * to it. A newer notification about the same member of the same album replaces an older one, so
 * a member's node never receives a share after its removal.
 */
import type { OutboxEntry, NodeDatabase } from '../db.ts'
import type { PeerClient } from './p2p-http.ts'

export interface OutboxOptions {
  timeoutMs: number
  log?: (line: string) => void
  /** How often undelivered notifications are tried again. */
  retryMs?: number
}

export class Outbox {
  private readonly db: NodeDatabase
  private readonly client: PeerClient
  private readonly options: OutboxOptions
  private timer?: ReturnType<typeof setInterval>
  private readonly sending = new Map<string, Promise<boolean>>()

  constructor (db: NodeDatabase, client: PeerClient, options: OutboxOptions) {
    this.db = db
    this.client = client
    this.options = options
  }

  start (): void {
    this.timer = setInterval(() => { this.flush().catch(() => {}) }, this.options.retryMs ?? 30_000)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer != null) clearInterval(this.timer)
  }

  /** Records the notification under `key` (replacing an older one) and tries to deliver it now. */
  async send (key: string, entry: Omit<OutboxEntry, 'createdAt' | 'attempts'>): Promise<boolean> {
    await this.db.outbox.put(key, { ...entry, createdAt: Date.now(), attempts: 0 })
    return this.deliver(key)
  }

  /** Tries every undelivered notification (to one peer, when given). */
  async flush (peerId?: string): Promise<void> {
    const range = peerId != null ? { gt: `${peerId}!`, lt: `${peerId}"` } : {}
    const keys: string[] = []
    for await (const key of this.db.outbox.keys(range)) keys.push(key)
    await Promise.all(keys.map(async (key) => await this.deliver(key)))
  }

  /** Peers with notifications waiting. */
  async pendingPeers (): Promise<string[]> {
    const peers = new Set<string>()
    for await (const entry of this.db.outbox.values()) peers.add(entry.peer.peerId)
    return [...peers]
  }

  private async deliver (key: string): Promise<boolean> {
    const running = this.sending.get(key)
    if (running != null) return running
    const attempt = this.attempt(key).finally(() => { this.sending.delete(key) })
    this.sending.set(key, attempt)
    return attempt
  }

  private async attempt (key: string): Promise<boolean> {
    const entry = await this.db.outbox.get(key)
    if (entry == null) return true
    try {
      const res = await this.client.request(entry.peer, entry.path, { method: entry.method, body: entry.body, timeoutMs: this.options.timeoutMs })
      // Replaced by a newer notification while this one was on its way: leave that one be.
      const current = await this.db.outbox.get(key)
      if (current?.createdAt === entry.createdAt) await this.db.outbox.del(key)
      if (res.status >= 400) {
        this.options.log?.(`federation: ${entry.peer.peerId} refused ${entry.method} ${entry.path} (${res.status}); not retried`)
        return false
      }
      return true
    } catch (err) {
      const current = await this.db.outbox.get(key)
      if (current?.createdAt === entry.createdAt) await this.db.outbox.put(key, { ...entry, attempts: entry.attempts + 1 })
      this.options.log?.(`federation: could not notify ${entry.peer.peerId} yet (${(err as Error).message}); will retry`)
      return false
    }
  }
}
