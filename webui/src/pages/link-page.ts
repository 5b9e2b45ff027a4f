/**
 * The page a public link opens, for viewers without an account: /s/<token>#<key>. The whole URL
 * goes to the crypto worker, which opens the link (the key stays in the fragment, which browsers
 * never send), asks for the password when the link has one, and decrypts the album's thumbnails
 * and photos (a HEIC by its preview, which an <img> can show). Expired and revoked links say so;
 * a no-download link offers no original, any other saves it; an allow-upload link takes new photos.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { saveBlob } from '../state/media.ts'
import { describe, errorCode } from '../state/messages.ts'
import { shared } from '../components/styles.ts'
import { plural } from '../state/format.ts'
import type { LinkAlbumView } from '../worker/protocol.ts'

const DEVICE_KEY = 'obscura-link-device'

/** A stable id of this browser: links with a device limit count distinct ids. */
function deviceId (): string {
  let id = localStorage.getItem(DEVICE_KEY)
  if (id == null) {
    id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
    localStorage.setItem(DEVICE_KEY, id)
  }
  return id
}

const GONE: Record<string, string> = {
  LINK_EXPIRED: 'This link has expired. Ask the person who shared it for a new one.',
  LINK_REVOKED: 'This link was revoked by its owner. Ask the person who shared it for a new one.',
  INVALID_LINK: 'This link is incomplete or damaged. Copy the whole link, including the part after “#”.',
  NOT_FOUND: 'This link does not exist.'
}

interface Shown { id: string, blob: Blob, url: string, name: string, original: boolean }

@customElement('link-page')
export class LinkPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; overflow: auto; padding: 1.5rem; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 4px; }
    .tile { aspect-ratio: 1; background: var(--bg-soft); border: 0; padding: 0; cursor: pointer; }
    .tile img { width: 100%; height: 100%; object-fit: cover; display: block; }
    form, .message { max-width: 24rem; margin: 4rem auto; display: grid; gap: .8rem; text-align: center; }
    .viewer { position: fixed; inset: 0; background: #000d; display: flex; flex-direction: column; z-index: 30; }
    .viewer img { flex: 1; min-height: 0; object-fit: contain; width: 100%; }
    .bar { display: flex; gap: .5rem; justify-content: flex-end; padding: .6rem; }
  `]

  @state() private album?: LinkAlbumView
  @state() private needsPassword = false
  @state() private error?: string
  @state() private gone?: string
  @state() private thumbs = new Map<string, string>()
  /** The item in the viewer; `original` when the picture shown is the original itself. */
  @state() private shown?: Shown
  @state() private saving = false
  @state() private uploading = false
  private busy = false

  override connectedCallback (): void {
    super.connectedCallback()
    void this.open(undefined)
  }

  private async open (password: string | undefined): Promise<void> {
    if (this.busy) return
    this.busy = true
    this.error = undefined
    try {
      this.album = await store.worker.call('openLink', [location.href, password, deviceId()])
      this.needsPassword = false
      for (const item of this.album.items) void this.loadThumb(item.id)
    } catch (err) {
      const code = errorCode(err)
      if (code === 'LINK_PASSWORD') {
        if (this.needsPassword) this.error = 'Wrong password.'
        this.needsPassword = true
      } else if (GONE[code] != null) this.gone = GONE[code]
      else this.error = describe(err)
    } finally {
      this.busy = false
    }
  }

  private async loadThumb (id: string): Promise<void> {
    const blob = await store.worker.call('linkThumbnail', [id]).catch(() => null)
    if (blob != null) this.thumbs = new Map(this.thumbs).set(id, URL.createObjectURL(blob))
  }

  private async show (id: string, name: string): Promise<void> {
    try {
      const { blob, original } = await store.worker.call('linkPicture', [id])
      this.shown = { id, name, original, blob, url: URL.createObjectURL(blob) }
    } catch (err) {
      this.error = describe(err)
    }
  }

  /** Saves the original: the picture shown when it is the original, else fetched (a HEIC shows its preview). */
  private async download (shown: Shown): Promise<void> {
    this.saving = true
    try {
      saveBlob(shown.original ? shown.blob : await store.worker.call('linkOriginal', [shown.id]), shown.name)
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.saving = false
    }
  }

  private async onPicked (event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    if (files.length === 0) return
    this.uploading = true
    try {
      this.album = await store.worker.call('linkUpload', [files])
      for (const item of this.album.items) if (!this.thumbs.has(item.id)) void this.loadThumb(item.id)
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.uploading = false
    }
  }

  private close (): void {
    if (this.shown != null) URL.revokeObjectURL(this.shown.url)
    this.shown = undefined
  }

  private onPassword (event: SubmitEvent): void {
    event.preventDefault()
    const input = (event.target as HTMLFormElement).elements.namedItem('password') as HTMLInputElement
    void this.open(input.value)
  }

  override render () {
    if (this.gone != null) return html`<div class="message" role="alert"><h1>Link unavailable</h1><p>${this.gone}</p></div>`
    if (this.needsPassword) {
      return html`<form @submit=${this.onPassword}>
        <h1>This album is protected</h1>
        <label>Password <input name="password" type="password" autocomplete="off" required></label>
        ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit">Open</button>
      </form>`
    }
    if (this.album == null) return html`<div class="message" role="status">${this.error ?? 'Opening the shared album…'}</div>`
    const album = this.album
    return html`
      <h1>${album.name}</h1>
      <p class="muted">${plural(album.items.length, 'item')} shared with you${album.expiresAt != null ? html` · until ${new Date(album.expiresAt).toLocaleString()}` : nothing}</p>
      ${album.allowUpload ? html`<p><label class="button">${this.uploading ? 'Adding…' : 'Add photos'}
        <input type="file" multiple accept="image/*,video/*" hidden ?disabled=${this.uploading} @change=${(e: Event) => { void this.onPicked(e) }}></label></p>` : nothing}
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="grid">${album.items.map((item) => html`
        <button class="tile" aria-label=${item.name} @click=${() => { void this.show(item.id, item.name) }}>
          ${this.thumbs.has(item.id) ? html`<img alt="" src=${this.thumbs.get(item.id) as string}>` : nothing}
        </button>`)}</div>
      ${this.shown != null ? html`<div class="viewer" role="dialog" aria-label=${this.shown.name}>
        <div class="bar">
          ${album.noDownload ? nothing : html`<button ?disabled=${this.saving} @click=${() => { if (this.shown != null) void this.download(this.shown) }}>Download original</button>`}
          <button @click=${this.close}>Close</button>
        </div>
        ${this.shown.blob.type.startsWith('image/')
          ? html`<img alt=${this.shown.name} src=${this.shown.url}>`
          : html`<p class="message">${this.shown.name}: this file can’t be shown here.</p>`}
      </div>` : nothing}
    `
  }
}
