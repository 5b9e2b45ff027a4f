/**
 * The upload panel, bottom right: total progress with speed and time left, each file's state
 * and progress, cancel (one queued file, or everything), and afterwards a summary, with a note
 * when direct S3 uploads fell back to the node's gateway (a bucket without CORS, say). A refused
 * file (no photo or video, empty, damaged: src/media/sniff.ts) shows why, under its name. It also
 * offers to resume an upload that a reload interrupted: the same files chosen again are
 * recognised by the journal and only their missing blocks are sent.
 *
 * @fires upload-pick - the user wants to choose files again ({ folder: boolean })
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { bytes, duration, plural } from '../display/text.ts'
import { describe } from '../display/messages.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import type { UploadFileStatus } from '../worker/protocol.ts'

const STATE_TEXT: Record<UploadFileStatus['state'], string> = {
  queued: 'Waiting', checking: 'Checking', uploading: 'Encrypting and uploading', done: 'Uploaded', duplicate: 'Already in your library', refused: 'Not added', failed: 'Failed', cancelled: 'Cancelled'
}

/** fallbackNote's line, as a sentence for the panel. */
const noteText = (note: string): string => `Note: ${note}.`
const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.')

@customElement('upload-panel')
export class UploadPanel extends LitElement {
  static override styles = [shared, css`
    :host { position: fixed; right: 1rem; bottom: 1rem; z-index: 20; width: min(24rem, calc(100vw - 2rem)); }
    /* On a phone, above the bottom navigation bar, which stays usable while files upload. */
    @media (max-width: 700px) { :host { bottom: calc(4.75rem + env(safe-area-inset-bottom)); } }
    section { background: var(--bg-raised); border-radius: var(--radius); box-shadow: var(--shadow); overflow: hidden; }
    header { display: flex; align-items: center; gap: .5rem; padding: .75rem .9rem; }
    header .title { flex: 1; min-width: 0; }
    .sub { font-size: .8rem; }
    progress { width: 100%; height: 4px; appearance: none; border: none; display: block; background: var(--bg-soft); }
    progress::-webkit-progress-bar { background: var(--bg-soft); }
    progress::-webkit-progress-value { background: var(--accent); transition: width .2s; }
    ul { list-style: none; margin: 0; padding: .25rem 0; max-height: 40vh; overflow: auto; border-top: 1px solid var(--line); }
    li { display: grid; grid-template-columns: 1fr auto; gap: .1rem .5rem; padding: .4rem .9rem; font-size: .85rem; }
    li .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    li progress { grid-column: 1 / -1; height: 3px; border-radius: 2px; }
    .failed { color: var(--danger); }
    .done { color: var(--ok); }
    .error, .note { padding: .5rem .9rem; border-top: 1px solid var(--line); }
    .note { font-size: .8rem; }
    .error { padding: .5rem .9rem; border-top: 1px solid var(--line); }
    .reason { grid-column: 1 / -1; font-size: .75rem; }
    @media (max-width: 700px) {
      :host { left: .5rem; right: .5rem; bottom: calc(4.25rem + env(safe-area-inset-bottom)); width: auto; }
      ul { max-height: 22vh; }
    }
  `]

  private readonly store = new StoreController(this)
  @state() private open = true
  @state() private dismissed = false
  @state() private pending: Array<{ name: string, size: number }> = []

  override connectedCallback (): void {
    super.connectedCallback()
    store.worker.call('pendingUploads', []).then((p) => { this.pending = p }, () => {})
  }

  private wasRunning = false

  protected override willUpdate (): void {
    const running = store.upload?.running === true
    if (running) this.dismissed = false
    // Finished without anything to say: fold the file list away, keep the summary.
    const quiet = store.upload?.error == null && store.upload?.files.every((f) => f.note == null && f.state !== 'failed' && f.state !== 'refused') === true
    if (this.wasRunning && !running && quiet) this.open = false
    if (!this.wasRunning && running) this.open = true
    this.wasRunning = running
  }

  private async forget (): Promise<void> {
    this.pending = []
    await store.worker.call('forgetPendingUploads', [])
  }

