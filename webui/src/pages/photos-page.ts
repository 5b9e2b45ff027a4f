/**
 * Photos: the timeline of everything not archived or trashed, newest first, grouped by day, with
 * the date scrubber. Empty, it invites the first upload.
 */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { plural } from '../display/text.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'
import '../components/upload-buttons.ts'

@customElement('photos-page')
export class PhotosPage extends LitElement {
  static override styles = css`:host { display: block; height: 100%; }`

  private readonly store = new StoreController(this)

  override render () {
    const items = store.timeline
    return html`<item-browser heading="Photos" .subtitle=${items.length > 0 ? plural(items.length, 'item') : ''} .items=${items}>
      <upload-buttons slot="actions"></upload-buttons>
      <empty-state slot="empty" icon="photos" heading="Your photos will appear here"
        text="Drop photos, videos or whole folders anywhere on this page, or choose them. They are encrypted on this device before they leave it.">
        <upload-buttons prominent></upload-buttons>
      </empty-state>
    </item-browser>`
  }
}
