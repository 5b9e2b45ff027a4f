/**
 * Albums: every album as a card (newest item as the cover), a button to make one, and shortcuts
 * to the other collections of the library (favorites, archive, trash, map) — on a phone this is
 * one of the ways to them. Below them, the albums other users share with you, as cards with
 * their owner and your role; each opens on its own page.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { navigate } from '../state/router.ts'
import { describe } from '../display/messages.ts'
import { toast } from '../state/toast.ts'
import { askText } from '../components/text-dialog.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import '../components/collection-card.ts'
import '../components/shared-albums.ts'
import '../components/empty-state.ts'

@customElement('albums-page')
export class AlbumsPage extends LitElement {
  static override styles = [shared, css`
    :host { display: block; height: 100%; overflow: auto; }
    .shortcuts { display: flex; gap: .5rem; padding: 0 1.25rem 1rem; flex-wrap: wrap; }
    .shortcuts a { display: inline-flex; align-items: center; gap: .4rem; padding: .45rem .8rem; border-radius: 999px; background: var(--bg-soft); color: var(--fg); text-decoration: none; font-size: .9rem; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 1.25rem 1rem; padding: 0 1.25rem 2rem; }
    h2 { padding: 0 1.25rem 1rem; font-size: 1.1rem; }
    @media (max-width: 600px) { .grid { grid-template-columns: repeat(2, 1fr); } }
  `]

  private readonly store = new StoreController(this)

  private async create (): Promise<void> {
    const name = await askText({ heading: 'New album', label: 'Album name', confirm: 'Create' })
    if (name == null) return
    try {
      const id = await store.worker.call('createCollection', ['album', name, null])
      navigate(`/albums/${id}`)
    } catch (err) {
      toast(describe(err), 'error')
    }
  }

  override render () {
    const albums = [...store.collections.values()].filter((c) => c.kind === 'album').sort((a, b) => a.name.localeCompare(b.name))
    return html`
      <div class="page-head"><h1>Albums</h1><span class="spacer"></span>
        <button class="primary" @click=${() => { void this.create() }}>${icon('plus')} New album</button></div>
      <nav class="shortcuts" aria-label="Library">
        <a href="/favorites">${icon('heart')} Favorites</a><a href="/archive">${icon('archive')} Archive</a>
        <a href="/trash">${icon('trash')} Trash</a><a href="/map">${icon('map')} Places</a>
      </nav>
      ${albums.length === 0 && (store.view?.shared ?? []).length === 0
        ? html`<empty-state icon="album" heading="No albums yet" text="Albums gather photos from anywhere in your library without copying them."></empty-state>`
        : nothing}
      <div class="grid" role="list">${albums.map((a) => html`<collection-card role="listitem" .collection=${a}></collection-card>`)}</div>
      ${this.renderShared()}
    `
  }

  private renderShared () {
    if ((store.view?.shared ?? []).length === 0) return nothing
    return html`<h2 id="shared">Shared with me</h2><shared-albums label="Shared with me"></shared-albums>`
  }
}
