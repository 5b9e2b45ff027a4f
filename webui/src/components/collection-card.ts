/**
 * An album or folder as a card: its cover (the newest item's thumbnail, decrypted like any
 * other), its name and how many items it holds. The whole card is a link to it.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { loadThumb } from '../state/thumbs.ts'
import { icon } from './icons.ts'
import { plural } from '../state/format.ts'
import type { CollectionView } from '../worker/protocol.ts'

@customElement('collection-card')
export class CollectionCard extends LitElement {
  static override styles = css`
    :host { display: block; }
    a { display: grid; gap: .4rem; color: inherit; text-decoration: none; border-radius: var(--radius); }
    a:focus-visible { outline: 2px solid var(--accent); outline-offset: 3px; }
    .cover { aspect-ratio: 1; border-radius: var(--radius); background: var(--tile); overflow: hidden; display: grid; place-items: center; color: var(--fg-soft); }
    .cover img { width: 100%; height: 100%; object-fit: cover; transition: transform .25s; }
    a:hover .cover img { transform: scale(1.04); }
    .cover svg { width: 2.5rem; height: 2.5rem; }
    .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .count { font-size: .85rem; color: var(--fg-soft); }
  `

  /** The album or folder. */
  @property({ attribute: false }) collection?: CollectionView
  /** Extra count shown for folders (sub-folders). */
  @property({ type: Number }) folders = 0

  @state() private cover?: string | null
  private controller?: AbortController
  private coverOf?: string

  override updated (): void {
    const first = this.collection?.itemIds[0]
    if (first === this.coverOf) return
    this.coverOf = first
    this.controller?.abort()
    this.cover = undefined
    if (first == null) return
    const controller = this.controller = new AbortController()
    loadThumb(first, controller.signal).then((url) => { this.cover = url }, () => {})
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.controller?.abort()
    this.coverOf = undefined
  }

  override render () {
    const c = this.collection
    if (c == null) return nothing
    const n = c.itemIds.length
    return html`<a href=${`/${c.kind === 'album' ? 'albums' : 'folders'}/${c.id}`}>
      <div class="cover">${this.cover != null ? html`<img src=${this.cover} alt="">` : icon(c.kind)}</div>
      <div class="name">${c.name}</div>
      <div class="count">${plural(n, 'item')}${this.folders > 0 ? ` · ${plural(this.folders, 'folder')}` : ''}</div>
    </a>`
  }
}
