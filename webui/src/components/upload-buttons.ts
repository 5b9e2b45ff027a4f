/**
 * The two upload buttons pages put in their header: files, or a whole folder. They ask the app
 * shell to open its pickers, so the files go where the current page says.
 *
 * @fires upload-pick - open a picker ({ folder: boolean })
 */
import { LitElement, css, html } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { shared } from './styles.ts'
import { icon } from './icons.ts'

@customElement('upload-buttons')
export class UploadButtons extends LitElement {
  static override styles = [shared, css`:host { display: inline-flex; gap: .5rem; flex-wrap: wrap; }`]

  /** Shows the buttons as the main call to action (empty pages). */
  @property({ type: Boolean }) prominent = false

  private pick (folder: boolean): void {
    this.dispatchEvent(new CustomEvent('upload-pick', { detail: { folder }, bubbles: true, composed: true }))
  }

  override render () {
    return html`
      <button class=${this.prominent ? 'primary' : ''} @click=${() => { this.pick(false) }}>${icon('upload')} Upload</button>
      <button @click=${() => { this.pick(true) }}>${icon('folder')} Upload folder</button>
    `
  }
}
