/**
 * The bar that replaces the page header while items are selected: how many, a way out, and the
 * actions the page offers for them (buttons in the default slot).
 *
 * @fires selection-clear - the user closed the selection
 */
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { shared } from './styles.ts'
import { icon } from './icons.ts'

@customElement('selection-bar')
export class SelectionBar extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; align-items: center; gap: .5rem; padding: .6rem 1rem; background: var(--accent-soft); flex-wrap: wrap; }
    .count { font-weight: 600; margin-right: auto; }
    ::slotted(button) { font: inherit; }
  `]

  /** Number of selected items. */
  @property({ type: Number }) count = 0

  override render () {
    return html`
      <button class="icon" aria-label="Clear selection" @click=${() => { this.dispatchEvent(new CustomEvent('selection-clear', { bubbles: true, composed: true })) }}>${icon('close')}</button>
      <span class="count" role="status">${this.count} selected</span>
      <slot></slot>
    `
  }
}
