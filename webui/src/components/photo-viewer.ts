/**
 * The full-screen viewer. It shows the tile's thumbnail at once, beneath, then the preview (or,
 * for a photo without one, the decrypted original) over it; the thumbnail goes once the picture
 * has loaded. The original of a previewed photo loads on demand or when zooming, except a
 * HEIC's, which an <img> cannot show. The picture is fitted to the stage (contain) and zooms by
 * wheel, pinch, double-click, the + and − controls or keys, and pans by dragging while zoomed.
 * The neighbours' pictures are fetched ahead, so that moving on shows them at once. Videos play
 * while they stream through the Service Worker and can seek; Live Photos play their motion part
 * with the LIVE button, L, or while hovered. Arrow keys and swipes move between items, Escape
 * closes, I opens the details panel, ? lists the keys.
 *
 * @fires viewer-close - the viewer was closed
 * @fires viewer-move - another item is shown ({ id })
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { StoreController, store } from '../state/store.ts'
import { cachedThumb, loadThumb } from '../worker-client/thumbs.ts'
import { partUrl, releaseUrl } from '../worker-client/media.ts'
import { shownMime } from '../../../src/client/mime.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import { viewerStyles } from './viewer-styles.ts'
import './viewer-info.ts'
import './viewer-toolbar.ts'
import type { ItemDetails } from '../worker/protocol.ts'

/**
 * Whether an <img> shows this original: an allowlisted image type ([Note: shown media types]),
 * not HEIC (the worker decodes HEIC for renditions only). Otherwise the preview stands in.
 */
function showsOriginal (mime: string): boolean {
  const shown = shownMime(mime) ?? ''
  return shown.startsWith('image/') && !/^image\/(heic|heif)$/.test(shown)
}

const MAX_SCALE = 8
const STEP = 1.5

interface Shown { details: ItemDetails, url: string, part: 'original' | 'preview' }

/** The keys the viewer answers, as listed by `?`. */
const SHORTCUTS: Array<[string, string]> = [
  ['← →', 'Previous / next'], ['+ −', 'Zoom in / out'], ['0', 'Fit to screen'], ['L', 'Play Live Photo'],
  ['I', 'Details'], ['?', 'This list'], ['Esc', 'Close']
]

async function loadShown (itemId: string, wantOriginal: boolean, signal?: AbortSignal): Promise<Shown> {
  const details = await store.worker.call('details', [itemId], signal)
  // A no-download public link lists no original: its preview is what there is to show.
  const part = details.parts.includes('original') && (details.kind === 'video' || (wantOriginal && showsOriginal(details.mime)) || !details.parts.includes('preview')) ? 'original' : 'preview'
  return { details, url: await partUrl(itemId, part, signal), part }
}

@customElement('photo-viewer')
export class PhotoViewer extends LitElement {
  static override styles = [shared, viewerStyles]

  /** The item shown. */
  @property() itemId = ''
  /** The items one can move through, in order. */
  @property({ attribute: false }) ids: string[] = []
  /** Whether originals may be saved (false on a no-download public link). */
  @property({ type: Boolean }) downloadable = true

  private readonly store = new StoreController(this)
  @state() private info = false
  @state() private help = false
  @state() private original = false
  @state() private motion = false
  /** Zoom (1 = fitted) and pan (pixels from centred) of the picture. */
  @state() private scale = 1
  @state() private pan = { x: 0, y: 0 }
  /** The item whose picture has loaded: the thumbnail beneath it is gone. */
  @state() private loadedFor = ''
  private readonly pointers = new Map<number, { x: number, y: number }>()
  private swipeFrom?: { x: number, y: number }
  private pinchFrom?: { distance: number, scale: number }
  private urls: string[] = []
  /** Neighbours fetched ahead: their picture's URL, and an <img> that keeps it decoded. */
  private readonly ahead = new Map<string, { shown: Promise<Shown>, controller: AbortController, image?: HTMLImageElement }>()

