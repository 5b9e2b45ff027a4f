/**
 * The virtual-scrolled grid of items, grouped by day or month, with a date scrubber. Only the
 * rows on screen (plus one screen above and below) exist in the DOM, so 100 000 items scroll as
 * smoothly as 100. Rows and tiles are rendered by position, not keyed by item, so scrolling
 * reuses the same elements with other items rather than creating new ones. Arrow keys move
 * between tiles; Enter opens; Space selects.
 *
 * @fires item-open - an item was activated outside a selection ({ id, ids: the grid's items in order })
 * @fires selection-change - the selection changed ({ selected: Set<string> })
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { firstRowAt, layoutGrid, rowOfItem, GAP, type Grouping, type Layout, type Row } from '../state/grid-layout.ts'
import type { ItemView } from '../worker/protocol.ts'
import './photo-tile.ts'
import './date-scrubber.ts'
import type { DateScrubber } from './date-scrubber.ts'

@customElement('photo-grid')
export class PhotoGrid extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; contain: strict; }
    .scroller { position: absolute; inset: 0; overflow-y: auto; overflow-x: hidden; overscroll-behavior: contain; }
    .space { position: relative; margin: 0 1rem; }
    .row { position: absolute; left: 0; right: 0; }
    .tiles { display: grid; gap: ${GAP}px; }
    h3 { margin: 0; padding: 1.1rem 0 .5rem; font-size: .95rem; font-weight: 600; height: 48px; box-sizing: border-box; }
    date-scrubber { position: absolute; top: 0; bottom: 0; right: 0; z-index: 2; }
    @media (max-width: 600px) { .space { margin: 0 2px; } h3 { padding-left: .6rem; } }
  `

  /** Items to show, already in display order (newest first). */
  @property({ attribute: false }) items: ItemView[] = []
  /** How rows are grouped under headers. */
  @property() grouping: Grouping = 'day'
  /** Ids of selected items. */
  @property({ attribute: false }) selected: Set<string> = new Set()

  @state() private layout?: Layout
  @state() private range: [number, number] = [0, 0]
  /** Scroll offset; not reactive: only the scrubber follows it, set directly each frame. */
  private offset = 0
  private width = 0
  private frame = 0
  private focusIndex = -1
  private readonly resize = new ResizeObserver(() => { this.relayout() })

  override connectedCallback (): void {
    super.connectedCallback()
    this.resize.observe(this)
    this.addEventListener('keydown', this.onKey)
    this.addEventListener('tile-activate', this.onActivate as EventListener)
    this.addEventListener('tile-select', this.onSelect as EventListener)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.resize.disconnect()
    cancelAnimationFrame(this.frame)
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('items') || changed.has('grouping')) this.relayout()
  }

  private get scroller (): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroller')
  }

  private relayout (): void {
    const width = this.clientWidth - (window.innerWidth <= 600 ? 4 : 32)
    if (width <= 0) return
    this.width = width
    this.layout = layoutGrid(this.items, width, this.grouping, window.innerWidth <= 600 ? 110 : 180)
    this.updateRange()
  }

  private readonly onScroll = (): void => {
    cancelAnimationFrame(this.frame)
    this.frame = requestAnimationFrame(() => { this.updateRange() })
  }

  private updateRange (): void {
    const rows = this.layout?.rows ?? []
    const top = this.offset = this.scroller?.scrollTop ?? 0
    const scrubber = this.renderRoot.querySelector<DateScrubber>('date-scrubber')
    if (scrubber != null) scrubber.position = top
    const height = this.clientHeight
    const first = firstRowAt(rows, Math.max(0, top - height))
    const last = Math.min(rows.length, firstRowAt(rows, top + height * 2) + 1)
    if (first !== this.range[0] || last !== this.range[1]) this.range = [first, last]
  }

  /** Scrolls so that item `index` is on screen. */
  scrollToItem (index: number): void {
    const row = this.layout != null ? rowOfItem(this.layout.tileRows, index) : undefined
    const scroller = this.scroller
    if (row == null || scroller == null) return
    if (row.top < scroller.scrollTop) scroller.scrollTop = row.top - 56
    else if (row.top + row.height > scroller.scrollTop + this.clientHeight) scroller.scrollTop = row.top + row.height - this.clientHeight
    this.updateRange()
  }

  private readonly onScrub = (event: CustomEvent<{ top: number }>): void => {
    if (this.scroller != null) this.scroller.scrollTop = event.detail.top
    this.updateRange()
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    const columns = this.layout?.columns ?? 1
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns } as Record<string, number>
    const delta = step[event.key]
    if (delta == null || this.items.length === 0) return
    event.preventDefault()
    const active = (this.shadowRoot?.activeElement as HTMLElement | null)?.dataset.index
    const from = active != null ? Number(active) : this.focusIndex
    this.focusIndex = Math.max(0, Math.min(this.items.length - 1, from < 0 ? 0 : from + delta))
    this.scrollToItem(this.focusIndex)
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector<HTMLElement>(`photo-tile[data-index="${this.focusIndex}"]`)?.focus()
    })
  }

  private readonly onActivate = (event: CustomEvent<{ id: string }>): void => {
    event.stopPropagation()
    if (this.selected.size > 0) this.toggle(event.detail.id)
    else this.dispatchEvent(new CustomEvent('item-open', { detail: { id: event.detail.id, ids: this.items.map((i) => i.id) }, bubbles: true, composed: true }))
  }

  private readonly onSelect = (event: CustomEvent<{ id: string }>): void => {
    event.stopPropagation()
    this.toggle(event.detail.id)
  }

  private toggle (id: string): void {
    const next = new Set(this.selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    this.dispatchEvent(new CustomEvent('selection-change', { detail: { selected: next }, bubbles: true, composed: true }))
  }

  private renderRow (row: Row, layout: Layout) {
    if (row.kind === 'header') return html`<div class="row" style="transform:translateY(${row.top}px)"><h3>${row.label}</h3></div>`
    const tiles = this.items.slice(row.start, row.end)
    const selecting = this.selected.size > 0
    return html`<div class="row tiles" role="list" style="transform:translateY(${row.top}px);grid-template-columns:repeat(${layout.columns},${layout.size}px);grid-auto-rows:${layout.size}px">
      ${tiles.map((item, i) => html`<photo-tile role="listitem" data-index=${row.start + i} .item=${item}
        ?selected=${this.selected.has(item.id)} ?selecting=${selecting}></photo-tile>`)}
    </div>`
  }

  override render () {
    const layout = this.layout
    if (layout == null) return nothing
    const rows = layout.rows.slice(this.range[0], this.range[1])
    return html`
      ${layout.height > this.clientHeight * 3 && this.grouping !== 'none'
        ? html`<date-scrubber .marks=${layout.marks} .total=${layout.height} .viewport=${this.clientHeight} .position=${this.offset}
            @scrub=${this.onScrub}></date-scrubber>`
        : nothing}
      <div class="scroller" @scroll=${this.onScroll}>
        <div class="space" style="height:${layout.height}px;width:${this.width}px">
          ${rows.map((row) => this.renderRow(row, layout))}
        </div>
      </div>
    `
  }
}
