/**
 * The page a public link opens, for viewers without an account: /s/<token>#<key>. The whole URL
 * goes to the crypto worker, which opens the link (the key stays in the fragment, which browsers
 * never send), asks for the password when the link has one, and decrypts the album. The page is
 * the app's gallery: the same date-grouped justified grid and the same viewer (videos stream,
 * Live Photos move, arrow keys and Escape), whose calls the worker answers from the link. A link
 * that allows downloads saves everything, or a selection, as one zip (worker/zip.ts); a
 * no-download link shows previews only and offers no download. An allow-upload link takes new
 * photos. Expired, revoked and used-up (device limit) links, and wrong passwords, each say so.
 * The page says who shared the album by the username the node gives with the session.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { downloadItems } from '../worker-client/media.ts'
import { describe, errorCode } from '../display/messages.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import { formatDay, plural } from '../display/text.ts'
import type { LinkAlbumView } from '../worker/protocol.ts'
import '../components/photo-grid.ts'
import '../components/photo-viewer.ts'

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

/** Why a link does not open, by error code: a heading and what to do. */
const GONE: Record<string, [string, string]> = {
  LINK_EXPIRED: ['This link has expired', 'Ask the person who shared it for a new one.'],
  LINK_REVOKED: ['This link was revoked', 'Its owner turned it off. Ask the person who shared it for a new one.'],
  DEVICE_LIMIT: ['This link was opened on too many devices', 'Its owner allowed it on a limited number of devices, and that many have opened it. Ask the person who shared it for a new link.'],
  INVALID_LINK: ['This link is incomplete', 'Copy the whole link, including the part after “#”.'],
  NOT_FOUND: ['This link does not exist', 'Check that it was copied whole, or ask for a new one.']
}

