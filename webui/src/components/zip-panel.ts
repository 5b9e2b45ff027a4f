/**
 * The zip panel, bottom left (at the top on a phone): each zip being saved (worker/zip.ts) with how many items are in
 * it so far and how many bytes, a progress bar, and Cancel; then whether it was saved, failed
 * (and why) or was cancelled. The browser's own download list shows the file as it grows; this
 * says what the browser cannot, how far through the items it is.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { bytes, plural } from '../display/text.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import type { EventMessage, ZipProgress } from '../worker/protocol.ts'

const TITLE: Record<ZipProgress['state'], string> = { running: 'Preparing zip', done: 'Zip saved', failed: 'Zip failed', cancelled: 'Zip cancelled' }

@customElement('zip-panel')
export class ZipPanel extends LitElement {
  static override styles = [shared, css`
    :host { position: fixed; left: 1rem; bottom: 1rem; z-index: 20; width: min(22rem, calc(100vw - 2rem)); display: grid; gap: .5rem; }
    /* On a phone the upload panel takes the bottom: a zip shows at the top. */
    @media (max-width: 700px) { :host { left: .5rem; right: .5rem; width: auto; bottom: auto; top: calc(.5rem + env(safe-area-inset-top)); } }
    section { background: var(--bg-raised); border-radius: var(--radius); box-shadow: var(--shadow); overflow: hidden; }
    header { display: flex; align-items: center; gap: .5rem; padding: .75rem .9rem; }
    .title { flex: 1; min-width: 0; }
    .title strong { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .sub { font-size: .8rem; }
    progress { width: 100%; height: 4px; appearance: none; border: none; display: block; background: var(--bg-soft); }
    progress::-webkit-progress-bar { background: var(--bg-soft); }
    progress::-webkit-progress-value { background: var(--accent); transition: width .2s; }
    .failed { color: var(--danger); }
  `]

  @state() private zips: ZipProgress[] = []

  private readonly onZip = (e: Event): void => {
    const { progress } = (e as CustomEvent<Extract<EventMessage, { event: 'zip' }>>).detail
    const others = this.zips.filter((z) => z.id !== progress.id)
    this.zips = [...others, progress]
    // A finished zip says so for a while, then leaves; failures stay until closed.
    if (progress.state === 'done' || progress.state === 'cancelled') setTimeout(() => { this.close(progress.id) }, 8000)
  }

  override connectedCallback (): void {
    super.connectedCallback()
    store.worker.addEventListener('zip', this.onZip)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    store.worker.removeEventListener('zip', this.onZip)
  }

  private close (id: string): void {
    this.zips = this.zips.filter((z) => z.id !== id)
  }

  override render () {
    if (this.zips.length === 0) return nothing
    return this.zips.map((z) => {
      const running = z.state === 'running'
      const sub = z.state === 'failed'
        ? z.error ?? 'The download stopped.'
        : `${running ? `${z.doneItems.toLocaleString()} of ${plural(z.items, 'item')}` : plural(z.state === 'done' ? z.items : z.doneItems, 'item')} · ${bytes(z.bytes)}${running ? ' · keep this tab open' : ''}`
      return html`<section role="region" aria-label=${`Download ${z.name}`}>
        <header>
          ${icon('download')}
          <div class="title"><strong>${TITLE[z.state]}: ${z.name}</strong><div class="sub ${z.state === 'failed' ? 'failed' : 'muted'}" role="status">${sub}</div></div>
          ${running
            ? html`<button @click=${() => { void store.worker.call('zipCancel', [z.id]) }}>Cancel</button>`
            : html`<button class="icon" aria-label="Close" @click=${() => { this.close(z.id) }}>${icon('close')}</button>`}
        </header>
        ${running ? html`<progress max=${Math.max(1, z.items)} .value=${z.doneItems} aria-label="Zip progress"></progress>` : nothing}
      </section>`
    })
  }
}
