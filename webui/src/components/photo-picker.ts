/**
 * A full-size modal grid of the user's photos (the timeline) to choose some from, as Google
 * Photos' and Immich's "Add photos" of an album do: a click selects (it opens nothing), and the
 * button adds the chosen items to the album. `pickPhotos` opens one and resolves with the ids
 * added (empty when cancelled).
 *
 * @fires picker-close - the picker closed ({ ids: string[] })
 */
import { LitElement, css, html } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { plural } from '../display/text.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import './photo-grid.ts'

@customElement('photo-picker')
export class PhotoPicker extends LitElement {
  static override styles = [shared, css`
    dialog { border: none; border-radius: var(--radius); padding: 0; width: min(64rem, calc(100vw - 2rem)); height: min(44rem, calc(100vh - 2rem));
      background: var(--bg-raised); color: var(--fg); box-shadow: var(--shadow); }
    dialog[open] { display: flex; flex-direction: column; }
    dialog::backdrop { background: rgba(10, 12, 20, .55); }
    header { display: flex; align-items: center; gap: .75rem; padding: .8rem 1rem; border-bottom: 1px solid var(--line); }
    header h2 { flex: 1; }
    photo-grid { flex: 1; min-height: 0; }
    .none { margin: auto; color: var(--fg-soft); }
  `]

  /** Title of the dialog. */
  @property() heading = 'Add photos'
  /** Items not to offer (those the album holds already). */
  @property({ attribute: false }) exclude = new Set<string>()

  private readonly store = new StoreController(this)
  @state() private selected = new Set<string>()
  @query('dialog') private dialog!: HTMLDialogElement

  override firstUpdated (): void {
    this.dialog.showModal()
  }

  private close (ids: string[]): void {
    this.dialog.close()
    this.dispatchEvent(new CustomEvent('picker-close', { detail: { ids } }))
  }

  /** In a picker a click on a photo chooses it: nothing opens behind the dialog. */
  private readonly choose = (event: CustomEvent<{ id: string }>): void => {
    event.stopPropagation()
    this.selected = new Set([...this.selected, event.detail.id])
  }

  override render () {
    const items = store.timeline.filter((i) => !this.exclude.has(i.id))
    const n = this.selected.size
    return html`<dialog aria-labelledby="t" @cancel=${(e: Event) => { e.preventDefault(); this.close([]) }}>
      <header>
        <button class="icon" aria-label="Cancel" @click=${() => { this.close([]) }}>${icon('close')}</button>
        <h2 id="t">${n > 0 ? `${n} selected` : this.heading}</h2>
        <button class="primary" ?disabled=${n === 0} @click=${() => { this.close([...this.selected]) }}>${n > 0 ? `Add ${plural(n, 'item')}` : 'Add'}</button>
      </header>
      ${items.length > 0
        ? html`<photo-grid .items=${items} grouping="day" .selected=${this.selected} @item-open=${this.choose}
            @selection-change=${(e: CustomEvent<{ selected: Set<string> }>) => { e.stopPropagation(); this.selected = e.detail.selected }}></photo-grid>`
        : html`<p class="none">Every photo of your library is in this album already.</p>`}
    </dialog>`
  }
}

/** Opens a photo picker; resolves with the chosen ids (empty when cancelled). */
export async function pickPhotos (props: { heading: string, exclude: Set<string> }): Promise<string[]> {
  const picker = Object.assign(document.createElement('photo-picker'), props)
  document.body.append(picker)
  return await new Promise((resolve) => {
    picker.addEventListener('picker-close', (event) => {
      picker.remove()
      resolve((event as CustomEvent<{ ids: string[] }>).detail.ids)
    }, { once: true })
  })
}
