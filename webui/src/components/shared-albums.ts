/**
 * The albums and folders other users share with you, as cards like your own (cover, name, who
 * shares it, your role, how many items), each with a button to leave it. Shown on the Albums
 * page under "Shared with me" and alone on the Shared page.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { leaveShared } from '../state/actions.ts'
import { icon } from './icons.ts'
import './collection-card.ts'

@customElement('shared-albums')
export class SharedAlbums extends LitElement {
  static override styles = css`
    :host { display: block; }
    .grid { list-style: none; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 1.25rem 1rem; padding: 0 1.25rem 2rem; }
    li { position: relative; }
    button.leave { position: absolute; top: .4rem; right: .4rem; width: 2rem; height: 2rem; border-radius: 50%; border: none; display: grid; place-items: center;
      background: rgba(0,0,0,.45); color: #fff; cursor: pointer; padding: 0; }
    button.leave:hover { background: rgba(0,0,0,.7); }
    button.leave:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    button.leave svg { width: 1rem; height: 1rem; }
    @media (max-width: 600px) { .grid { grid-template-columns: repeat(2, 1fr); } }
  `

  /** The accessible name of the list. */
  @property() label = 'Shared with me'

  private readonly store = new StoreController(this)

  override render () {
    const list = [...(store.view?.shared ?? [])].sort((a, b) => a.name.localeCompare(b.name))
    if (list.length === 0) return nothing
    return html`<ul class="grid" aria-label=${this.label}>${list.map((s) => html`<li>
      <collection-card .collection=${s}></collection-card>
      <button class="leave" aria-label=${`Leave ${s.name}`} title="Leave" @click=${() => { void leaveShared(s) }}>${icon('logout')}</button>
    </li>`)}</ul>`
  }
}
