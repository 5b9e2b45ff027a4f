/**
 * An album or folder as a card: its cover (the newest item's thumbnail, decrypted like any
 * other), its name and how many items it holds. The whole card is a link to it. One that
 * another user shares with you also says whose it is (their initial on the cover, "Shared by …")
 * and your role in it, and links to its shared page.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { loadThumb } from '../worker-client/thumbs.ts'
import { icon } from './icons.ts'
import { plural } from '../display/text.ts'
import type { CollectionView, SharedView } from '../worker/protocol.ts'

const ROLE_LABELS: Record<SharedView['role'], string> = { viewer: 'Viewer', collaborator: 'Collaborator' }

@customElement('collection-card')
export class CollectionCard extends LitElement {
  static override styles = css`
    :host { display: block; }
    a { display: grid; gap: .4rem; color: inherit; text-decoration: none; border-radius: var(--radius); }
    a:focus-visible { outline: 2px solid var(--accent); outline-offset: 3px; }
    .cover { position: relative; aspect-ratio: 1; border-radius: var(--radius); background: var(--tile); overflow: hidden; display: grid; place-items: center; color: var(--fg-soft); }
    .cover img { width: 100%; height: 100%; object-fit: cover; transition: transform .25s; }
    a:hover .cover img { transform: scale(1.04); }
    .cover svg { width: 2.5rem; height: 2.5rem; }
    .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .count, .owner { font-size: .85rem; color: var(--fg-soft); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .avatar { position: absolute; left: .5rem; bottom: .5rem; width: 1.9rem; height: 1.9rem; border-radius: 50%; display: grid; place-items: center;
      background: var(--accent); color: var(--accent-fg); font-weight: 700; font-size: .9rem; border: 2px solid var(--bg); text-transform: uppercase; }
    .role { display: inline-block; padding: 0 .45rem; border-radius: 999px; background: var(--accent-soft); color: var(--accent); font-size: .75rem; font-weight: 600; margin-right: .3rem; }
  `

  /** The album or folder: one of the user's, or one another user shares with them (it has an owner and a role). */
  @property({ attribute: false }) collection?: CollectionView | SharedView
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
    const sharedBy = 'owner' in c ? c : undefined
    const href = sharedBy != null ? `/albums/shared/${c.id}` : `/${c.kind === 'album' ? 'albums' : 'folders'}/${c.id}`
    return html`<a href=${href}>
      <div class="cover">${this.cover != null ? html`<img src=${this.cover} alt="">` : icon(c.kind)}
        ${sharedBy != null ? html`<span class="avatar" aria-hidden="true">${sharedBy.owner.slice(0, 1)}</span>` : nothing}</div>
      <div class="name">${c.name}</div>
      ${sharedBy != null ? html`<div class="owner">Shared by ${sharedBy.owner}</div>` : nothing}
      <div class="count">${sharedBy != null ? html`<span class="role">${ROLE_LABELS[sharedBy.role]}</span>` : nothing}${plural(n, 'item')}${this.folders > 0 ? ` · ${plural(this.folders, 'folder')}` : ''}</div>
    </a>`
  }
}
