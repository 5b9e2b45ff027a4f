/**
 * What a page shows when it has nothing to show: an icon, a title, a line of help and, in the
 * default slot, the action that fixes it (usually an upload button).
 */
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { icon } from './icons.ts'

@customElement('empty-state')
export class EmptyState extends LitElement {
  static override styles = css`
    :host { display: grid; place-items: center; text-align: center; padding: 4rem 1.5rem; color: var(--fg-soft); }
    .icon { width: 4rem; height: 4rem; border-radius: 50%; display: grid; place-items: center; background: var(--accent-soft); color: var(--accent); margin: 0 auto 1rem; }
    .icon svg { width: 2rem; height: 2rem; }
    h2 { color: var(--fg); margin: 0 0 .4rem; font-size: 1.2rem; font-weight: 600; }
    p { margin: 0 0 1.2rem; max-width: 28rem; }
  `

  /** Icon name from icons.ts. */
  @property() icon = 'photos'
  /** The headline. */
  @property() heading = ''
  /** One or two sentences of help. */
  @property() text = ''

  override render () {
    return html`<div><div class="icon">${icon(this.icon)}</div><h2>${this.heading}</h2><p>${this.text}</p><slot></slot></div>`
  }
}
