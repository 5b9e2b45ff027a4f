/**
 * A fixed-window counter of failures per key (client address plus username or link token).
 * Login and link routes count their failures here and refuse a key that failed too often, so
 * passwords and link tokens cannot be guessed at network speed.
 */
import { RateLimitedError } from '../../node/errors.ts'

export interface RateLimiterOptions {
  /** Failures allowed per window. */
  limit: number
  /** Window length in milliseconds. */
  windowMs: number
}

export class FailureLimiter {
  private readonly options: RateLimiterOptions
  private readonly windows = new Map<string, { count: number, resetAt: number }>()

  constructor (options: RateLimiterOptions) {
    this.options = options
  }

  /** Throws RateLimitedError when `key` has used up its failures for this window. */
  check (key: string): void {
    const window = this.windows.get(key)
    if (window == null) return
    const now = Date.now()
    if (window.resetAt <= now) {
      this.windows.delete(key)
      return
    }
    if (window.count >= this.options.limit) throw new RateLimitedError(Math.ceil((window.resetAt - now) / 1000))
  }

  fail (key: string): void {
    const now = Date.now()
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
