/**
 * The full-screen viewer. It shows the tile's thumbnail at once, then the preview (or, for a
 * photo without one, the decrypted original); the original of a previewed photo loads on demand
 * or when zooming, except a HEIC's, which an <img> cannot show. Videos play while they stream through the Service Worker and can seek; Live
 * Photos play their motion part while hovered or pressed. Arrow keys and swipes move between
 * items, Escape closes, I opens the details panel; double-click zooms (loading the original) and
 * dragging then moves around the photo.
 *
 * @fires viewer-close - the viewer was closed
 * @fires viewer-move - another item is shown ({ id })
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { StoreController, store } from '../state/store.ts'
import { cachedThumb } from '../state/thumbs.ts'
import { partUrl, releaseUrl } from '../state/media.ts'
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

@customElement('photo-viewer')
export class PhotoViewer extends LitElement {
  static override styles = [shared, viewerStyles]

  /** The item shown. */
  @property() itemId = ''
  /** The items one can move through, in order. */
  @property({ attribute: false }) ids: string[] = []

  private readonly store = new StoreController(this)
  @state() private info = false
  @state() private original = false
  @state() private zoom = false
  @state() private motion = false
  private swipeFrom?: { x: number, y: number }
  private urls: string[] = []

  private readonly media = new Task(this, {
    args: () => [this.itemId, this.original] as const,
    task: async ([itemId, wantOriginal], { signal }) => {
      const details = await store.worker.call('details', [itemId], signal)
      const part = details.kind === 'video' || (wantOriginal && showsOriginal(details.mime)) || !details.parts.includes('preview') ? 'original' : 'preview'
      const url = await partUrl(itemId, part, signal)
      for (const old of this.urls.splice(0)) releaseUrl(old)
      this.urls.push(url)
      return { details, url, part }
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
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('itemId')) {
      this.original = false
      this.zoom = false
      this.motion = false
    }
  }

  protected override firstUpdated (): void {
    this.renderRoot.querySelector<HTMLElement>('.stage')?.focus()
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
    if (event.defaultPrevented || (event.target as HTMLElement).tagName === 'INPUT') return
    if (event.key === 'ArrowRight') this.move(1)
    else if (event.key === 'ArrowLeft') this.move(-1)
    else if (event.key === 'Escape') this.close()
    else if (event.key === 'i') this.info = !this.info
    else return
    event.preventDefault()
  }

  private pointerDown (event: PointerEvent): void {
    this.swipeFrom = { x: event.clientX, y: event.clientY }
  }

  /** While zoomed, dragging moves the magnified area (the zoom's origin follows the pointer). */
  private pointerMove (event: PointerEvent): void {
    if (!this.zoom || this.swipeFrom == null) return
    const img = this.renderRoot.querySelector<HTMLImageElement>('.stage > img.zoomed')
    if (img == null) return
    const rect = img.getBoundingClientRect()
    const x = Math.min(100, Math.max(0, ((event.clientX - rect.left) / rect.width) * 100))
    const y = Math.min(100, Math.max(0, ((event.clientY - rect.top) / rect.height) * 100))
    img.style.transformOrigin = `${x}% ${y}%`
  }

  private pointerUp (event: PointerEvent): void {
    const from = this.swipeFrom
    this.swipeFrom = undefined
    if (from == null || this.zoom) return
    const dx = event.clientX - from.x
    if (Math.abs(dx) > 60 && Math.abs(dx) > Math.abs(event.clientY - from.y) * 1.5) this.move(dx < 0 ? 1 : -1)
  }

  private toggleZoom (event: MouseEvent): void {
    const img = event.currentTarget as HTMLImageElement
    const rect = img.getBoundingClientRect()
    img.style.transformOrigin = `${((event.clientX - rect.left) / rect.width) * 100}% ${((event.clientY - rect.top) / rect.height) * 100}%`
    this.zoom = !this.zoom
    if (this.zoom) this.original = true
  }

  private renderMedia (details: ItemDetails, url: string, part: string) {
    // An original shows only under an allowlisted type ([Note: shown media types]); previews are this app's WebP.
    const shown = part === 'original' ? shownMime(details.mime) ?? '' : 'image/webp'
    if (details.kind === 'video' && shown.startsWith('video/')) {
      return html`<video src=${url} controls autoplay playsinline preload="auto" aria-label=${details.name}></video>`
    }
    if (details.kind === 'other' || !shown.startsWith('image/')) {
      return html`<div class="file">${icon('photos')}<p>${details.name}</p><p class="muted">This file can’t be shown here. Download it to open it.</p></div>`
    }
    return html`
      <img src=${url} alt=${details.name} class=${this.zoom ? 'zoomed' : ''} @dblclick=${this.toggleZoom} draggable="false"
        @error=${(e: Event) => { (e.target as HTMLElement).classList.add('broken') }}>
      ${details.kind === 'live' && this.motion ? html`<video class="motion" src=${`/_media/${details.id}/motion`} autoplay muted playsinline @ended=${() => { this.motion = false }}></video>` : nothing}
      ${part === 'preview' && !this.original && showsOriginal(details.mime) ? html`<button class="load-original" @click=${() => { this.original = true }}>Load original</button>` : nothing}
    `
  }

  override render () {
    const item = store.item(this.itemId)
    const thumb = cachedThumb(this.itemId)
    const index = this.ids.indexOf(this.itemId)
    return html`<div class="viewer" role="dialog" aria-modal="true" aria-label=${item?.name ?? 'Viewer'}>
      <viewer-toolbar .item=${item} .owned=${store.items.has(this.itemId)} .info=${this.info} @toggle-info=${() => { this.info = !this.info }} @close=${this.close}></viewer-toolbar>
      <div class="body">
        <div class="stage" tabindex="-1" @pointerdown=${this.pointerDown} @pointermove=${this.pointerMove} @pointerup=${this.pointerUp}
          @pointerenter=${() => { if (item?.kind === 'live') this.motion = true }} @pointerleave=${() => { this.motion = false }}>
          ${thumb != null ? html`<img class="placeholder" src=${thumb} alt="">` : nothing}
          ${this.media.render({
            pending: () => html`<div class="spinner" role="status" aria-label="Decrypting"></div>`,
            complete: ({ details, url, part }) => this.renderMedia(details, url, part),
            error: () => html`<div class="file" role="alert">This item could not be decrypted or fetched.</div>`
          })}
          ${index > 0 ? html`<button class="nav prev icon" aria-label="Previous" @click=${() => { this.move(-1) }}>${icon('left')}</button>` : nothing}
          ${index >= 0 && index < this.ids.length - 1 ? html`<button class="nav next icon" aria-label="Next" @click=${() => { this.move(1) }}>${icon('right')}</button>` : nothing}
        </div>
        ${this.info ? html`<viewer-info .details=${this.media.value?.details}></viewer-info>` : nothing}
      </div>
    </div>`
  }
}
