/**
 * Background work the node repeats (the sweeps of direct-s3.ts and block-gc.ts): one run at
 * once, then one every `everyMs`, never two at a time; a run that fails waits for the next round
 * (a bucket that is away comes back). The timer does not keep the process alive, and `stop`
 * waits for a run under way.
 */
export class Periodic {
  private readonly task: () => Promise<unknown>
  private readonly everyMs: number
  private timer?: NodeJS.Timeout
  private running?: Promise<unknown>

  constructor (task: () => Promise<unknown>, everyMs: number) {
    this.task = task
    this.everyMs = everyMs
  }

  start (): void {
    const run = (): void => {
      this.running ??= this.task().catch(() => {}).finally(() => { this.running = undefined })
    }
    run()
    this.timer = setInterval(run, this.everyMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }
}
