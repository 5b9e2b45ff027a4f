/**
 * Follows a user's live updates (GET /api/v1/events, node/changes.ts) for as long as a client is
 * logged in: it reconnects after the stream ends or the node goes away (waiting 1 s, doubling to
 * 30 s, back to 1 s once connected), and stops when the session is refused (401/403) or the
 * caller aborts. It never applies a change itself: it tells the caller, who syncs through its
 * usual checked path.
 *
 * [Note: sync on reconnect] The node keeps no backlog of changes, so whatever happened while no
 * stream was open (the node restarted, the laptop slept) is caught by one sync as soon as a new
 * stream is ready: `onChange` then gets `{ reconnected: true }`. The first connection gets none,
 * as the caller has just synced.
 */
import { ApiError } from './errors.ts'
import type { ApiChange, NodeApi } from './api.ts'

export type LiveChange = ApiChange & { reconnected?: true }
export type LiveState = 'live' | 'reconnecting' | 'stopped'

export interface FollowOptions {
  signal: AbortSignal
  /** Told when the stream is up, lost (and being retried), or given up (session refused). */
  onState?: (state: LiveState, reason?: unknown) => void
  /** Waits `ms` before a reconnection; tests pass one that does not sleep. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>
  minDelayMs?: number
  maxDelayMs?: number
}

export async function followChanges (api: Pick<NodeApi, 'events'>, onChange: (change: LiveChange) => void, options: FollowOptions): Promise<void> {
  const { signal } = options
  const wait = options.wait ?? sleep
  const min = options.minDelayMs ?? 1_000
  const max = options.maxDelayMs ?? 30_000
  let delay = min
  let connections = 0
  while (!signal.aborted) {
    try {
      for await (const event of api.events({ signal })) {
        if (event.type === 'ready') {
          delay = min
          options.onState?.('live')
          if (connections++ > 0) onChange({ reconnected: true })
        } else {
          onChange(event.change)
        }
      }
    } catch (err) {
      if (signal.aborted) return
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        options.onState?.('stopped', err)
        return
      }
      options.onState?.('reconnecting', err)
    }
    if (signal.aborted) return
    options.onState?.('reconnecting')
    await wait(delay, signal)
    delay = Math.min(delay * 2, max)
  }
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
