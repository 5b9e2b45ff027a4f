/** A path that names no page. */
import { LitElement, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import '../components/empty-state.ts'

@customElement('not-found-page')
export class NotFoundPage extends LitElement {
  override render () {
    return html`<empty-state icon="info" heading="Nothing here" text="This page does not exist, or the album was deleted."><a href="/">Back to Photos</a></empty-state>`
  }
}