  private readonly media = new Task(this, {
    args: () => [this.itemId, this.original] as const,
    task: async ([itemId, wantOriginal], { signal }) => {
      const early = wantOriginal ? undefined : this.ahead.get(itemId)
      if (early != null) this.ahead.delete(itemId)
      const shown = await (early?.shown ?? loadShown(itemId, wantOriginal, signal))
      for (const old of this.urls.splice(0)) releaseUrl(old)
      this.urls.push(shown.url)
      this.fetchAhead()
      return shown
    }
  })

  override connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener('keydown', this.onKey)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    window.removeEventListener('keydown', this.onKey)
    for (const url of this.urls.splice(0)) releaseUrl(url)
    for (const id of [...this.ahead.keys()]) this.dropAhead(id)
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('itemId')) {
      this.original = false
      this.motion = false
      this.resetZoom()
    }
  }

  protected override firstUpdated (): void {
    this.renderRoot.querySelector<HTMLElement>('.stage')?.focus()
  }

  /** Starts on the previous and next items' thumbnails and pictures; forgets those farther away. */
  private fetchAhead (): void {
    const index = this.ids.indexOf(this.itemId)
    const wanted = [this.ids[index + 1], this.ids[index - 1]].filter((id): id is string => id != null && index >= 0)
    for (const id of [...this.ahead.keys()]) if (!wanted.includes(id)) this.dropAhead(id)
    for (const id of wanted) {
      if (this.ahead.has(id)) continue
      const controller = new AbortController()
      void loadThumb(id, controller.signal).catch(() => {})
      const entry: { shown: Promise<Shown>, controller: AbortController, image?: HTMLImageElement } = { shown: loadShown(id, false, controller.signal), controller }
      entry.shown.then((shown) => {
        if (shown.details.kind !== 'video' && this.ahead.get(id) === entry) entry.image = Object.assign(new Image(), { src: shown.url })
      }, () => { if (this.ahead.get(id) === entry) this.ahead.delete(id) })
      this.ahead.set(id, entry)
    }
  }

  private dropAhead (id: string): void {
    const entry = this.ahead.get(id)
    this.ahead.delete(id)
    entry?.controller.abort()
    void entry?.shown.then((shown) => { releaseUrl(shown.url) }, () => {})
  }

  private move (delta: number): void {
    const index = this.ids.indexOf(this.itemId) + delta
    const next = this.ids[index]
    if (next == null) return
    this.dispatchEvent(new CustomEvent('viewer-move', { detail: { id: next }, bubbles: true, composed: true }))
  }

  private close (): void {
    this.dispatchEvent(new CustomEvent('viewer-close', { bubbles: true, composed: true }))
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || (event.target as HTMLElement).tagName === 'INPUT' || event.ctrlKey || event.metaKey || event.altKey) return
    const key = event.key
    if (key === 'ArrowRight') this.move(1)
    else if (key === 'ArrowLeft') this.move(-1)
    else if (key === 'Escape') { if (this.help) this.help = false; else if (this.scale > 1) this.resetZoom(); else this.close() }
    else if (key === 'i' || key === 'I') this.info = !this.info
    else if (key === '?') this.help = !this.help
    else if (key === '+' || key === '=') this.zoomBy(STEP)
    else if (key === '-' || key === '_') this.zoomBy(1 / STEP)
    else if (key === '0') this.resetZoom()
    else if ((key === 'l' || key === 'L') && store.item(this.itemId)?.kind === 'live') this.motion = !this.motion
    else return
    event.preventDefault()
  }

  private get picture (): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.stage > .picture')
  }

  private resetZoom (): void {
    this.scale = 1
    this.pan = { x: 0, y: 0 }
  }

  /**
   * Zooms to `scale`, keeping the point (clientX, clientY) of the picture where it is on screen,
   * and keeps the picture covering the stage (no panning past its edges).
   */
  private zoomTo (scale: number, clientX?: number, clientY?: number): void {
    const box = this.picture?.parentElement?.getBoundingClientRect()
    if (box == null) return
    const next = Math.min(MAX_SCALE, Math.max(1, scale))
    const cx = (clientX ?? box.left + box.width / 2) - (box.left + box.width / 2)
    const cy = (clientY ?? box.top + box.height / 2) - (box.top + box.height / 2)
    const ratio = next / this.scale
    this.scale = next
    this.panTo(cx - (cx - this.pan.x) * ratio, cy - (cy - this.pan.y) * ratio)
    // Zooming in on a preview fetches the original, which has the detail to zoom into.
    if (next > 1) this.original = true
  }

  private zoomBy (factor: number): void {
    this.zoomTo(this.scale * factor)
  }

  private panTo (x: number, y: number): void {
    const box = this.picture?.parentElement?.getBoundingClientRect()
    const limitX = box != null ? (box.width * (this.scale - 1)) / 2 : 0
    const limitY = box != null ? (box.height * (this.scale - 1)) / 2 : 0
    this.pan = { x: Math.max(-limitX, Math.min(limitX, x)), y: Math.max(-limitY, Math.min(limitY, y)) }
  }

  private wheel (event: WheelEvent): void {
    if (this.media.value?.details.kind === 'video') return
    event.preventDefault()
    this.zoomTo(this.scale * Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.002)), event.clientX, event.clientY)
  }

  private dblclick (event: MouseEvent): void {
    if (this.media.value?.details.kind === 'video') return
    if (this.scale > 1) this.resetZoom()
    else this.zoomTo(2.5, event.clientX, event.clientY)
  }

  private pointerDown (event: PointerEvent): void {
    if ((event.target as HTMLElement).closest('button, video:not(.motion), .help') != null) return
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY })
    ;(event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId)
    if (this.pointers.size === 1) this.swipeFrom = { x: event.clientX, y: event.clientY }
    if (this.pointers.size === 2) {
      const [a, b] = [...this.pointers.values()] as [{ x: number, y: number }, { x: number, y: number }]
      this.pinchFrom = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale: this.scale }
      this.swipeFrom = undefined
    }
  }

  /** One pointer pans a zoomed picture; two pinch. */
  private pointerMove (event: PointerEvent): void {
    const last = this.pointers.get(event.pointerId)
    if (last == null) return
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY })
    if (this.pointers.size === 2 && this.pinchFrom != null) {
      const [a, b] = [...this.pointers.values()] as [{ x: number, y: number }, { x: number, y: number }]
      this.zoomTo(this.pinchFrom.scale * Math.hypot(a.x - b.x, a.y - b.y) / this.pinchFrom.distance, (a.x + b.x) / 2, (a.y + b.y) / 2)
    } else if (this.pointers.size === 1 && this.scale > 1) {
      this.panTo(this.pan.x + event.clientX - last.x, this.pan.y + event.clientY - last.y)
    }
  }

  private pointerUp (event: PointerEvent): void {
    this.pointers.delete(event.pointerId)
    if (this.pointers.size < 2) this.pinchFrom = undefined
    const from = this.swipeFrom
    if (this.pointers.size > 0) return
    this.swipeFrom = undefined
    if (from == null || this.scale > 1) return
    const dx = event.clientX - from.x
    if (Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(event.clientY - from.y) * 1.5) this.move(dx < 0 ? 1 : -1)
  }

  private loaded (): void {
    this.loadedFor = this.itemId
  }

  private renderMedia ({ details, url, part }: Shown) {
    // An original shows only under an allowlisted type ([Note: shown media types]); previews are this app's WebP.
    const shown = part === 'original' ? shownMime(details.mime) ?? '' : 'image/webp'
    if (details.kind === 'video' && shown.startsWith('video/')) {
      return html`<video class="picture" src=${url} controls autoplay playsinline preload="auto" aria-label=${details.name}
        @loadeddata=${this.loaded}></video>`
    }
    if (details.kind === 'other' || !shown.startsWith('image/')) {
      return html`<div class="file">${icon('photos')}<p>${details.name}</p><p class="muted">This file can’t be shown here. Download it to open it.</p></div>`
    }
    const transform = this.scale === 1 ? '' : `transform:translate(${this.pan.x}px,${this.pan.y}px) scale(${this.scale})`
    return html`
      <img class="picture ${this.scale > 1 ? 'zoomed' : ''} ${this.pointers.size > 0 ? 'dragging' : ''}" src=${url} alt=${details.name}
        style=${transform} draggable="false" @load=${this.loaded}
        @error=${(e: Event) => { (e.target as HTMLElement).classList.add('broken') }}>
      ${details.kind === 'live' && this.motion
        ? html`<video class="motion" style=${transform} src=${`/_media/${details.id}/motion`} autoplay muted playsinline @ended=${() => { this.motion = false }}></video>`
        : nothing}
      ${part === 'preview' && !this.original && details.parts.includes('original') && showsOriginal(details.mime) ? html`<button class="load-original" @click=${() => { this.original = true }}>Load original</button>` : nothing}
    `
  }

  private renderControls (kind: string | undefined) {
    const still = kind === 'photo' || kind === 'live'
    return html`<div class="controls">
      ${kind === 'live'
        ? html`<button class="live" aria-pressed=${String(this.motion)} @click=${() => { this.motion = !this.motion }}>${icon('live')} LIVE</button>`
        : nothing}
      ${still
        ? html`<button class="icon" aria-label="Zoom out" ?disabled=${this.scale <= 1} @click=${() => { this.zoomBy(1 / STEP) }}>−</button>
          <span class="scale" aria-live="polite">${Math.round(this.scale * 100)}%</span>
          <button class="icon" aria-label="Zoom in" ?disabled=${this.scale >= MAX_SCALE} @click=${() => { this.zoomBy(STEP) }}>+</button>`
        : nothing}
      <button class="icon" aria-label="Keyboard shortcuts" aria-pressed=${String(this.help)} @click=${() => { this.help = !this.help }}>?</button>
    </div>`
  }

  override render () {
    const item = store.item(this.itemId)
    const thumb = this.loadedFor === this.itemId ? undefined : cachedThumb(this.itemId)
    const index = this.ids.indexOf(this.itemId)
    // While the original replaces the preview, the preview stays.
    const previous = this.media.value?.details.id === this.itemId ? this.media.value : undefined
    return html`<div class="viewer" role="dialog" aria-modal="true" aria-label=${item?.name ?? 'Viewer'}>
      <viewer-toolbar .item=${item} .owned=${store.items.has(this.itemId)} .downloadable=${this.downloadable} .info=${this.info} @toggle-info=${() => { this.info = !this.info }} @close=${this.close}></viewer-toolbar>
      <div class="body">
        <div class="stage" tabindex="-1" @pointerdown=${this.pointerDown} @pointermove=${this.pointerMove} @pointerup=${this.pointerUp}
          @pointercancel=${this.pointerUp} @wheel=${this.wheel} @dblclick=${this.dblclick}
          @pointerenter=${(e: PointerEvent) => { if (item?.kind === 'live' && e.pointerType === 'mouse') this.motion = true }}
          @pointerleave=${(e: PointerEvent) => { if (e.pointerType === 'mouse') this.motion = false }}>
          ${thumb != null ? html`<img class="placeholder" src=${thumb} alt="">` : nothing}
          ${this.media.render({
            pending: () => previous != null ? this.renderMedia(previous) : html`<div class="spinner" role="status" aria-label="Decrypting"></div>`,
            complete: (shown) => this.renderMedia(shown),
            error: () => html`<div class="file" role="alert">This item could not be decrypted or fetched.</div>`
          })}
          ${index > 0 ? html`<button class="nav prev icon" aria-label="Previous" @click=${() => { this.move(-1) }}>${icon('left')}</button>` : nothing}
          ${index >= 0 && index < this.ids.length - 1 ? html`<button class="nav next icon" aria-label="Next" @click=${() => { this.move(1) }}>${icon('right')}</button>` : nothing}
          ${this.renderControls(item?.kind ?? this.media.value?.details.kind)}
          ${this.help
            ? html`<div class="help" role="dialog" aria-label="Keyboard shortcuts"><h2>Keyboard shortcuts</h2>
                <dl>${SHORTCUTS.map(([keys, what]) => html`<dt><kbd>${keys}</kbd></dt><dd>${what}</dd>`)}</dl></div>`
            : nothing}
        </div>
        ${this.info ? html`<viewer-info .details=${this.media.value?.details} .offset=${item?.takenOffsetMinutes}></viewer-info>` : nothing}
      </div>
    </div>`
  }
}
