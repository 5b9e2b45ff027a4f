/**
 * Logging in. The password goes to the crypto worker only: Argon2id runs there (64 MiB, about a
 * second) while this page shows what is happening, then the worker proves the password to the
 * node and unlocks the key bundle. Wrong passwords, throttling and an unreachable node each get
 * their own message.
 */
import { LitElement, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { describe } from '../display/messages.ts'
import { shared } from '../components/styles.ts'
import { authStyles } from './auth-styles.ts'

export const PHASES: Record<string, string> = {
  deriving: 'Deriving your keys from the password (Argon2id)…',
  creating: 'Creating your keys and deriving them from the password (Argon2id)…',
  proving: 'Proving your password to the node…',
  unlocking: 'Unlocking your keys…',
  recovering: 'Checking your recovery key and deriving keys from the new password (Argon2id)…',
  syncing: 'Decrypting your library…'
}

@customElement('login-page')
export class LoginPage extends LitElement {
  static override styles = [shared, authStyles]

  private readonly store = new StoreController(this)
  @state() private busy = false
  @state() private error = ''

  private async submit (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    this.busy = true
    this.error = ''
    try {
      await store.login(String(form.get('username')).trim(), String(form.get('password')))
    } catch (err) {
      this.error = describe(err)
      this.busy = false
    }
  }

  override render () {
    const resumeError = store.syncError != null ? describe(store.syncError) : ''
    return html`<div class="card">
      <div class="brand"><i></i>Obscura</div>
      <h1>Log in</h1>
      <p class="hint">Your photos are encrypted on this device. The node never sees your password, your pictures or their names.</p>
      <form @submit=${this.submit}>
        <label>Username<input name="username" autocomplete="username" required autocapitalize="none" spellcheck="false" ?disabled=${this.busy}></label>
        <label>Password<input name="password" type="password" autocomplete="current-password" required ?disabled=${this.busy}></label>
        ${this.error !== '' || resumeError !== '' ? html`<div class="alert" role="alert">${this.error !== '' ? this.error : resumeError}</div>` : nothing}
        ${this.busy ? html`<div class="phase" role="status"><progress></progress><span>${PHASES[store.phase ?? 'deriving']}</span></div>` : nothing}
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </form>
      <p class="hint"><a href="/recover">Forgot your password? Use your recovery key</a></p>
      <p class="hint">New here? <a href="/signup">Create an account</a></p>
    </div>`
  }
}
