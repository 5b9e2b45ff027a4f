/**
 * The public links of an album: make one (expiry, password, device limit, whether originals may
 * be downloaded, whether visitors may add photos), copy its URL, and revoke it. The key is in
 * the URL's fragment, which browsers never send; the password is stretched in the worker and
 * never sent either.
 *
 * @fires dialog-close - the dialog closed
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { describe } from '../display/messages.ts'
import { shared } from './styles.ts'
import { formatDay, formatFull, plural } from '../display/text.ts'
import type { LinkView, NewLink } from '../worker/protocol.ts'

const DAY = 24 * 60 * 60 * 1000

@customElement('link-dialog')
export class LinkDialog extends LitElement {
  static override styles = [shared, css`
    dialog { border: none; border-radius: var(--radius); padding: 1.4rem; width: min(36rem, calc(100vw - 2rem)); background: var(--bg-raised); color: var(--fg); box-shadow: var(--shadow); }
    dialog::backdrop { background: rgba(10, 12, 20, .45); }
    form { display: grid; grid-template-columns: 1fr 1fr; gap: .6rem 1rem; }
    .check { display: flex; gap: .5rem; align-items: center; }
    .check input { width: auto; }
    ul { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: .8rem; }
    li { display: grid; gap: .3rem; }
    .row { display: flex; gap: .5rem; align-items: center; }
    .actions { display: flex; justify-content: flex-end; grid-column: 1 / -1; gap: .5rem; }
  `]

  /** Id of the album. */
  @property() collection = ''
  /** Its name, for the title. */
  @property() name = ''

  @state() private links?: LinkView[]
  @state() private error?: string
  @state() private busy = false
  @state() private copied?: string
  @query('dialog') private dialog!: HTMLDialogElement

  override firstUpdated (): void {
    this.dialog.showModal()
    void this.run(async () => await store.worker.call('links', [this.collection]))
  }

  private async run (action: () => Promise<LinkView[]>): Promise<boolean> {
    this.busy = true
    this.error = undefined
    try {
      this.links = await action()
      return true
    } catch (err) {
      this.error = describe(err)
      return false
    } finally {
      this.busy = false
    }
  }

  private submit (event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const field = (name: string): HTMLInputElement => form.elements.namedItem(name) as HTMLInputElement
    const days = Number((form.elements.namedItem('expiry') as HTMLSelectElement).value)
    const options: NewLink = { noDownload: !field('download').checked, allowUpload: field('upload').checked }
    if (days > 0) options.expiresAt = Date.now() + days * DAY
    if (field('password').value !== '') options.password = field('password').value
    if (field('devices').value !== '') options.deviceLimit = Number(field('devices').value)
    // The settings stay for the next link (one per person, say); only the password is cleared, not to linger on screen.
    void this.run(async () => await store.worker.call('createLink', [this.collection, options])).then((ok) => { if (ok) field('password').value = '' })
  }

  private async copy (link: LinkView): Promise<void> {
    try {
      await navigator.clipboard.writeText(link.url)
      this.copied = link.id
    } catch {
      this.error = 'Could not copy: select the link and copy it yourself.'
    }
  }

  private close (): void {
    this.dialog.close()
    this.dispatchEvent(new CustomEvent('dialog-close'))
  }

  private renderLink (link: LinkView) {
    const gone = link.revokedAt != null ? 'Revoked' : link.expiresAt != null && link.expiresAt < Date.now() ? 'Expired' : undefined
    const facts = [
      link.expiresAt != null ? `until ${formatDay(link.expiresAt)}` : 'no expiry',
      link.password ? 'password' : undefined,
      link.deviceLimit != null ? `${link.devices} of ${link.deviceLimit} devices` : plural(link.devices, 'device'),
      link.noDownload ? 'no download' : undefined,
      link.allowUpload ? 'uploads allowed' : undefined
    ].filter((f) => f != null).join(' · ')
    return html`<li aria-label=${`Link made ${formatFull(link.createdAt)}`}>
      <div class="row">
        <input readonly aria-label="Link URL" .value=${link.url} ?disabled=${gone != null}>
        ${gone != null
          ? html`<strong>${gone}</strong>`
          : html`<button @click=${() => { void this.copy(link) }}>${this.copied === link.id ? 'Copied' : 'Copy'}</button>
            <button class="danger" ?disabled=${this.busy} @click=${() => { void this.run(async () => await store.worker.call('revokeLink', [this.collection, link.token])) }}>Revoke</button>`}
      </div>
      <span class="muted">${facts}</span>
    </li>`
  }

  override render () {
    return html`<dialog aria-labelledby="t" @cancel=${(e: Event) => { e.preventDefault(); this.close() }}>
      <h2 id="t">Public links to “${this.name}”</h2>
      <p class="muted">Anyone with a link sees the album, without an account.</p>
      <form @submit=${this.submit}>
        <label>Expires<select name="expiry"><option value="0">Never</option><option value="1">In a day</option><option value="7">In a week</option><option value="30">In a month</option></select></label>
        <label>Device limit<input name="devices" type="number" min="1" max="10000" placeholder="None"></label>
        <label>Password<input name="password" type="password" autocomplete="new-password" placeholder="None"></label>
        <span></span>
        <label class="check"><input name="download" type="checkbox" checked> Allow downloading originals</label>
        <label class="check"><input name="upload" type="checkbox"> Allow adding photos</label>
        <div class="actions"><button class="primary" type="submit" ?disabled=${this.busy}>Create link</button></div>
      </form>
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <ul aria-label="Links">${(this.links ?? []).map((l) => this.renderLink(l))}</ul>
      <div class="actions"><button @click=${this.close}>Done</button></div>
    </dialog>`
  }
}
