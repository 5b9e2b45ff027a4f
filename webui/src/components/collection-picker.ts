/**
 * A modal list of albums or folders to put items in, with a way to make a new one on the spot.
 * `pickCollection` opens one and resolves with the chosen collection's id (null if cancelled).
 *
 * @fires picker-close - the picker closed ({ id: string | null })
 */
import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import { store } from '../state/store.ts'
import { askText } from './text-dialog.ts'
import { describe } from '../display/messages.ts'
import { toast } from '../state/toast.ts'

@customElement('collection-picker')
export class CollectionPicker extends LitElement {
  static override styles = [shared, css`
    dialog { border: none; border-radius: var(--radius); padding: 1.2rem; width: min(24rem, calc(100vw - 2rem)); max-height: 80vh; background: var(--bg-raised); color: var(--fg); box-shadow: var(--shadow); }
    dialog::backdrop { background: rgba(10, 12, 20, .45); }
    ul { list-style: none; margin: .8rem 0; padding: 0; display: grid; gap: .2rem; max-height: 50vh; overflow: auto; }
    li button { width: 100%; justify-content: flex-start; border: none; border-radius: 10px; }
    .actions { display: flex; justify-content: space-between; gap: .5rem; }
  `]

  /** Which kind of collection to offer. */
  @property() kind: 'album' | 'folder' = 'album'
  /** Title of the dialog. */
  @property() heading = 'Add to album'
  /** A collection not to offer (the one the items are in). */
  @property() exclude = ''

  @query('dialog') private dialog!: HTMLDialogElement

  override firstUpdated (): void {
    this.dialog.showModal()
  }

  private close (id: string | null): void {
    this.dialog.close()
    this.dispatchEvent(new CustomEvent('picker-close', { detail: { id } }))
  }

  private async create (): Promise<void> {
    const name = await askText({ heading: this.kind === 'album' ? 'New album' : 'New folder', label: 'Name', confirm: 'Create' })
    if (name == null) return
    try {
      this.close(await store.worker.call('createCollection', [this.kind, name, null]))
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  override render () {
    const options = [...store.collections.values()].filter((c) => c.kind === this.kind && c.id !== this.exclude).sort((a, b) => a.name.localeCompare(b.name))
    return html`<dialog aria-labelledby="t" @cancel=${(e: Event) => { e.preventDefault(); this.close(null) }}>
      <h2 id="t">${this.heading}</h2>
      <ul>${options.map((c) => html`<li><button @click=${() => { this.close(c.id) }}>${icon(this.kind)} ${c.name} <span class="muted">· ${c.itemIds.length}</span></button></li>`)}</ul>
      <div class="actions">
        <button @click=${() => { void this.create() }}>${icon('plus')} New ${this.kind}</button>
        <button @click=${() => { this.close(null) }}>Cancel</button>
      </div>
    </dialog>`
  }
}

export async function pickCollection (props: { kind: 'album' | 'folder', heading: string, exclude?: string }): Promise<string | null> {
  const picker = Object.assign(document.createElement('collection-picker'), props)
  document.body.append(picker)
  return await new Promise((resolve) => {
    picker.addEventListener('picker-close', (event) => {
      picker.remove()
      resolve((event as CustomEvent<{ id: string | null }>).detail.id)
    }, { once: true })
  })
}