  private renderPending () {
    return html`<section role="region" aria-label="Interrupted upload"><header><div class="title">
      <strong>Upload interrupted</strong><div class="sub muted">${plural(this.pending.length, 'file')} did not finish. Choose them again to resume: finished parts are not sent twice.</div></div></header>
      <header>
        <button class="primary" @click=${() => { this.dispatchEvent(new CustomEvent('upload-pick', { detail: { folder: false }, bubbles: true, composed: true })); this.pending = [] }}>Choose files</button>
        <button @click=${() => { this.dispatchEvent(new CustomEvent('upload-pick', { detail: { folder: true }, bubbles: true, composed: true })); this.pending = [] }}>Folder</button>
        <button class="icon" aria-label="Dismiss" @click=${() => { void this.forget() }}>${icon('close')}</button>
      </header></section>`
  }

  override render () {
    const progress = store.upload
    if (progress == null || progress.files.length === 0 || this.dismissed) {
      return this.pending.length > 0 ? this.renderPending() : nothing
    }
    const { files, totalBytes, doneBytes, speed, running } = progress
    const finished = files.filter((f) => f.state === 'done').length
    const duplicates = files.filter((f) => f.state === 'duplicate').length
    const failed = files.filter((f) => f.state === 'failed').length
    const refused = files.filter((f) => f.state === 'refused').length
    const left = speed > 0 ? (totalBytes - doneBytes) / speed : Infinity
    const through = finished + duplicates + refused + 1
    const title = running ? `Uploading ${through > files.length ? files.length : through} of ${files.length}` : failed > 0 ? 'Upload stopped' : 'Upload complete'
    const summary = running
      ? `${bytes(doneBytes)} of ${bytes(totalBytes)} · ${bytes(speed)}/s · ${duration(left)} left`
      : `${finished} uploaded${duplicates > 0 ? `, ${duplicates} already there` : ''}${refused > 0 ? `, ${refused} not added` : ''}${failed > 0 ? `, ${failed} failed` : ''}`
    return html`<section role="region" aria-label="Uploads">
      <header>
        <div class="title"><strong>${title}</strong><div class="sub muted" role="status">${summary}</div></div>
        ${running ? html`<button @click=${() => { void store.worker.call('cancelUpload', []) }}>Cancel</button>` : nothing}
        <button class="icon" aria-label=${this.open ? 'Hide files' : 'Show files'} aria-expanded=${String(this.open)} @click=${() => { this.open = !this.open }}>${icon(this.open ? 'right' : 'left')}</button>
        ${running ? nothing : html`<button class="icon" aria-label="Close" @click=${() => { this.dismissed = true }}>${icon('close')}</button>`}
      </header>
      <progress max=${Math.max(1, totalBytes)} .value=${doneBytes} aria-label="Total progress"></progress>
      ${progress.error != null ? html`<div class="error failed" role="alert">${describe(progress.error)}</div>` : nothing}
      ${progress.transferNote != null ? html`<div class="note muted" role="note" aria-label="Transfer note">${noteText(progress.transferNote)}</div>` : nothing}
      ${this.open ? html`<ul>${files.map((f) => html`<li>
        <span class="name">${f.name}</span>
        <span class=${f.state === 'failed' || f.state === 'refused' ? 'failed' : f.state === 'done' || f.state === 'duplicate' ? 'done' : 'muted'}>
          ${f.state === 'uploading' ? `${Math.floor((f.bytes / Math.max(1, f.size)) * 100)}%` : STATE_TEXT[f.state]}
          ${f.state === 'queued' ? html`<button class="icon" aria-label=${`Cancel ${f.name}`} @click=${() => { void store.worker.call('cancelUpload', [f.key]) }}>${icon('close')}</button>` : nothing}
        </span>
        ${f.note != null && (f.state === 'done' || f.state === 'duplicate') ? html`<span class="muted reason">${f.note}</span>` : nothing}
        ${f.error != null && f.state === 'refused' ? html`<span class="failed reason">${capitalised(f.error)}</span>` : nothing}
        ${f.state === 'uploading' || f.state === 'checking' ? html`<progress max=${Math.max(1, f.size)} .value=${f.bytes}></progress>` : nothing}
      </li>`)}</ul>` : nothing}
    </section>`
  }
}
