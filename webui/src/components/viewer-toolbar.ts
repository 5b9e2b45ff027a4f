/**
 * The viewer's top bar: back, the item's name, and what one can do with it — favorite, details,
 * download the original, add to an album, archive, move to the trash. On a phone the last four
 * go into a "More options" menu, so that the name keeps its room. An item seen in an album
 * someone shares with you is theirs: it offers details and download only.
 *
 * @fires close - the user left the viewer
 * @fires toggle-info - the details panel should open or close
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { store } from '../state/store.ts'
import { downloadOriginal } from '../worker-client/media.ts'
import { describe } from '../display/messages.ts'
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
    .more-wrap { position: relative; display: none; }
    .menu { position: absolute; right: 0; top: calc(100% + .3rem); min-width: 13rem; padding: .35rem; display: grid; gap: .1rem; z-index: 10;
      background: var(--bg-raised); color: var(--fg); border: 1px solid var(--line); border-radius: 14px; box-shadow: 0 8px 28px rgba(0,0,0,.35); }
    .menu button { justify-content: flex-start; gap: .75rem; border: none; border-radius: 10px; background: none; padding: .6rem .75rem; }
    .menu button:hover { background: var(--bg-soft); }
    @media (max-width: 600px) {
      .wide { display: none; }
      .more-wrap { display: block; }
    }
  `]

  /** The item shown in the viewer. */
  @property({ attribute: false }) item?: ItemView
  /** Whether the item is in the user's own library (else it is only in an album shared with them). */
  @property({ type: Boolean }) owned = true
  /** Whether the original may be saved (a no-download public link's may not). */
  @property({ type: Boolean }) downloadable = true
  /** Whether the details panel is open. */
  @property({ type: Boolean }) info = false
  /** Whether the phone's "More options" menu is open. */
  @state() private menu = false

  override connectedCallback (): void {
    super.connectedCallback()
    document.addEventListener('pointerdown', this.outside)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    document.removeEventListener('pointerdown', this.outside)
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('item') && (changed.get('item') as ItemView | undefined)?.id !== this.item?.id) this.menu = false
  }

  private readonly outside = (event: Event): void => {
    if (this.menu && !event.composedPath().includes(this)) this.menu = false
  }

  /** Runs a menu choice and closes the menu. */
  private choose (action: () => void): void {
    this.menu = false
    action()
  }

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
      <span class="name" title=${item?.name ?? ''}>${item?.name ?? ''}</span>
      ${item == null ? nothing : html`
        ${this.owned ? html`<button class="icon fav" aria-label="Favorite" aria-pressed=${String(item.favorite)}
          @click=${() => { void this.run(store.worker.call('setFlag', [[item.id], 'favorite', !item.favorite])) }}>${icon('heart', item.favorite)}</button>` : nothing}
        <button class="icon" aria-label="Details" aria-pressed=${String(this.info)} @click=${() => { this.dispatchEvent(new CustomEvent('toggle-info')) }}>${icon('info')}</button>
        ${this.actions(item).map((a) => html`<button class="icon wide" aria-label=${a.label} @click=${a.run}>${icon(a.icon)}</button>`)}
        <div class="more-wrap">
          <button class="icon" aria-label="More options" aria-haspopup="menu" aria-expanded=${String(this.menu)}
            @click=${() => { this.menu = !this.menu }} @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape' && this.menu) { e.preventDefault(); this.menu = false } }}>${icon('more-vertical')}</button>
          ${this.menu
            ? html`<div class="menu" role="menu" aria-label="More options">${this.actions(item).map((a) => html`<button role="menuitem" @click=${() => { this.choose(a.run) }}
                @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); this.menu = false } }}>${icon(a.icon)}${a.label}</button>`)}</div>`
            : nothing}
        </div>`}
    `
  }

  /** What the toolbar offers besides favorite and details: inline on wide screens, in the menu on phones. */
  private actions (item: ItemView): Array<{ label: string, icon: string, run: () => void }> {
    const download = { label: 'Download original', icon: 'download', run: () => { void this.run(downloadOriginal(item.id, item.name)) } }
    if (!this.owned) return this.downloadable ? [download] : []
    return [
      download,
      { label: 'Add to album', icon: 'album', run: () => { void this.addToAlbum(item) } },
      {
        label: item.archived ? 'Unarchive' : 'Archive',
        icon: 'archive',
        run: () => { void this.run(store.worker.call('setFlag', [[item.id], 'archived', !item.archived]), item.archived ? 'Back in your photos' : 'Archived') }
      },
      { label: 'Move to trash', icon: 'trash', run: () => { void this.trashItem(item) } }
    ]
  }
}
