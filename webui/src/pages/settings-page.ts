/**
 * Settings: who is logged in and how much space is used, changing the password (re-wraps the
 * keys; no photo is re-encrypted), logging out (which also deletes this browser's cached
 * thumbnails and metadata), and for the node's admin, invite codes.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { bytes } from '../state/format.ts'
import { describe } from '../state/messages.ts'
import { toast } from '../state/toast.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'

@customElement('settings-page')
export class SettingsPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; height: 100%; overflow: auto; }
    section { margin: 0 1.25rem 1.25rem; padding: 1.2rem; border: 1px solid var(--line); border-radius: var(--radius); max-width: 34rem; display: grid; gap: .8rem; }
    form { display: grid; gap: .8rem; }
    .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
    .alert { color: var(--danger); }
  `]

  private readonly store = new StoreController(this)
  @state() private busy = false
  @state() private error = ''

  private async changePassword (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const formElement = event.target as HTMLFormElement
    const form = new FormData(formElement)
    const next = String(form.get('next'))
    if (next.length < 10) { this.error = 'Use at least 10 characters.'; return }
    if (next !== String(form.get('repeat'))) { this.error = 'The new passwords differ.'; return }
    this.busy = true
    this.error = ''
    try {
      await store.changePassword(String(form.get('current')), next)
      formElement.reset()
      toast('Password changed')
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.busy = false
    }
  }

  private async invite (): Promise<void> {
    try {
      const { code } = await store.worker.call('createInvite', [])
      await navigator.clipboard.writeText(code).catch(() => {})
      toast(`Invite code ${code} (copied)`)
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  override render () {
    const user = store.view?.user
    return html`
      <div class="page-head"><h1>Settings</h1></div>
      <section aria-labelledby="account">
        <h2 id="account">Account</h2>
        <div>Logged in as <strong>${user?.username ?? ''}</strong>${user?.admin === true ? html` <span class="muted">(node admin)</span>` : nothing}</div>
        ${user != null ? html`<div class="muted">${bytes(user.usedBytes)} used${user.quotaBytes > 0 ? ` of ${bytes(user.quotaBytes)}` : ''}</div>` : nothing}
        <div class="row">
          <button @click=${() => { void store.logout() }}>${icon('logout')} Log out</button>
          ${user?.admin === true ? html`<button @click=${() => { void this.invite() }}>${icon('plus')} Create invite code</button>` : nothing}
        </div>
        <p class="muted" style="margin:0;font-size:.85rem">This tab keeps your unlocked keys until you log out or close it. Logging out also deletes the thumbnails cached in this browser.</p>
      </section>
      <section aria-labelledby="password">
        <h2 id="password">Change password</h2>
        <form @submit=${this.changePassword}>
          <label>Current password<input name="current" type="password" autocomplete="current-password" required ?disabled=${this.busy}></label>
          <label>New password<input name="next" type="password" autocomplete="new-password" required minlength="10" ?disabled=${this.busy}></label>
          <label>Repeat new password<input name="repeat" type="password" autocomplete="new-password" required ?disabled=${this.busy}></label>
          ${this.error !== '' ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
          <div><button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Changing…' : 'Change password'}</button></div>
        </form>
      </section>
    `
  }
}
