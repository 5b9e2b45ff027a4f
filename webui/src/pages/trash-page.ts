/**
 * Trash: items moved to the trash, restorable for 30 days, then deleted for good. Emptying the
 * trash deletes them now and gives their space back.
 */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { runAction } from '../state/actions.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'

@customElement('trash-page')
export class TrashPage extends LitElement {
  static override styles = [shared, css`:host { display: block; height: 100%; }`]

  private readonly store = new StoreController(this)

  override render () {
    const items = (store.view?.items ?? []).filter((i) => i.trashedAt != null).sort((a, b) => (b.trashedAt ?? 0) - (a.trashedAt ?? 0))
    return html`<item-browser heading="Trash" subtitle="Items here are deleted for good after 30 days." grouping="none" .items=${items} .actions=${['restore', 'delete']}>
      ${items.length > 0 ? html`<button slot="actions" class="danger" @click=${() => { void runAction('delete', items.map((i) => i.id)) }}>${icon('trash')} Empty trash</button>` : ''}
      <empty-state slot="empty" icon="trash" heading="Trash is empty" text="Deleted items stay here for 30 days before they are removed for good."></empty-state>
    </item-browser>`
  }
}
