/**
 * A keyed async mutex. Heads, quotas and reference counts are read-modify-write sequences on
 * LevelDB; running them one at a time per key (a collection id, a user id) is what makes the
 * compare-and-swap and the byte counts exact when requests arrive concurrently.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `fn` once every earlier holder of `key` has finished. */
  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const current = new Promise<void>((resolve) => { release = resolve })
    const tail = previous.then(() => current)
    this.tails.set(key, tail)
    await previous
    try {
      return await fn()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
