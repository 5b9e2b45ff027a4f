/**
 * The virtual-scrolled grid of items in justified rows (components/grid-layout.ts), grouped by day or
 * month, with a thumbnail-size control and, in a column of its own beside the tiles, a date
 * scrubber. The layout is computed once per width, size or items change; only the rows on
 * screen (plus one screen above and below) exist in the DOM, so 100 000 items scroll as
 * smoothly as 100. Rows and tiles are rendered by position, not keyed by item, so scrolling
 * reuses the same elements with other items rather than creating new ones. Arrow keys move
 * between tiles (up and down to the nearest tile of the row above or below); Enter opens;
 * Space selects; shift-click selects a range (state/selection.ts); a day's label (a month's
 * header in a month grid) has a check that selects the whole day (month).
 *
 * @fires item-open - an item was activated outside a selection ({ id, ids: the grid's items in order })
 * @fires selection-change - the selection changed ({ selected: Set<string> })
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { firstRowAt, layoutGrid, rowIndexOfItem, rowOfItem, tileBoxes, HEADER, LABEL, type Grouping, type Layout, type Row } from './grid-layout.ts'
import { dayRange, allSelected, toggledGroup, withRange } from '../state/selection.ts'
import { icon } from './icons.ts'
import type { ItemView } from '../worker/protocol.ts'
import './photo-tile.ts'
import './date-scrubber.ts'
import type { DateScrubber } from './date-scrubber.ts'

/** Width of the scrubber's column, on wide and on narrow screens. */
const SCRUBBER = { wide: 56, narrow: 36 }
/** Target row heights of the thumbnail-size control, on wide and on narrow screens. */
const SIZES = { wide: [80, 110, 160, 240], narrow: [64, 110, 150, 200] }
const SIZE_KEY = 'obscura.thumbnail-size'

function savedSize (): number {
  const saved = Number(globalThis.localStorage?.getItem(SIZE_KEY) ?? NaN)
  return Number.isInteger(saved) && saved >= 0 && saved < SIZES.wide.length ? saved : 1
}

