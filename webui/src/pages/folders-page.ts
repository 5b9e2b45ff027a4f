/**
 * Folders: the top-level folders of the library (an uploaded folder keeps its tree here), and a
 * button to make one. Items uploaded without a folder stay in Photos.
 */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { navigate } from '../state/router.ts'
import { describe } from '../display/messages.ts'
import { toast } from '../state/toast.ts'
import { askText } from '../components/text-dialog.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import '../components/collection-card.ts'
import '../components/empty-state.ts'
import '../components/upload-buttons.ts'

@customElement('folders-page')
export class FoldersPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; height: 100%; overflow: auto; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 1.25rem 1rem; padding: .5rem 1.25rem 6rem; }
    @media (max-width: 600px) { .grid { grid-template-columns: repeat(2, 1fr); } }
  `]

  private readonly store = new StoreController(this)

  private async create (): Promise<void> {
    const name = await askText({ heading: 'New folder', label: 'Folder name', confirm: 'Create' })
    if (name == null) return
    try {
      navigate(`/folders/${await store.worker.call('createCollection', ['folder', name, null])}`)
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  override render () {
    const all = [...store.collections.values()].filter((c) => c.kind === 'folder')
    const top = all.filter((c) => c.parent == null || !store.collections.has(c.parent)).sort((a, b) => a.name.localeCompare(b.name))
    return html`
      <div class="page-head"><h1>Folders</h1><span class="spacer"></span>
        <upload-buttons></upload-buttons>
        <button @click=${() => { void this.create() }}>${icon('plus')} New folder</button></div>
      ${top.length === 0
        ? html`<empty-state icon="folder" heading="No folders yet" text="Upload a folder and its tree is kept here, or make one and move photos into it."><upload-buttons prominent></upload-buttons></empty-state>`
        : html`<div class="grid" role="list">${top.map((f) => html`<collection-card role="listitem" .collection=${f} .folders=${all.filter((c) => c.parent === f.id).length}></collection-card>`)}</div>`}
    `
  }
}