@customElement('link-page')
export class LinkPage extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; flex-direction: column; height: 100%; min-height: 0; }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem 1rem; padding: 1rem 1rem .6rem; }
    header .title { flex: 1; min-width: 12rem; }
    h1 { margin: 0; font-size: 1.6rem; font-weight: 650; color: var(--fg); line-height: 1.2; }
    .sub { margin: .2rem 0 0; color: var(--fg-soft); font-size: .92rem; }
    .actions { display: flex; gap: .5rem; flex-wrap: wrap; }
    .brand { display: flex; align-items: center; gap: .4rem; padding: .7rem 1rem 0; font-size: .85rem; color: var(--fg-soft); }
    .brand strong { color: var(--fg); }
    photo-grid { flex: 1; min-height: 0; }
    .selection { display: flex; align-items: center; gap: .6rem; padding: .5rem 1.5rem; background: var(--accent-soft); }
    .selection strong { flex: 1; }
    .error { color: var(--danger); padding: 0 1.5rem; }
    .state { max-width: 26rem; margin: 12vh auto 0; padding: 0 1.5rem; display: grid; gap: .9rem; text-align: center; justify-items: center; }
    .state h1 { font-size: 1.35rem; }
    .state .badge { width: 3.2rem; height: 3.2rem; border-radius: 50%; display: grid; place-items: center; background: var(--bg-soft); color: var(--fg-soft); }
    .state form { display: grid; gap: .8rem; width: 100%; text-align: left; }
    .state .error { padding: 0; }
    .empty { text-align: center; color: var(--fg-soft); padding: 4rem 1.5rem; }
  `]

  @state() private album?: LinkAlbumView
  @state() private needsPassword = false
  @state() private wrongPassword = false
  @state() private error?: string
  @state() private gone?: [string, string]
  @state() private uploading = false
  @state() private busy = false
  @state() private selected = new Set<string>()
  @state() private viewer?: { id: string, ids: string[] }

  override connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener('keydown', this.onKey)
    void this.open(undefined)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    window.removeEventListener('keydown', this.onKey)
  }

  /** Escape clears a selection (the viewer, when open, takes Escape itself). */
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.viewer == null && this.selected.size > 0) this.selected = new Set()
  }

  private async open (password: string | undefined): Promise<void> {
    if (this.busy) return
    this.busy = true
    this.error = undefined
    try {
      this.show(await store.worker.call('openLink', [location.href, password, deviceId()]))
      this.needsPassword = false
    } catch (err) {
      const code = errorCode(err)
      if (code === 'LINK_PASSWORD') {
        this.wrongPassword = password != null
        this.needsPassword = true
      } else if (GONE[code] != null) {
        this.gone = GONE[code]
        this.needsPassword = false
      } else this.error = describe(err)
    } finally {
      this.busy = false
    }
  }

  private show (album: LinkAlbumView): void {
    this.album = album
    store.showLink(album.items)
    document.title = `${album.name} · Obscura`
  }

  private async onPicked (event: Event): Promise<void> {
    const input = event.target as HTMLInputElement
    const files = [...(input.files ?? [])]
    input.value = ''
    if (files.length === 0) return
    this.uploading = true
    try {
      this.show(await store.worker.call('linkUpload', [files]))
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.uploading = false
    }
  }

  private async download (ids: string[]): Promise<void> {
    if (this.album == null) return
    try {
      await downloadItems(ids, this.album.name, { from: 'link' })
    } catch (err) {
      this.error = describe(err)
    }
  }

  private onPassword (event: SubmitEvent): void {
    event.preventDefault()
    const input = (event.target as HTMLFormElement).elements.namedItem('password') as HTMLInputElement
    void this.open(input.value)
  }

  private renderState (badge: string, heading: string, text: string) {
    return html`<div class="state" role="alert"><span class="badge">${icon(badge)}</span><h1>${heading}</h1><p class="muted">${text}</p></div>`
  }

  override render () {
    if (this.gone != null) return this.renderState('info', this.gone[0], this.gone[1])
    if (this.needsPassword) {
      return html`<div class="state"><span class="badge">${icon('lock')}</span>
        <h1>This album is protected</h1><p class="muted">Enter the password you were given with the link.</p>
        <form @submit=${this.onPassword}>
          <label>Password <input name="password" type="password" autocomplete="off" required aria-invalid=${String(this.wrongPassword)}></label>
          ${this.wrongPassword ? html`<p class="error" role="alert">Wrong password. Check it and try again.</p>` : nothing}
          ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Opening…' : 'Open'}</button>
        </form></div>`
    }
    if (this.album == null) {
      return this.error != null ? this.renderState('info', 'This link could not be opened', this.error) : html`<div class="state" role="status"><p class="muted">Opening the shared album…</p></div>`
    }
    const album = this.album
    const ids = album.items.map((i) => i.id)
    const facts = [plural(album.items.length, 'item'), album.sharedBy != null ? `shared by ${album.sharedBy}` : undefined, album.expiresAt != null ? `link open until ${formatDay(album.expiresAt)}` : undefined, album.noDownload ? 'view only' : undefined]
    return html`
      <div class="brand">${icon('lock')}<span><strong>Obscura</strong> · end-to-end encrypted album, shared by link</span></div>
      <header>
        <div class="title"><h1>${album.name}</h1><p class="sub">${facts.filter((f) => f != null).join(' · ')}</p></div>
        <div class="actions">
          ${album.allowUpload ? html`<label class="button">${icon('upload')} ${this.uploading ? 'Adding…' : 'Add photos'}
            <input type="file" multiple accept="image/*,video/*" hidden ?disabled=${this.uploading} @change=${(e: Event) => { void this.onPicked(e) }}></label>` : nothing}
          ${!album.noDownload && ids.length > 0 ? html`<button class="primary" @click=${() => { void this.download(ids) }}>${icon('download')} Download all</button>` : nothing}
        </div>
      </header>
      ${this.selected.size > 0 ? html`<div class="selection" role="toolbar" aria-label="Selection">
        <strong>${this.selected.size} selected</strong>
        <button @click=${() => { void this.download(ids.filter((id) => this.selected.has(id))); this.selected = new Set() }}>${icon('download')} Download</button>
        <button class="icon" aria-label="Clear selection" @click=${() => { this.selected = new Set() }}>${icon('close')}</button>
      </div>` : nothing}
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${ids.length === 0
        ? html`<p class="empty">Nothing in this album yet.</p>`
        : html`<photo-grid .items=${album.items} grouping="day" .selected=${this.selected} .selectable=${!album.noDownload}
            @selection-change=${(e: CustomEvent<{ selected: Set<string> }>) => { this.selected = e.detail.selected }}
            @item-open=${(e: CustomEvent<{ id: string, ids: string[] }>) => { e.stopPropagation(); this.viewer = e.detail }}></photo-grid>`}
      ${this.viewer != null ? html`<photo-viewer .itemId=${this.viewer.id} .ids=${this.viewer.ids} .downloadable=${!album.noDownload}
        @viewer-close=${() => { this.viewer = undefined }}
        @viewer-move=${(e: CustomEvent<{ id: string }>) => { if (this.viewer != null) this.viewer = { ...this.viewer, id: e.detail.id } }}></photo-viewer>` : nothing}
    `
  }
}