@customElement('photo-grid')
export class PhotoGrid extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; contain: strict; }
    .scroller { position: absolute; inset: 0; overflow-y: auto; overflow-x: hidden; overscroll-behavior: contain; }
    .scroller.scrubbed { scrollbar-width: none; }
    .space { position: relative; margin: 0 1rem; }
    .row { position: absolute; left: 0; right: 0; }
    .row > photo-tile { position: absolute; }
    .day { position: absolute; top: 0; height: ${LABEL}px; line-height: ${LABEL + 2}px; font-size: .82rem; font-weight: 500;
      color: var(--fg-soft); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; display: flex; align-items: center; gap: .25rem; }
    h3 { margin: 0; padding: 1rem 0 .3rem; font-size: 1.15rem; font-weight: 600; height: ${HEADER}px; box-sizing: border-box; display: flex; align-items: center; gap: .4rem; }
    .group-pick { all: unset; cursor: pointer; width: 1.1rem; height: 1.1rem; flex: none; border-radius: 50%; border: 2px solid var(--fg-soft);
      display: grid; place-items: center; color: white; opacity: 0; transition: opacity .12s; box-sizing: border-box; }
    .group-pick svg { width: .8rem; height: .8rem; }
    .day:hover .group-pick, h3:hover .group-pick, .group-pick:focus-visible, :host([selecting]) .group-pick { opacity: 1; }
    .group-pick[aria-pressed=true] { background: var(--accent); border-color: var(--accent); opacity: 1; }
    .group-pick:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
    date-scrubber { position: absolute; top: 0; bottom: 0; right: 0; z-index: 2; }
    .sizes { position: absolute; top: 18px; right: 0; z-index: 3; display: flex; gap: 2px; background: var(--bg-raised);
      border: 1px solid var(--line); border-radius: 999px; padding: 1px; box-shadow: var(--shadow); }
    .sizes button { all: unset; cursor: pointer; width: 1.9rem; height: 1.6rem; display: grid; place-items: center; border-radius: 999px;
      font-size: 1rem; color: var(--fg); }
    .sizes button:hover { background: var(--bg-soft); }
    .sizes button:disabled { opacity: .35; cursor: default; }
    .sizes button:focus-visible { outline: 2px solid var(--accent); }
    @media (max-width: 600px) { .space { margin: 0 2px; } h3, .day { padding-left: .4rem; } date-scrubber { width: ${SCRUBBER.narrow}px; } }
  `

  /** Items to show, already in display order (newest first). */
  @property({ attribute: false }) items: ItemView[] = []
  /** How rows are grouped under headers. */
  @property() grouping: Grouping = 'day'
  /** Whether items can be selected (tiles and days offer their checks). */
  @property({ type: Boolean }) selectable = true
  /** Ids of selected items. */
  @property({ attribute: false }) selected: Set<string> = new Set()

  @state() private layout?: Layout
  @state() private range: [number, number] = [0, 0]
  /** Index into SIZES of the chosen thumbnail size (kept in localStorage). */
  @state() private size = savedSize()
  /** Scroll offset; not reactive: only the scrubber follows it, set directly each frame. */
  private offset = 0
  private width = 0
  private frame = 0
  private focusIndex = -1
  /** The item a shift-click selects a range from: the last one selected or unselected. */
  private anchor = -1
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
    this.toggleAttribute('selecting', this.selected.size > 0)
    if (changed.has('items') || changed.has('grouping') || (changed as PropertyValues).has('size')) this.relayout()
  }

  private setSize (size: number): void {
    this.size = Math.max(0, Math.min(SIZES.wide.length - 1, size))
    globalThis.localStorage?.setItem(SIZE_KEY, String(this.size))
  }

  private get scroller (): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroller')
  }

  /** Whether the scrubber is shown: grouped, and more than about three screens long. */
  private scrubbed = false

  private relayout (): void {
    const narrow = window.innerWidth <= 600
    const target = (narrow ? SIZES.narrow : SIZES.wide)[this.size] ?? 180
    const margins = narrow ? 4 : 32
    let width = this.clientWidth - margins
    if (width <= 0) return
    let layout = layoutGrid(this.items, width, this.grouping, target)
    // The scrubber takes a column of its own, beside the tiles and never over them.
    const scrubbed = this.grouping !== 'none' && layout.height > this.clientHeight * 3
    if (scrubbed) {
      width = this.clientWidth - (narrow ? SCRUBBER.narrow + 2 : SCRUBBER.wide + 16)
      layout = layoutGrid(this.items, width, this.grouping, target)
    }
    this.scrubbed = scrubbed
    this.toggleAttribute('scrubbed', scrubbed)
    this.width = width
    this.layout = layout
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
    const vertical = { ArrowDown: 1, ArrowUp: -1 }[event.key]
    const delta = { ArrowRight: 1, ArrowLeft: -1 }[event.key]
    if ((delta == null && vertical == null) || this.items.length === 0 || this.layout == null) return
    event.preventDefault()
    const active = (this.shadowRoot?.activeElement as HTMLElement | null)?.dataset.index
    const from = active != null ? Number(active) : this.focusIndex
    let to = from < 0 ? 0 : from + (delta ?? 0)
    if (vertical != null && from >= 0) to = this.verticalNeighbour(from, vertical)
    this.focusIndex = Math.max(0, Math.min(this.items.length - 1, to))
    this.scrollToItem(this.focusIndex)
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector<HTMLElement>(`photo-tile[data-index="${this.focusIndex}"]`)?.focus()
    })
  }

  /** The item of the row above or below `index` whose tile's centre is nearest to its own. */
  private verticalNeighbour (index: number, direction: number): number {
    const rows = this.layout?.tileRows ?? []
    const at = rowIndexOfItem(rows, index)
    const row = rows[at]
    const next = rows[at + direction]
    if (row == null) return index
    if (next == null) return direction > 0 ? this.items.length - 1 : 0
    const box = tileBoxes(row, this.items)[index - row.start] ?? { x: 0, width: 0 }
    const centre = box.x + box.width / 2
    const boxes = tileBoxes(next, this.items)
    let best = 0
    boxes.forEach((b, i) => { if (Math.abs(b.x + b.width / 2 - centre) < Math.abs((boxes[best]?.x ?? 0) + (boxes[best]?.width ?? 0) / 2 - centre)) best = i })
    return next.start + best
  }

  private readonly onActivate = (event: CustomEvent<{ id: string, shift: boolean }>): void => {
    event.stopPropagation()
    if (this.selected.size > 0) this.toggle(event.detail.id, event.detail.shift)
    else this.dispatchEvent(new CustomEvent('item-open', { detail: { id: event.detail.id, ids: this.items.map((i) => i.id) }, bubbles: true, composed: true }))
  }

  private readonly onSelect = (event: CustomEvent<{ id: string, shift: boolean }>): void => {
    event.stopPropagation()
    this.toggle(event.detail.id, event.detail.shift)
  }

  private toggle (id: string, shift = false): void {
    const index = this.items.findIndex((i) => i.id === id)
    let next: Set<string>
    if (shift && this.anchor >= 0 && this.anchor < this.items.length && this.selected.size > 0) {
      next = withRange(this.selected, this.items, this.anchor, index)
    } else {
      next = new Set(this.selected)
      if (next.has(id)) next.delete(id)
      else next.add(id)
    }
    this.anchor = index
    this.changeSelection(next)
  }

  private changeSelection (selected: Set<string>): void {
    this.dispatchEvent(new CustomEvent('selection-change', { detail: { selected }, bubbles: true, composed: true }))
  }

  /** The check of a day (or month) starting at item `start`, covering items [start, end). */
  private groupPick (range: [number, number], title: string) {
    if (!this.selectable) return nothing
    const all = allSelected(this.selected, this.items, range)
    return html`<button class="group-pick" aria-pressed=${String(all)} aria-label=${`${all ? 'Unselect' : 'Select'} all of ${title}`}
      @click=${() => { this.anchor = range[0]; this.changeSelection(toggledGroup(this.selected, this.items, range)) }}>${all ? icon('check') : nothing}</button>`
  }

  private renderRow (row: Row) {
    if (row.kind === 'header') {
      return html`<div class="row" style="transform:translateY(${row.top}px)"><h3>${this.grouping === 'month' ? this.groupPick([row.start, row.end], row.label ?? '') : nothing}${row.label}</h3></div>`
    }
    const selecting = this.selected.size > 0
    const boxes = tileBoxes(row, this.items)
    const band = row.band ?? 0
    const labels = row.labels ?? []
    return html`<div class="row tiles" role="list" style="transform:translateY(${row.top}px);height:${row.height}px">
      ${labels.map((label, i) => {
        const box = boxes[label.index - row.start] ?? { x: 0, width: 0 }
        const next = labels[i + 1]
        const end = next != null ? (boxes[next.index - row.start]?.x ?? this.width) - 8 : this.width
        return html`<span class="day" style="left:${box.x}px;max-width:${Math.max(0, end - box.x)}px" title=${label.title}>${this.groupPick(dayRange(this.items, label.index), label.title)}${label.text}</span>`
      })}
      ${boxes.map((box, i) => {
        const item = this.items[row.start + i] as ItemView
        return html`<photo-tile role="listitem" data-index=${row.start + i} .item=${item}
          style="left:${box.x}px;top:${band}px;width:${box.width}px;height:${row.tileHeight}px"
          ?selected=${this.selected.has(item.id)} ?selecting=${selecting} .selectable=${this.selectable}></photo-tile>`
      })}
    </div>`
  }

  override render () {
    const layout = this.layout
    if (layout == null) return nothing
    const rows = layout.rows.slice(this.range[0], this.range[1])
    return html`
      ${this.scrubbed
        ? html`<date-scrubber .marks=${layout.marks} .total=${layout.height} .viewport=${this.clientHeight} .position=${this.offset}
            @scrub=${this.onScrub}></date-scrubber>`
        : nothing}
      <div class="scroller ${this.scrubbed ? 'scrubbed' : ''}" @scroll=${this.onScroll}>
        <div class="space" style="height:${layout.height}px;width:${this.width}px">
          <div class="sizes" role="group" aria-label="Thumbnail size">
            <button aria-label="Smaller thumbnails" ?disabled=${this.size === 0} @click=${() => { this.setSize(this.size - 1) }}>−</button>
            <button aria-label="Larger thumbnails" ?disabled=${this.size === SIZES.wide.length - 1} @click=${() => { this.setSize(this.size + 1) }}>+</button>
          </div>
          ${rows.map((row) => this.renderRow(row))}
        </div>
      </div>
    `
  }
}
