/**
 * One tile of the grid, as wide as the layout makes it: the item's thumbnail, decrypted on demand by the worker (the
 * request is aborted when the tile leaves the screen or shows another item), or a neutral tile
 * with the kind of file when there is none. Videos show a play badge, favorites a heart, items in
 * the trash how many days they have left there.
 *
 * @fires tile-activate - the tile was clicked or Enter was pressed ({ id, shift })
 * @fires tile-select - the selection circle was toggled ({ id, shift }: with shift, a range)
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { cachedThumb, loadThumb } from '../worker-client/thumbs.ts'
import { trashDaysLeft } from '../../../src/client/trash.ts'
import { icon } from './icons.ts'
import type { ItemView } from '../worker/protocol.ts'

const SETTLE_MS = 60

@customElement('photo-tile')
export class PhotoTile extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; background: var(--tile); overflow: hidden; border-radius: 4px; contain: strict; }
    button.main { all: unset; position: absolute; inset: 0; cursor: pointer; }
    button.main:focus-visible { outline: 3px solid var(--accent); outline-offset: -3px; }
    img { width: 100%; height: 100%; object-fit: cover; display: block; opacity: 0; transition: opacity .18s; }
    img.shown { opacity: 1; }
    .kind { position: absolute; inset: 0; display: grid; place-items: center; color: var(--fg-soft); font-size: .75rem; text-align: center; padding: .5rem; word-break: break-all; }
    .badge { position: absolute; display: flex; gap: .25rem; align-items: center; color: white; filter: drop-shadow(0 1px 2px rgba(0,0,0,.6)); pointer-events: none; font-size: .75rem; }
    .video { right: .4rem; top: .35rem; }
    .fav { left: .4rem; bottom: .35rem; }
    .by { right: .35rem; bottom: .35rem; max-width: calc(100% - 2.5rem); padding: .05rem .4rem; border-radius: 999px; background: rgba(0,0,0,.55);
      filter: none; font-size: .7rem; line-height: 1.3rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .left { right: .3rem; bottom: .3rem; background: rgba(0,0,0,.62); filter: none; padding: .1rem .4rem; border-radius: 999px; font-weight: 500; }
    .left.soon { background: var(--danger); }
    .pick { position: absolute; left: .35rem; top: .35rem; width: 1.6rem; height: 1.6rem; border-radius: 50%; border: 2px solid white;
      background: rgba(0,0,0,.2); color: white; display: grid; place-items: center; padding: 0; cursor: pointer; opacity: 0; transition: opacity .12s; }
    :host(:hover) .pick, :host([selecting]) .pick, .pick:focus-visible { opacity: 1; }
    :host([selected]) .pick { background: var(--accent); border-color: var(--accent); opacity: 1; }
    :host([selected]) img { transform: scale(.88); border-radius: 6px; }
    img { transition: opacity .18s, transform .12s; }
  `

  /** The item shown. */
  @property({ attribute: false }) item?: ItemView
  /** Whether the item is part of the current selection. */
  @property({ type: Boolean, reflect: true }) selected = false
  /** Whether the tile offers its selection circle (a no-download public link's do not). */
  @property({ type: Boolean }) selectable = true
  /** Whether a selection is in progress (clicks then toggle instead of opening). */
  @property({ type: Boolean, reflect: true }) selecting = false

  @state() private url: string | null | undefined
  @state() private loaded = false
  private controller?: AbortController

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.controller?.abort()
    this.controller = undefined
  }

  override connectedCallback (): void {
    super.connectedCallback()
    if (this.item != null && this.url === undefined) this.load()
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('item') && this.item?.id !== (changed.get('item') as ItemView | undefined)?.id) this.load()
  }

  private load (): void {
    this.controller?.abort()
    const id = this.item?.id
    if (id == null) return
    const known = cachedThumb(id)
    this.url = known
    this.loaded = known != null
    if (known !== undefined) return
    const controller = this.controller = new AbortController()
    // A tile that only flies past during a fast scroll asks for nothing.
    const settle = setTimeout(() => { void this.fetch(id, controller) }, SETTLE_MS)
    controller.signal.addEventListener('abort', () => { clearTimeout(settle) })
  }

  private async fetch (id: string, controller: AbortController): Promise<void> {
    await loadThumb(id, controller.signal).then((url) => {
      if (this.item?.id === id) this.url = url
    }, () => {
      if (!controller.signal.aborted && this.item?.id === id) this.url = null
    })
  }

  private activate (event: MouseEvent | KeyboardEvent): void {
    if (this.item == null) return
    this.dispatchEvent(new CustomEvent('tile-activate', { detail: { id: this.item.id, shift: event.shiftKey }, bubbles: true, composed: true }))
  }

  /** Space selects, like a checkbox; Enter opens (the button's click). */
  private key (event: KeyboardEvent): void {
    if (event.key !== ' ' || !this.selectable) return
    event.preventDefault()
    this.pick(event)
  }

  /** Moves keyboard focus onto the tile (used by the grid's arrow-key navigation). */
  override focus (): void {
    this.renderRoot.querySelector<HTMLButtonElement>('button.main')?.focus()
  }

  private pick (event: Event): void {
    event.stopPropagation()
    if (this.item == null) return
    this.dispatchEvent(new CustomEvent('tile-select', { detail: { id: this.item.id, shift: (event as MouseEvent).shiftKey === true }, bubbles: true, composed: true }))
  }

  private daysLeft (trashedAt: number) {
    const days = trashDaysLeft(trashedAt)
    return html`<span class="badge left ${days <= 3 ? 'soon' : ''}">${days === 0 ? 'Deleted today' : days === 1 ? '1 day left' : `${days} days left`}</span>`
  }

  override render () {
    const item = this.item
    if (item == null) return nothing
    const label = `${item.kind === 'video' ? 'Video' : item.kind === 'live' ? 'Live photo' : item.kind === 'photo' ? 'Photo' : 'File'} ${item.name}${item.addedBy != null ? `, added by ${item.addedBy}` : ''}`
    return html`
      ${this.url != null
        ? html`<img src=${this.url} alt="" decoding="async" class=${this.loaded ? 'shown' : ''} @load=${() => { this.loaded = true }} @error=${() => { this.url = null }}>`
        : this.url === null ? html`<div class="kind">${item.kind === 'other' ? item.name : nothing}</div>` : nothing}
      <button class="main" aria-label=${label} aria-pressed=${this.selecting ? String(this.selected) : nothing} @click=${this.activate} @keydown=${this.key}></button>
      ${item.kind === 'video' ? html`<span class="badge video">${icon('play', true)}</span>` : nothing}
      ${item.kind === 'live' ? html`<span class="badge video">${icon('live')}</span>` : nothing}
      ${item.favorite ? html`<span class="badge fav">${icon('heart', true)}</span>` : nothing}
      ${item.addedBy != null ? html`<span class="badge by" title=${`Added by ${item.addedBy}`}>${item.addedBy}</span>` : nothing}
      ${item.trashedAt != null ? this.daysLeft(item.trashedAt) : nothing}
      ${this.selectable ? html`<button class="pick" tabindex="-1" aria-label=${this.selected ? 'Unselect' : 'Select'} @click=${this.pick}>${this.selected ? icon('check') : nothing}</button>` : nothing}
    `
  }
}
