/**
 * Navigation: a sidebar on wide screens; on phones, a bar along the bottom with the main
 * sections and a "More" menu that reaches every other one, so that no section hides behind
 * another page. The current page is marked with aria-current; storage use sits at the foot of
 * the sidebar.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import { customElement, property, state } from 'lit/decorators.js'
import { StoreController, store } from '../state/store.ts'
import { bytes } from '../display/text.ts'
import { icon } from './icons.ts'

const LINKS = [
  { href: '/', label: 'Photos', icon: 'photos', phone: true },
  { href: '/albums', label: 'Albums', icon: 'album', phone: true },
  { href: '/shared', label: 'Shared', icon: 'shared', phone: true },
  { href: '/folders', label: 'Folders', icon: 'folder', phone: false },
  { href: '/favorites', label: 'Favorites', icon: 'heart', phone: false },
  { href: '/map', label: 'Map', icon: 'map', phone: true },
  { href: '/archive', label: 'Archive', icon: 'archive', phone: false },
  { href: '/trash', label: 'Trash', icon: 'trash', phone: false },
  { href: '/settings', label: 'Settings', icon: 'settings', phone: false }
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
    button.more, .menu { display: none; }
    @media (max-width: 700px) {
      :host { position: relative; z-index: 30; flex-direction: row; width: auto; padding: .25rem .25rem calc(.25rem + env(safe-area-inset-bottom)); border-right: none; border-top: 1px solid var(--line); justify-content: space-around; }
      .brand, .quota, nav > a.wide { display: none; }
      a, button.more { flex: 1; flex-direction: column; gap: .1rem; font-size: .7rem; padding: .35rem .25rem; border-radius: 12px; min-width: 0; }
      button.more { display: flex; align-items: center; font: inherit; font-size: .7rem; font-weight: 500; color: var(--fg); background: none; border: none; cursor: pointer; }
      button.more[aria-expanded="true"], button.more.current { background: var(--accent-soft); color: var(--accent); }
      .menu { display: grid; position: absolute; right: .5rem; bottom: calc(100% + .4rem); min-width: 12rem; padding: .4rem; gap: .1rem;
        background: var(--bg-raised); border: 1px solid var(--line); border-radius: 16px; box-shadow: 0 8px 28px rgba(0,0,0,.25); z-index: 20; }
      .menu a { flex-direction: row; gap: .75rem; font-size: .95rem; padding: .65rem .8rem; }
    }
  `

  private readonly store = new StoreController(this)
  /** Path of the page shown, to mark the current link. */
  @property() path = '/'
  /** Whether the phone's "More" menu is open. */
  @state() private menu = false

  override connectedCallback (): void {
    super.connectedCallback()
    document.addEventListener('pointerdown', this.outside)
    document.addEventListener('keydown', this.escape)
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    document.removeEventListener('pointerdown', this.outside)
    document.removeEventListener('keydown', this.escape)
  }

  protected override willUpdate (changed: PropertyValues<this>): void {
    if (changed.has('path')) this.menu = false
  }

  private readonly outside = (event: Event): void => {
    if (this.menu && !event.composedPath().includes(this)) this.menu = false
  }

  private readonly escape = (event: KeyboardEvent): void => {
    if (this.menu && event.key === 'Escape') {
      this.menu = false
      this.renderRoot.querySelector<HTMLElement>('button.more')?.focus()
    }
  }

  override render () {
    const user = store.view?.user
    // An album shared with you is under /albums/shared/…, and belongs to Shared.
    const current = (href: string): boolean => href === '/' ? this.path === '/' : href === '/albums' ? this.path.startsWith(href) && !this.path.startsWith('/albums/shared') : this.path.startsWith(href) || (href === '/shared' && this.path.startsWith('/albums/shared'))
    const link = (l: typeof LINKS[number], role?: string) => html`<a href=${l.href} role=${role ?? nothing} class=${l.phone ? '' : 'wide'}
      aria-current=${current(l.href) ? 'page' : 'false'} @click=${() => { this.menu = false }}>${icon(l.icon)}<span>${l.label}</span></a>`
    const more = LINKS.filter((l) => !l.phone)
    return html`
      <div class="brand"><i></i>Obscura</div>
      <nav aria-label="Main" style="display:contents">
        ${LINKS.map((l) => link(l))}
        <button class="more ${more.some((l) => current(l.href)) ? 'current' : ''}" aria-haspopup="menu" aria-expanded=${String(this.menu)}
          @click=${() => { this.menu = !this.menu }}>${icon('more')}<span>More</span></button>
        ${this.menu ? html`<div class="menu" role="menu" aria-label="More">${more.map((l) => link(l, 'menuitem'))}</div>` : nothing}
      </nav>
      ${user != null && user.quotaBytes > 0 ? html`<div class="quota">
        ${bytes(user.usedBytes)} of ${bytes(user.quotaBytes)} used
        <div class="bar" role="progressbar" aria-label="Storage used" aria-valuemin="0" aria-valuemax=${user.quotaBytes} aria-valuenow=${user.usedBytes}>
          <span style="width:${Math.min(100, (user.usedBytes / user.quotaBytes) * 100)}%"></span></div>
      </div>` : nothing}
    `
  }
}
