/**
 * An album or folder another user shares with you, opened from "Shared with me": its items in
 * the grid and the viewer (decrypted in the worker with the album's shared key), who shares it
 * and your role. A collaborator can upload into it; a viewer only looks and downloads. Its
 * items are someone else's library: a selection can be downloaded, as in your own albums, but
 * not changed (no favorite, album, archive or trash), and they never show in your own timeline.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { navigate } from '../state/router.ts'
import { downloadCollection, leaveShared } from '../state/actions.ts'
import { icon } from '../components/icons.ts'
import { shared } from '../components/styles.ts'
import { plural } from '../display/text.ts'
import type { SharedView } from '../worker/protocol.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'
import '../components/upload-buttons.ts'

@customElement('shared-collection-page')
export class SharedCollectionPage extends LitElement {
  static override styles = [shared, css`:host { display: block; height: 100%; }`]

  /** Route parameters: `id` of the shared album or folder. */
  @property({ attribute: false }) params: Record<string, string> = {}

  private readonly store = new StoreController(this)

  private async leave (s: SharedView): Promise<void> {
    if (await leaveShared(s)) navigate('/albums')
  }

  override render () {
    const s = store.shared.get(this.params.id ?? '')
    if (s == null) return store.view == null ? nothing : html`<empty-state icon="info" heading="Not shared with you" text="This album is not shared with you, or not any more."></empty-state>`
    const items = store.itemsOf(s.id)
    const collaborator = s.role === 'collaborator'
    const subtitle = `${plural(items.length, 'item')} · shared by ${s.owner} · ${collaborator ? 'you can add photos' : 'you can view'}`
    return html`
      <item-browser .heading=${s.name} .subtitle=${subtitle} .items=${items} .collection=${s.id} grouping="month" .actions=${['save', 'download']}>
        ${collaborator ? html`<upload-buttons slot="actions"></upload-buttons>` : nothing}
        ${items.length > 0 ? html`<button slot="actions" class="icon" aria-label=${`Download ${s.kind}`} title=${`Download ${s.kind} as a zip`} @click=${() => { void downloadCollection(s.id) }}>${icon('download')}</button>` : nothing}
        <button slot="actions" @click=${() => { void this.leave(s) }}>Leave</button>
        <empty-state slot="empty" icon=${s.kind} heading="Nothing here yet"
          text=${collaborator ? `Photos you upload here are added to ${s.owner}’s album.` : `Photos ${s.owner} adds will appear here.`}>
          ${collaborator ? html`<upload-buttons prominent></upload-buttons>` : nothing}
        </empty-state>
      </item-browser>`
  }
}
