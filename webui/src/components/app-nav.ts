/**
 * Navigation: a sidebar on wide screens, a bar along the bottom on phones. The current page is
 * marked with aria-current; storage use sits at the foot of the sidebar.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { bytes } from '../state/format.ts'
import { icon } from './icons.ts'

const LINKS = [
  { href: '/', label: 'Photos', icon: 'photos', phone: true },
  { href: '/albums', label: 'Albums', icon: 'album', phone: true },
  { href: '/folders', label: 'Folders', icon: 'folder', phone: true },
  { href: '/favorites', label: 'Favorites', icon: 'heart', phone: false },
  { href: '/map', label: 'Map', icon: 'map', phone: true },
  { href: '/archive', label: 'Archive', icon: 'archive', phone: false },
  { href: '/trash', label: 'Trash', icon: 'trash', phone: false },
  { href: '/settings', label: 'Settings', icon: 'settings', phone: true }
]

@customElement('app-nav')
export class AppNav extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; gap: .15rem; padding: 1rem .6rem; width: 14rem; border-right: 1px solid var(--line); background: var(--bg); }
    .brand { display: flex; align-items: center; gap: .5rem; font-weight: 700; font-size: 1.15rem; padding: .25rem .6rem 1rem; letter-spacing: -.01em; }
    .brand i { width: 1.4rem; height: 1.4rem; border-radius: 50%; background: radial-gradient(circle, #fff 0 28%, var(--accent) 30%); display: inline-block; }
    a { display: flex; align-items: center; gap: .75rem; padding: .55rem .75rem; border-radius: 999px; color: var(--fg); text-decoration: none; font-weight: 500; }
    a:hover { background: var(--bg-soft); }
    a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); }
    a:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
    .quota { margin-top: auto; padding: .75rem; font-size: .8rem; color: var(--fg-soft); }
    .bar { height: 4px; border-radius: 2px; background: var(--bg-soft); margin-top: .35rem; overflow: hidden; }
    .bar span { display: block; height: 100%; background: var(--accent); }
    @media (max-width: 700px) {
      :host { flex-direction: row; width: auto; padding: .25rem .25rem calc(.25rem + env(safe-area-inset-bottom)); border-right: none; border-top: 1px solid var(--line); justify-content: space-around; }
      .brand, .quota, a.wide { display: none; }
      a { flex-direction: column; gap: .1rem; font-size: .7rem; padding: .35rem .5rem; border-radius: 12px; }
    }
  `

  private readonly store = new StoreController(this)
  /** Path of the page shown, to mark the current link. */
  @property() path = '/'

  override render () {
    const user = store.view?.user
    const current = (href: string): boolean => href === '/' ? this.path === '/' : this.path.startsWith(href)
    return html`
      <div class="brand"><i></i>Obscura</div>
      <nav aria-label="Main" style="display:contents">
        ${LINKS.map((l) => html`<a href=${l.href} class=${l.phone ? '' : 'wide'} aria-current=${current(l.href) ? 'page' : 'false'}>${icon(l.icon)}<span>${l.label}</span></a>`)}
      </nav>
      ${user != null && user.quotaBytes > 0 ? html`<div class="quota">
        ${bytes(user.usedBytes)} of ${bytes(user.quotaBytes)} used
        <div class="bar" role="progressbar" aria-label="Storage used" aria-valuemin="0" aria-valuemax=${user.quotaBytes} aria-valuenow=${user.usedBytes}>
          <span style="width:${Math.min(100, (user.usedBytes / user.quotaBytes) * 100)}%"></span></div>
      </div>` : nothing}
    `
  }
}
