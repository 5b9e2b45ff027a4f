/** Archive: items hidden from the timeline but kept in albums and folders. */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'

@customElement('archive-page')
export class ArchivePage extends LitElement {
  static override styles = css`:host { display: block; height: 100%; }`

  private readonly store = new StoreController(this)

  override render () {
    const items = (store.view?.items ?? []).filter((i) => i.archived && i.trashedAt == null)
    return html`<item-browser heading="Archive" subtitle="Hidden from Photos; still in their albums and folders." grouping="month" .items=${items} .actions=${['unarchive', 'album', 'download', 'trash']}>
      <empty-state slot="empty" icon="archive" heading="Nothing archived" text="Archive screenshots and receipts to keep them out of your timeline."></empty-state>
    </item-browser>`
  }
}
