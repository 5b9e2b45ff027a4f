/**
 * A one-line progress bar on stderr for long commands: percentage, bytes, speed and time left,
 * redrawn at most ten times a second. When stderr is not a terminal (CI, pipes) or with --quiet it
 * stays silent and the command prints only its summary.
 */
import { formatBytes } from '../../src/format/byte-size.ts'
import { isQuiet, termSafe } from './output.ts'

export { formatBytes }

export class ProgressBar {
  private readonly total: number
  private readonly label: string
  private readonly started = Date.now()
  private readonly enabled = process.stderr.isTTY === true && !isQuiet()
  private lastDraw = 0
  private done = 0
  private note = ''

  constructor (label: string, total: number) {
    this.label = label
    this.total = Math.max(1, total)
  }

  update (done: number, note = this.note): void {
    this.done = done
    this.note = note
    const now = Date.now()
    if (!this.enabled || now - this.lastDraw < 100) return
    this.lastDraw = now
    this.draw()
  }

  finish (): void {
    if (this.enabled) process.stderr.write('\r\x1b[2K')
  }

  private draw (): void {
    const fraction = Math.min(1, this.done / this.total)
    const seconds = (Date.now() - this.started) / 1000
    const speed = seconds > 0 ? this.done / seconds : 0
    const left = speed > 0 ? (this.total - this.done) / speed : 0
    const width = 24
    const filled = Math.round(fraction * width)
    const bar = '='.repeat(filled) + ' '.repeat(width - filled)
    const eta = speed > 0 && fraction < 1 ? ` ${Math.ceil(left)}s left` : ''
    const line = `${this.label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(this.done)}/${formatBytes(this.total)} ${formatBytes(speed)}/s${eta} ${termSafe(this.note)}`
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`)
  }
}
