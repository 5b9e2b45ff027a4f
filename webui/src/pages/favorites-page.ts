/** Favorites: every item marked with the heart, newest first. */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'

@customElement('favorites-page')
export class FavoritesPage extends LitElement {
  static override styles = css`:host { display: block; height: 100%; }`

  private readonly store = new StoreController(this)

  override render () {
    const items = store.timeline.filter((i) => i.favorite)
    return html`<item-browser heading="Favorites" grouping="month" .items=${items} .actions=${['album', 'favorite', 'download', 'trash']}>
      <empty-state slot="empty" icon="heart" heading="No favorites yet" text="Tap the heart on a photo to find it here."></empty-state>
    </item-browser>`
  }
}
