/**
 * A fixed-window counter of failures per key (client address plus username or link token).
 * Login and link routes count their failures here and refuse a key that failed too often, so
 * passwords and link tokens cannot be guessed at network speed. Routes that anyone may call
 * without an account (login challenges) count every request, not only failures, so that one
 * client cannot make the node do unbounded work.
 */
import { RateLimitedError } from '../../node/errors.ts'

export interface RateLimiterOptions {
  /** Failures allowed per window. */
  limit: number
  /** Window length in milliseconds. */
  windowMs: number
  /** The clock; tests move it instead of waiting. */
  now?: () => number
}

export class FailureLimiter {
  private readonly options: RateLimiterOptions
  private readonly windows = new Map<string, { count: number, resetAt: number }>()
  private readonly now: () => number

  constructor (options: RateLimiterOptions) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  /** Throws RateLimitedError when `key` has used up its failures for this window. */
  check (key: string): void {
    const window = this.windows.get(key)
    if (window == null) return
    const now = this.now()
    if (window.resetAt <= now) {
      this.windows.delete(key)
      return
    }
    if (window.count >= this.options.limit) throw new RateLimitedError(Math.ceil((window.resetAt - now) / 1000))
  }

  /** Counts one failure (or, for routes that count every request, one request) against `key`. */
  fail (key: string): void {
    const now = this.now()
    const window = this.windows.get(key)
    if (window == null || window.resetAt <= now) {
      if (this.windows.size > 100_000) this.prune(now)
      this.windows.set(key, { count: 1, resetAt: now + this.options.windowMs })
    } else {
      window.count++
    }
  }

  private prune (now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}
