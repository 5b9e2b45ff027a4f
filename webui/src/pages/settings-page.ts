/**
 * Settings: who is logged in and how much space is used, changing the password (re-wraps the
 * keys; no photo is re-encrypted), logging out (which also deletes this browser's cached
 * thumbnails and metadata), and for the node's admin, invite codes: create, list (copy an open
 * one again, see who used one), revoke.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { bytes, formatDay, plural } from '../display/text.ts'
import { describe } from '../display/messages.ts'
import { toast } from '../state/toast.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import type { ApiInvite } from '../../../src/client/api.ts'

@customElement('settings-page')
export class SettingsPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; height: 100%; overflow: auto; }
    section { margin: 0 1.25rem 1.25rem; padding: 1.2rem; border: 1px solid var(--line); border-radius: var(--radius); max-width: 34rem; display: grid; gap: .8rem; }
    form { display: grid; gap: .8rem; }
    .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
    .alert { color: var(--danger); }
    .invites { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
    .invites li { display: flex; gap: .6rem; align-items: center; flex-wrap: wrap; padding: .5rem .6rem; border: 1px solid var(--line); border-radius: calc(var(--radius) / 1.5); }
    .invites code { font-size: .85rem; user-select: all; word-break: break-all; }
    .invites .what { flex: 1; min-width: 12rem; display: grid; gap: .15rem; }
    .invites .state { font-size: .85rem; }
    .invites li.closed { opacity: .7; }
  `]

  private readonly store = new StoreController(this)
  @state() private busy = false
  @state() private error = ''
  /** The node's invites, for its admin; undefined until loaded. */
  @state() private invites?: ApiInvite[]
  private loadingInvites = false

  override updated (): void {
    if (store.view?.user.admin === true && this.invites == null && !this.loadingInvites) void this.loadInvites()
  }

  private async loadInvites (): Promise<void> {
    this.loadingInvites = true
    try {
      this.invites = await store.worker.call('invites', [])
    } catch (err) {
      toast(describe(err), 'error')
    } finally {
      this.loadingInvites = false
    }
  }

  private async copy (code: string): Promise<void> {
    await navigator.clipboard.writeText(code).then(() => { toast('Invite code copied') }, () => { toast('Select the code and copy it', 'error') })
  }

  private async revoke (invite: ApiInvite): Promise<void> {
    try {
      await store.worker.call('revokeInvite', [invite.id])
      toast('Invite revoked: its code no longer works')
    } catch (err) {
      toast(describe(err), 'error')
    }
    await this.loadInvites()
  }

  private renderInvite (invite: ApiInvite) {
    const days = Math.max(0, Math.ceil((invite.expiresAt - Date.now()) / 86_400_000))
    const state = invite.state === 'open'
      ? `Open · expires in ${plural(days, 'day')} (${formatDay(invite.expiresAt)})`
      : invite.state === 'used'
        ? `Used by ${invite.usedBy ?? 'someone'} on ${formatDay(invite.usedAt ?? invite.createdAt)}`
        : `Expired on ${formatDay(invite.expiresAt)}`
    return html`<li class=${invite.state === 'open' ? '' : 'closed'}>
      <div class="what">
        ${invite.code != null ? html`<code>${invite.code}</code>` : html`<span class="muted">Created ${formatDay(invite.createdAt)}</span>`}
        <span class="state muted">${state}</span>
      </div>
      ${invite.code != null ? html`<button @click=${() => { void this.copy(invite.code as string) }}>${icon('copy')} Copy</button>` : nothing}
      ${invite.state === 'open' ? html`<button class="danger" aria-label=${`Revoke invite created ${formatDay(invite.createdAt)}`} @click=${() => { void this.revoke(invite) }}>Revoke</button>` : nothing}
    </li>`
  }

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
      toast('Invite code created and copied: it is listed under Invites')
    } catch (err) {
      toast(describe(err), 'error')
    }
    await this.loadInvites()
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
        </div>
        <p class="muted" style="margin:0;font-size:.85rem">This tab keeps your unlocked keys until you log out or close it. Logging out also deletes the thumbnails cached in this browser.</p>
      </section>
      ${user?.admin === true
        ? html`<section aria-labelledby="invites">
          <h2 id="invites">Invites</h2>
          <p class="muted" style="margin:0">New accounts on this node need an invite code. Each code works once, for 7 days.</p>
          <div class="row"><button @click=${() => { void this.invite() }}>${icon('plus')} Create invite code</button></div>
          ${this.invites == null
            ? html`<p class="muted">Loading invites…</p>`
            : this.invites.length === 0 ? html`<p class="muted">No invites yet.</p>` : html`<ul class="invites">${this.invites.map((i) => this.renderInvite(i))}</ul>`}
        </section>`
        : nothing}
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
