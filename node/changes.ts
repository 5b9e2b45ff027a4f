/**
 * Live updates: the node tells a user's open tabs and devices that something they can read has
 * changed, so that they sync at once instead of at their next periodic refresh. A change names
 * only what the user could already ask about — ids of collections they own or are a member of,
 * or "the albums shared with you changed" — and carries no data: the client fetches the change
 * through its usual, checked sync path (src/client/library.ts), so a live update can never show
 * anything a sync would not.
 *
 * [Note: cheap live updates] One stream per tab (GET /api/v1/events, server-sent events), fed from
 * memory: a commit or a membership change looks up who may read the collection (its owner and
 * its members on this node) and writes one short line to each of their streams. Nothing is
 * stored, so a stream that was closed (the node restarted, the network went away) misses what
 * happened meanwhile; the client therefore syncs once whenever it (re)connects. Each user may
 * hold MAX_STREAMS_PER_USER streams and the node MAX_STREAMS in all (a stream costs a socket and
 * a few hundred bytes); a stream also ends after STREAM_LIFETIME_MS, so that a session that was
 * revoked meanwhile stops receiving anything once its client reconnects and is refused.
 */
import { NodeError } from './errors.ts'

/** What changed, for one user. */
export interface Change {
  /** Collections of theirs, or shared with them, with a new head. */
  collections?: string[]
  /** The list of albums shared with them changed (added, removed, role changed). */
  shared?: true
}

/** One open stream: receives changes until it is ended. */
export interface ChangeStream {
  send: (change: Change) => void
  end: () => void
}

export const MAX_STREAMS_PER_USER = 8
export const MAX_STREAMS = 10_000
export const STREAM_LIFETIME_MS = 10 * 60_000

export class TooManyStreamsError extends NodeError {
  constructor (message: string) { super('TOO_MANY_STREAMS', message, 429) }
}

export class ChangeFeed {
  private readonly streams = new Map<string, Set<ChangeStream>>()
  private total = 0

  /** Adds a stream for `userId`; the returned function removes it (and is safe to call twice). */
  subscribe (userId: string, stream: ChangeStream): () => void {
    const own = this.streams.get(userId) ?? new Set<ChangeStream>()
    if (own.size >= MAX_STREAMS_PER_USER) throw new TooManyStreamsError(`At most ${MAX_STREAMS_PER_USER} live update streams per user: close a tab or another device's app`)
    if (this.total >= MAX_STREAMS) throw new TooManyStreamsError('This node serves as many live update streams as it can; the app refreshes on its own meanwhile')
    own.add(stream)
    this.streams.set(userId, own)
    this.total++
    return () => {
      if (!own.delete(stream)) return
      this.total--
      if (own.size === 0 && this.streams.get(userId) === own) this.streams.delete(userId)
    }
  }

  /** Sends `change` to every open stream of each of `userIds`. */
  notify (userIds: Iterable<string>, change: Change): void {
    for (const userId of new Set(userIds)) {
      for (const stream of this.streams.get(userId) ?? []) {
        try {
          stream.send(change)
        } catch {
          // A stream whose socket broke is ended by its own close handler.
        }
      }
    }
  }

  /** The number of open streams (for tests and /healthz-like reporting). */
  get size (): number { return this.total }

  /** Ends every stream (the gateway is closing): clients reconnect to whatever answers next. */
  endAll (): void {
    for (const own of [...this.streams.values()]) for (const stream of [...own]) stream.end()
  }
}
