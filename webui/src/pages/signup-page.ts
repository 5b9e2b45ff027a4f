/**
 * Creating an account. Keys are made in the crypto worker; only public keys and the encrypted
 * key bundle go to the node. Afterwards the recovery key is shown once — the only way back in
 * without the password — and the library opens when the user says it is saved.
 */
import { LitElement, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { describe } from '../display/messages.ts'
import { shared } from '../components/styles.ts'
import { authStyles } from './auth-styles.ts'
import { USERNAME_HTML_PATTERN } from '../../../src/format/names.ts'
import { PHASES } from './login-page.ts'
import type { SavedSession } from '../worker/protocol.ts'

const MIN_PASSWORD = 10

@customElement('signup-page')
export class SignupPage extends LitElement {
  static override styles = [shared, authStyles]

  private readonly store = new StoreController(this)
  @state() private busy = false
  @state() private error = ''
  @state() private created?: { saved: SavedSession, recoveryKey: string }
  @state() private saved = false
  @state() private copied = false

  private async submit (event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = new FormData(event.target as HTMLFormElement)
    const password = String(form.get('password'))
    if (password.length < MIN_PASSWORD) { this.error = `Use at least ${MIN_PASSWORD} characters for your password.`; return }
    if (password !== String(form.get('confirm'))) { this.error = 'The two passwords differ.'; return }
    const invite = String(form.get('invite') ?? '').trim()
    this.busy = true
    this.error = ''
    try {
      this.created = await store.signup(String(form.get('username')).trim(), password, invite !== '' ? invite : undefined)
    } catch (err) {
      this.error = describe(err)
    } finally {
      this.busy = false
    }
  }

  private async copy (key: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(key)
      this.copied = true
    } catch {
      this.copied = false
    }
  }

  private renderRecovery (created: { saved: SavedSession, recoveryKey: string }) {
    return html`<div class="card">
      <h1>Save your recovery key</h1>
      <p class="hint">If you forget your password, this key is the only way to get your photos back. Nobody else — not the node’s admin — can recover them. It is shown only now.</p>
      <div class="key" aria-label="Recovery key" data-testid="recovery-key">${created.recoveryKey}</div>
      <button @click=${() => { void this.copy(created.recoveryKey) }}>${this.copied ? 'Copied' : 'Copy'}</button>
      <label style="display:flex;gap:.5rem;align-items:center;font-weight:400"><input type="checkbox" style="width:auto" @change=${(e: Event) => { this.saved = (e.target as HTMLInputElement).checked }}> I have stored my recovery key somewhere safe</label>
      <button class="primary" ?disabled=${!this.saved} @click=${() => { store.enter(created.saved) }}>Open my library</button>
    </div>`
  }

  override render () {
    if (this.created != null) return this.renderRecovery(this.created)
    return html`<div class="card">
      <div class="brand"><i></i>Obscura</div>
      <h1>Create your account</h1>
      <form @submit=${this.submit}>
        <label>Username<input name="username" autocomplete="username" required pattern=${USERNAME_HTML_PATTERN} title="2 to 32 lowercase letters, digits, dots, dashes or underscores" autocapitalize="none" spellcheck="false" ?disabled=${this.busy}></label>
        <label>Password<input name="password" type="password" autocomplete="new-password" required minlength=${MIN_PASSWORD} ?disabled=${this.busy}></label>
        <label>Repeat password<input name="confirm" type="password" autocomplete="new-password" required ?disabled=${this.busy}></label>
        <label>Invite code <span class="muted" style="font-weight:400">(if the node’s admin gave you one)</span><input name="invite" autocomplete="off" ?disabled=${this.busy}></label>
        ${this.error !== '' ? html`<div class="alert" role="alert">${this.error}</div>` : nothing}
        ${this.busy ? html`<div class="phase" role="status"><progress></progress><span>${PHASES[store.phase ?? 'creating']}</span></div>` : nothing}
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create account'}</button>
      </form>
      <p class="hint">Already have an account? <a href="/login">Log in</a></p>
    </div>`
  }
}
