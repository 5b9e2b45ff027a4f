/**
 * Setting a new password with the recovery key shown at signup. The key and the password go to the
 * crypto worker only: it proves the key to the node, opens the master key with it, wraps it under
 * the new password and logs in. Nothing is re-encrypted, the recovery key keeps working, and every
 * other session of the account ends.
 */
import { LitElement, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { describe } from '../display/messages.ts'
import { shared } from '../components/styles.ts'
import { authStyles } from './auth-styles.ts'
import { PHASES } from './login-page.ts'

const MIN_PASSWORD = 10

@customElement('recover-page')
export class RecoverPage extends LitElement {
  static override styles = [shared, authStyles]

  private readonly store = new StoreController(this)
  @state() private busy = false
  @state() private error = ''

  private async submit (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    const password = String(form.get('password'))
    if (password.length < MIN_PASSWORD) { this.error = `Use at least ${MIN_PASSWORD} characters for your new password.`; return }
    if (password !== String(form.get('confirm'))) { this.error = 'The two passwords differ.'; return }
    this.busy = true
    this.error = ''
    try {
      await store.recover(String(form.get('username')).trim().toLowerCase(), String(form.get('recoveryKey')), password)
    } catch (err) {
      this.error = describe(err)
      this.busy = false
    }
  }

  override render () {
    return html`<div class="card">
      <div class="brand"><i></i>Obscura</div>
      <h1>Reset your password</h1>
      <p class="hint">Enter the recovery key you saved when you created the account. Your photos stay as they are; every device logged in to this account is logged out.</p>
      <form @submit=${this.submit}>
        <label>Username<input name="username" autocomplete="username" required autocapitalize="none" spellcheck="false" ?disabled=${this.busy}></label>
        <label>Recovery key<input name="recoveryKey" type="password" autocomplete="off" required autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX-…" ?disabled=${this.busy}></label>
        <label>New password<input name="password" type="password" autocomplete="new-password" required minlength=${MIN_PASSWORD} ?disabled=${this.busy}></label>
        <label>Repeat new password<input name="confirm" type="password" autocomplete="new-password" required ?disabled=${this.busy}></label>
        ${this.error !== '' ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
        ${this.busy ? html`<div class="phase" role="status"><progress></progress><span>${PHASES[store.phase ?? 'recovering']}</span></div>` : nothing}
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Resetting…' : 'Set new password and log in'}</button>
      </form>
      <p class="hint"><a href="/login">Back to log in</a></p>
    </div>`
  }
}
