/**
 * The date scrubber beside the grid: years marked along the right edge at the height where they
 * start, a handle where the view is, and a bubble naming the month under the pointer. Dragging
 * or clicking jumps there; as a slider it also answers the arrow keys (one month) and Page
 * Up/Down (one year).
 *
 * @fires scrub - the user picked a place ({ top: scroll offset in pixels })
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import type { Mark } from './grid-layout.ts'

@customElement('date-scrubber')
export class DateScrubber extends LitElement {
  static override styles = css`
    :host { display: block; width: 56px; touch-action: none; user-select: none; cursor: ns-resize; }
    .track { position: absolute; inset: 8px 0 8px 0; }
    .year { position: absolute; right: 8px; font-size: .7rem; color: var(--fg-soft); transform: translateY(-50%); }
    .handle { position: absolute; right: 2px; width: 28px; height: 4px; border-radius: 2px; background: var(--accent); opacity: .8; }
    .bubble { position: absolute; right: 40px; transform: translateY(-50%); background: var(--bg-raised); box-shadow: var(--shadow);
      border-radius: 999px; padding: .25rem .7rem; font-size: .8rem; white-space: nowrap; pointer-events: none; }
    :host(:focus-visible) { outline: 2px solid var(--accent); outline-offset: -2px; }
  `

  /** Where each month starts, in grid pixels (from the grid's layout). */
  @property({ attribute: false }) marks: Mark[] = []
  /** Height of the whole grid, in pixels. */
  @property({ type: Number }) total = 1
  /** Height of the visible part of the grid. */
  @property({ type: Number }) viewport = 1
  /** Current scroll offset of the grid. */
  @property({ type: Number }) position = 0

  @state() private hover?: { y: number, label: string }
  private dragging = false

  override connectedCallback (): void {
    super.connectedCallback()
    this.tabIndex = 0
    this.setAttribute('role', 'slider')
    this.setAttribute('aria-label', 'Jump to a date')
    this.addEventListener('pointerdown', this.down)
    this.addEventListener('pointermove', this.move)
    this.addEventListener('pointerup', this.up)
    this.addEventListener('pointerleave', () => { if (!this.dragging) this.hover = undefined })
    this.addEventListener('keydown', this.key)
  }

  private get trackHeight (): number {
    return Math.max(1, this.clientHeight - 16)
  }

  private markAt (top: number): Mark | undefined {
    let found = this.marks[0]
    for (const mark of this.marks) {
      if (mark.top > top) break
      found = mark
    }
    return found
  }

  private topFor (y: number): number {
    return Math.max(0, Math.min(1, (y - 8) / this.trackHeight)) * Math.max(0, this.total - this.viewport)
  }

  private readonly down = (event: PointerEvent): void => {
    this.dragging = true
    this.setPointerCapture(event.pointerId)
    this.move(event)
  }

  private readonly move = (event: PointerEvent): void => {
    const y = event.clientY - this.getBoundingClientRect().top
    const top = this.topFor(y)
    this.hover = { y, label: this.markAt(top)?.label ?? '' }
    if (this.dragging) this.emit(top)
  }

  private readonly up = (event: PointerEvent): void => {
    this.dragging = false
    this.releasePointerCapture(event.pointerId)
  }

  private readonly key = (event: KeyboardEvent): void => {
    const current = this.marks.findIndex((m) => m.top > this.position + 1)
    const index = (current < 0 ? this.marks.length : current) - 1
    let target: number | undefined
    if (event.key === 'ArrowDown') target = index + 1
    else if (event.key === 'ArrowUp') target = index - 1
    else if (event.key === 'PageDown') {
      const older = this.marks.findIndex((m, i) => i > index && m.year < (this.marks[index]?.year ?? 0))
      target = older < 0 ? this.marks.length - 1 : older
    }
    else if (event.key === 'PageUp') target = Math.max(0, this.marks.findIndex((m) => m.year === (this.marks[index]?.year ?? 0) + 1))
    else if (event.key === 'Home') target = 0
    else if (event.key === 'End') target = this.marks.length - 1
    if (target == null) return
    event.preventDefault()
    const mark = this.marks[Math.max(0, Math.min(this.marks.length - 1, target))]
    if (mark != null) this.emit(mark.top)
  }

  private emit (top: number): void {
    this.dispatchEvent(new CustomEvent('scrub', { detail: { top } }))
  }

  override render () {
    const span = Math.max(1, this.total - this.viewport)
    const years: Array<{ y: number, year: number }> = []
    for (const mark of this.marks) {
      if (years.at(-1)?.year === mark.year) continue
      const y = 8 + (Math.min(mark.top, span) / span) * this.trackHeight
      if (years.length === 0 || y - (years.at(-1)?.y ?? 0) > 18) years.push({ y, year: mark.year })
    }
    this.setAttribute('aria-valuetext', this.markAt(this.position)?.label ?? '')
    return html`
      ${years.map((y) => html`<span class="year" style="top:${y.y}px">${y.year}</span>`)}
      <span class="handle" style="top:${8 + (Math.min(this.position, span) / span) * this.trackHeight}px"></span>
      ${this.hover != null ? html`<span class="bubble" style="top:${this.hover.y}px">${this.hover.label}</span>` : nothing}
    `
  }
}
