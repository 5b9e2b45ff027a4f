/**
 * A page body that shows items: a header (title and the page's buttons, in the `actions` slot)
 * that turns into a selection bar while items are selected, the virtual grid, and an empty
 * state (the `empty` slot) when there is nothing. The selection actions offered are the page's
 * choice; they run through state/actions.ts. Escape clears the selection, and so does an action
 * once it is done (its toast offers Undo).
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { ACTION_LABELS, runAction, type ActionName } from '../state/actions.ts'
import { shared } from './styles.ts'
import { icon } from './icons.ts'
import type { Grouping } from './grid-layout.ts'
import type { ItemView } from '../worker/protocol.ts'
import './photo-grid.ts'
import './selection-bar.ts'

@customElement('item-browser')
export class ItemBrowser extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; flex-direction: column; min-height: 0; height: 100%; }
    photo-grid { flex: 1; min-height: 0; }
    .sub { font-size: .85rem; }
    selection-bar button { background: transparent; border: none; }
    @media (max-width: 600px) { selection-bar button span { display: none; } }
  `]

  /** Title of the page. */
  @property() heading = ''
  /** A line under the title (counts, dates). */
  @property() subtitle = ''
  /** Items in display order. */
  @property({ attribute: false }) items: ItemView[] = []
  /** Grouping of the grid. */
  @property() grouping: Grouping = 'day'
  /** Actions offered for a selection. */
  @property({ attribute: false }) actions: ActionName[] = ['album', 'favorite', 'download', 'archive', 'trash']
  /** The album or folder shown, for actions that act on it. */
  @property() collection?: string

  @state() private selected = new Set<string>()

  override connectedCallback (): void {
    super.connectedCallback()
    window.addEventListener('keydown', this.onKey)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    window.removeEventListener('keydown', this.onKey)
  }

  /** Escape clears the selection, unless a dialog or the viewer is open (Escape closes that). */
  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.selected.size === 0 || event.defaultPrevented) return
    if (document.querySelector('collection-picker, photo-picker, text-dialog') != null) return
    this.selected = new Set()
  }

  private async run (name: ActionName): Promise<void> {
    const ids = [...this.selected].filter((id) => this.items.some((i) => i.id === id))
    if (await runAction(name, ids, this.collection)) this.selected = new Set()
  }

  override render () {
    return html`
      ${this.selected.size > 0
        ? html`<selection-bar .count=${this.selected.size} @selection-clear=${() => { this.selected = new Set() }}>
            ${this.actions.map((a) => html`<button @click=${() => { void this.run(a) }} aria-label=${ACTION_LABELS[a].label}>${icon(ACTION_LABELS[a].icon)}<span>${ACTION_LABELS[a].label}</span></button>`)}
          </selection-bar>`
        : html`<div class="page-head">
            <div><h1>${this.heading}</h1>${this.subtitle !== '' ? html`<div class="sub muted">${this.subtitle}</div>` : nothing}</div>
            <span class="spacer"></span><slot name="actions"></slot>
          </div>`}
      ${this.items.length === 0
        ? html`<slot name="empty"></slot>`
        : html`<photo-grid .items=${this.items} .grouping=${this.grouping} .selected=${this.selected}
            @selection-change=${(e: CustomEvent<{ selected: Set<string> }>) => { this.selected = e.detail.selected }}></photo-grid>`}
    `
  }
}
