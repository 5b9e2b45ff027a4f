/**
 * One album or folder: its items in the grid, uploads that land in it, rename and delete, and
 * for a folder the path above it and the folders inside it. Selection actions fit the kind:
 * an album removes items from itself; a folder moves them to another folder. An album opens
 * its share dialog and its public links, and offers "Add photos" from the library (the first
 * thing an empty album offers).
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { addPhotos, downloadCollection } from '../state/actions.ts'
import { navigate } from '../state/router.ts'
import { describe } from '../display/messages.ts'
import { toast } from '../state/toast.ts'
import { askText, confirmAction } from '../components/text-dialog.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import { plural } from '../display/text.ts'
import type { CollectionView, ItemView } from '../worker/protocol.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'
import '../components/upload-buttons.ts'

@customElement('collection-page')
export class CollectionPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; height: 100%; }
    .crumbs, .children { display: flex; gap: .4rem; flex-wrap: wrap; padding: .75rem 1.25rem 0; font-size: .9rem; }
    .crumbs a { color: var(--fg-soft); text-decoration: none; }
    .children a { display: inline-flex; align-items: center; gap: .35rem; padding: .35rem .75rem; border-radius: 999px; background: var(--bg-soft); color: var(--fg); text-decoration: none; }
  `]

  /** Route parameters: `id` of the album or folder. */
  @property({ attribute: false }) params: Record<string, string> = {}

  private readonly store = new StoreController(this)
  @state() private sharing = false
  @state() private linking = false

  private async rename (c: CollectionView): Promise<void> {
    const name = await askText({ heading: `Rename ${c.kind}`, label: 'Name', value: c.name, confirm: 'Rename' })
    if (name == null || name === c.name) return
    await store.worker.call('renameCollection', [c.id, name]).catch((err: unknown) => { toast(describe(err), 'error') })
  }

  private async deleteCollection (c: CollectionView): Promise<void> {
    const text = c.kind === 'album'
      ? 'The photos stay in your library; only the album goes.'
      : 'Its photos move to the trash, where they can be restored for 30 days.'
    if (!await confirmAction({ heading: `Delete “${c.name}”?`, text, confirm: 'Delete', danger: true })) return
    try {
      await store.worker.call('deleteCollection', [c.id])
      navigate(c.kind === 'album' ? '/albums' : '/folders')
      toast(`${c.kind === 'album' ? 'Album' : 'Folder'} deleted`)
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  private async subfolder (c: CollectionView): Promise<void> {
    const name = await askText({ heading: 'New folder', label: 'Folder name', confirm: 'Create' })
    if (name != null) await store.worker.call('createCollection', ['folder', name, c.id]).catch((err: unknown) => { toast(describe(err), 'error') })
  }

  private crumbs (c: CollectionView) {
    const path: CollectionView[] = []
    for (let p = c.parent != null ? store.collections.get(c.parent) : undefined; p != null && path.length < 32; p = p.parent != null ? store.collections.get(p.parent) : undefined) path.unshift(p)
    return html`<nav class="crumbs" aria-label="Folder path"><a href="/folders">Folders</a>${path.map((p) => html`<span>›</span><a href=${`/folders/${p.id}`}>${p.name}</a>`)}</nav>`
  }

  override render () {
    const c = store.collections.get(this.params.id ?? '')
    if (c == null) return store.view == null ? nothing : html`<empty-state icon="info" heading="Not found" text="This album or folder does not exist any more."></empty-state>`
    const children = [...store.collections.values()].filter((f) => f.kind === 'folder' && f.parent === c.id).sort((a, b) => a.name.localeCompare(b.name))
    const items = store.itemsOf(c.id)
    return html`
      ${c.kind === 'folder' ? this.crumbs(c) : nothing}
      ${children.length > 0 ? html`<nav class="children" aria-label="Folders inside">${children.map((f) => html`<a href=${`/folders/${f.id}`}>${icon('folder')} ${f.name}</a>`)}</nav>` : nothing}
      <item-browser .heading=${c.name} .subtitle=${subtitle(items)} .items=${items} .collection=${c.id}
        grouping=${c.kind === 'album' ? 'month' : 'day'}
        .actions=${c.kind === 'album'
          ? ['favorite', 'album', ...(items.some((i) => i.addedBy != null) ? ['save' as const] : []), 'download', 'remove', 'trash']
          : ['favorite', 'album', 'download', 'move', 'archive', 'trash']}>
        ${c.kind === 'album' ? html`<button slot="actions" @click=${() => { void addPhotos(c.id) }}>${icon('plus')} Add photos</button>` : nothing}
        <upload-buttons slot="actions"></upload-buttons>
        ${c.kind === 'folder' ? html`<button slot="actions" class="icon" aria-label="New folder inside" title="New folder inside" @click=${() => { void this.subfolder(c) }}>${icon('plus')}</button>` : nothing}
        ${c.kind === 'album' ? html`<button slot="actions" @click=${() => { void import('../components/share-dialog.ts'); this.sharing = true }}>Share</button>
          <button slot="actions" @click=${() => { void import('../components/link-dialog.ts'); this.linking = true }}>Public link</button>` : nothing}
        ${items.length > 0 ? html`<button slot="actions" class="icon" aria-label=${`Download ${c.kind}`} title=${`Download ${c.kind} as a zip`} @click=${() => { void downloadCollection(c.id) }}>${icon('download')}</button>` : nothing}
        <button slot="actions" class="icon" aria-label=${`Rename ${c.kind}`} title="Rename" @click=${() => { void this.rename(c) }}>${icon('edit')}</button>
        <button slot="actions" class="icon" aria-label=${`Delete ${c.kind}`} title="Delete" @click=${() => { void this.deleteCollection(c) }}>${icon('trash')}</button>
        <empty-state slot="empty" icon=${c.kind} heading=${c.kind === 'album' ? 'This album is empty' : 'This folder is empty'}
          text=${c.kind === 'album' ? 'Add photos from your library, or upload new ones straight into it.' : 'Upload here, or move photos in from another folder.'}>
          ${c.kind === 'album' ? html`<button class="primary" @click=${() => { void addPhotos(c.id) }}>${icon('plus')} Add photos</button>` : nothing}
          <upload-buttons ?prominent=${c.kind !== 'album'}></upload-buttons>
        </empty-state>
      </item-browser>
      ${this.linking ? html`<link-dialog .collection=${c.id} .name=${c.name} @dialog-close=${() => { this.linking = false }}></link-dialog>` : nothing}
      ${this.sharing ? html`<share-dialog .collection=${c.id} .name=${c.name} @dialog-close=${() => { this.sharing = false }}></share-dialog>` : nothing}`
  }
}

/** "12 items", and how many of them others added (shown in this album, not in your Photos). */
function subtitle (items: ItemView[]): string {
  const others = items.filter((i) => i.addedBy != null).length
  return others === 0 ? plural(items.length, 'item') : `${plural(items.length, 'item')} · ${others} added by others (not in your Photos until you save them)`
}
