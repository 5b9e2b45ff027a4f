/**
 * The viewer's top bar: back, the item's name, and what one can do with it — favorite, details,
 * download the original, add to an album, archive, move to the trash. An item seen in an album
 * someone shares with you is theirs: it offers details and download only.
 *
 * @fires close - the user left the viewer
 * @fires toggle-info - the details panel should open or close
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { downloadOriginal } from '../state/media.ts'
import { describe } from '../state/messages.ts'
import { toast } from '../state/toast.ts'
import { pickCollection } from './collection-picker.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import type { ItemView } from '../worker/protocol.ts'

@customElement('viewer-toolbar')
export class ViewerToolbar extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; align-items: center; gap: .25rem; padding: .5rem .75rem; background: linear-gradient(rgba(0,0,0,.6), rgba(0,0,0,.2)); }
    button.icon { color: #fff; }
    button.icon:hover { background: rgba(255,255,255,.12); }
    button.fav[aria-pressed="true"] { color: #ff6b81; }
    .name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; margin-left: .25rem; }
  `]

  /** The item shown in the viewer. */
  @property({ attribute: false }) item?: ItemView
  /** Whether the item is in the user's own library (else it is only in an album shared with them). */
  @property({ type: Boolean }) owned = true
  /** Whether the details panel is open. */
  @property({ type: Boolean }) info = false

  private async run (what: Promise<unknown>, done?: string): Promise<void> {
    try {
      await what
      if (done != null) toast(done)
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  private async addToAlbum (item: ItemView): Promise<void> {
    const album = await pickCollection({ kind: 'album', heading: 'Add to album' })
    if (album != null) await this.run(store.worker.call('addToAlbum', [[item.id], album]), `Added to ${store.collections.get(album)?.name ?? 'album'}`)
  }

  private async trashItem (item: ItemView): Promise<void> {
    this.dispatchEvent(new CustomEvent('close'))
    await this.run(store.worker.call('trashItems', [[item.id]]), 'Moved to the trash')
  }

  override render () {
    const item = this.item
    const close = (): void => { this.dispatchEvent(new CustomEvent('close')) }
    return html`
      <button class="icon" aria-label="Back" @click=${close}>${icon('left')}</button>
      <span class="name">${item?.name ?? ''}</span>
      ${item == null ? nothing : html`
        ${this.owned ? html`<button class="icon fav" aria-label="Favorite" aria-pressed=${String(item.favorite)}
          @click=${() => { void this.run(store.worker.call('setFlag', [[item.id], 'favorite', !item.favorite])) }}>${icon('heart', item.favorite)}</button>` : nothing}
        <button class="icon" aria-label="Details" aria-pressed=${String(this.info)} @click=${() => { this.dispatchEvent(new CustomEvent('toggle-info')) }}>${icon('info')}</button>
        <button class="icon" aria-label="Download original" @click=${() => { void this.run(downloadOriginal(item.id, item.name)) }}>${icon('download')}</button>
        ${this.owned ? this.renderOwnActions(item) : nothing}`}
    `
  }

  private renderOwnActions (item: ItemView) {
    return html`
      <button class="icon" aria-label="Add to album" @click=${() => { void this.addToAlbum(item) }}>${icon('album')}</button>
      <button class="icon" aria-label=${item.archived ? 'Unarchive' : 'Archive'}
        @click=${() => { void this.run(store.worker.call('setFlag', [[item.id], 'archived', !item.archived]), item.archived ? 'Back in your photos' : 'Archived') }}>${icon('archive')}</button>
      <button class="icon" aria-label="Move to trash" @click=${() => { void this.trashItem(item) }}>${icon('trash')}</button>`
  }
}
