/**
 * The share dialog of an album: add a user of this node as viewer or collaborator, see the
 * members (with a warning when the album's log does not confirm what the node says), and remove
 * one, which gives the album a new key the removed member never sees.
 *
 * @fires dialog-close - the dialog closed
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { describe } from '../display/messages.ts'
import { shared } from './styles.ts'
import type { MemberView } from '../worker/protocol.ts'

@customElement('share-dialog')
export class ShareDialog extends LitElement {
  static override styles = [shared, css`
    dialog { border: none; border-radius: var(--radius); padding: 1.4rem; width: min(30rem, calc(100vw - 2rem)); background: var(--bg-raised); color: var(--fg); box-shadow: var(--shadow); }
    dialog::backdrop { background: rgba(10, 12, 20, .45); }
    form { display: grid; grid-template-columns: 1fr auto auto; gap: .5rem; align-items: end; }
    ul { list-style: none; padding: 0; margin: 1rem 0; display: grid; gap: .4rem; }
    li { display: flex; gap: .6rem; align-items: center; }
    li .name { flex: 1; }
    .actions { display: flex; justify-content: flex-end; }
  `]

  /** Id of the album (or folder) to share. */
  @property() collection = ''
  /** Its name, for the title. */
  @property() name = ''

  @state() private members?: MemberView[]
  @state() private error?: string
  @state() private busy = false
  @query('dialog') private dialog!: HTMLDialogElement

  override firstUpdated (): void {
    this.dialog.showModal()
    void this.run(async () => await store.worker.call('members', [this.collection]))
  }

  private async run (action: () => Promise<MemberView[]>): Promise<void> {
    this.busy = true
    this.error = undefined
    try {
      this.members = await action()
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.busy = false
    }
  }

  private submit (event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const username = (form.elements.namedItem('username') as HTMLInputElement).value.trim()
    const role = (form.elements.namedItem('role') as HTMLSelectElement).value as MemberView['role']
    if (username === '') return
    void this.run(async () => await store.worker.call('share', [this.collection, username, role])).then(() => { if (this.error == null) form.reset() })
  }

  private close (): void {
    this.dialog.close()
    this.dispatchEvent(new CustomEvent('dialog-close'))
  }

  override render () {
    return html`<dialog aria-labelledby="t" @cancel=${(e: Event) => { e.preventDefault(); this.close() }}>
      <h2 id="t">Share “${this.name}”</h2>
      <form @submit=${this.submit}>
        <label>Username<input name="username" required autocomplete="off"></label>
        <label>Role<select name="role"><option value="viewer">Viewer</option><option value="collaborator">Collaborator</option></select></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Share</button>
      </form>
      ${this.error != null ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <ul aria-label="Members">${(this.members ?? []).map((m) => html`<li>
        <span class="name">${m.username}</span>
        <select aria-label=${`Role of ${m.username}`} ?disabled=${this.busy} .value=${m.role}
          @change=${(e: Event) => { const role = (e.target as HTMLSelectElement).value as MemberView['role']; void this.run(async () => await store.worker.call('share', [this.collection, m.username, role])) }}>
          <option value="viewer" ?selected=${m.role === 'viewer'}>Viewer</option><option value="collaborator" ?selected=${m.role === 'collaborator'}>Collaborator</option>
        </select>
        ${m.confirmed ? nothing : html`<span class="muted">(not confirmed by the album’s log)</span>`}
        <button class="danger" aria-label=${`Remove ${m.username}`} ?disabled=${this.busy} @click=${() => { void this.run(async () => await store.worker.call('unshare', [this.collection, m.username])) }}>Remove</button>
      </li>`)}</ul>
      ${this.members?.length === 0 ? html`<p class="muted">Only you can see this album.</p>` : nothing}
      <div class="actions"><button @click=${this.close}>Done</button></div>
    </dialog>`
  }
}
