/** Shared: the albums and folders other users share with you, as cards (on a phone, a tab of its own). */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { shared } from '../components/styles.ts'
import '../components/shared-albums.ts'
import '../components/empty-state.ts'

@customElement('shared-page')
export class SharedPage extends LitElement {
  static override styles = [shared, css`:host { display: block; height: 100%; overflow: auto; }`]

  private readonly store = new StoreController(this)

  override render () {
    return html`
      <div class="page-head"><h1>Shared with me</h1></div>
      ${(store.view?.shared ?? []).length === 0
        ? html`<empty-state icon="album" heading="Nothing shared with you yet" text="Albums other people share with you appear here."></empty-state>`
        : html`<shared-albums label="Shared with me"></shared-albums>`}`
  }
}
