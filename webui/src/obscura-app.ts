/**
 * The app shell. Until the gallery lands (issue: Web UI) it shows what the node is and whether
 * its gateway answers, so that `npm start` opens a real page rather than an error.
 */
import { LitElement, css, html } from 'lit'
import { customElement, state } from 'lit/decorators.js'

@customElement('obscura-app')
export class ObscuraApp extends LitElement {
  static override styles = css`
    :host { display: block; font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1d1d1f; }
    h1 { font-weight: 600; }
    .status { padding: .5rem .75rem; border-radius: .5rem; background: #f2f2f7; }
  `

  @state() private health: 'checking' | 'ok' | 'unreachable' = 'checking'

  override connectedCallback (): void {
    super.connectedCallback()
    fetch('/healthz').then((res) => { this.health = res.ok ? 'ok' : 'unreachable' }, () => { this.health = 'unreachable' })
  }

  override render () {
    return html`
      <h1>Obscura</h1>
      <p>An end-to-end encrypted photo and video cloud. This node stores only encrypted blocks; your
      photos, names, dates and places are decrypted on your own device.</p>
      <p class="status" role="status">Node: ${this.health === 'ok' ? 'running' : this.health}</p>
      <p>The gallery is coming. Meanwhile use the command line: <code>npx obscura signup USER</code>,
      then <code>npx obscura upload ~/Pictures --album "Holidays"</code>.</p>
    `
  }
}
