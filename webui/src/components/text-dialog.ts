/**
 * A small modal dialog (native <dialog>: focus trapped, Escape closes) that asks for a name or
 * for confirmation. `askText` and `confirmAction` open one and resolve with the answer.
 *
 * @fires dialog-close - the dialog closed ({ value: string | null })
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { shared } from './styles.ts'

@customElement('text-dialog')
export class TextDialog extends LitElement {
  static override styles = [shared, css`
    dialog { border: none; border-radius: var(--radius); padding: 1.4rem; width: min(26rem, calc(100vw - 2rem)); background: var(--bg-raised); color: var(--fg); box-shadow: var(--shadow); }
    dialog::backdrop { background: rgba(10, 12, 20, .45); }
    form { display: grid; gap: 1rem; }
    .actions { display: flex; justify-content: flex-end; gap: .5rem; }
    p { margin: 0; }
  `]

  /** Title of the dialog. */
  @property() heading = ''
  /** Explanation under the title. */
  @property() text = ''
  /** Label of the text field; without one the dialog only asks to confirm. */
  @property() label = ''
  /** Initial value of the field. */
  @property() value = ''
  /** Text of the confirming button. */
  @property() confirm = 'OK'
  /** Styles the confirming button as destructive. */
  @property({ type: Boolean }) danger = false

  @query('dialog') private dialog!: HTMLDialogElement
  @query('input') private input?: HTMLInputElement

  override firstUpdated (): void {
    this.dialog.showModal()
    this.input?.select()
  }

  private close (value: string | null): void {
    this.dialog.close()
    this.dispatchEvent(new CustomEvent('dialog-close', { detail: { value } }))
  }

  private submit (event: SubmitEvent): void {
    event.preventDefault()
    const value = this.input?.value.trim() ?? ''
    if (this.label !== '' && value === '') return
    this.close(value)
  }

  override render () {
    return html`<dialog aria-labelledby="t" @cancel=${(e: Event) => { e.preventDefault(); this.close(null) }}>
      <form @submit=${this.submit}>
        <h2 id="t">${this.heading}</h2>
        ${this.text !== '' ? html`<p class="muted">${this.text}</p>` : nothing}
        ${this.label !== '' ? html`<label>${this.label}<input name="value" .value=${this.value} required maxlength="200" autocomplete="off"></label>` : nothing}
        <div class="actions">
          <button type="button" @click=${() => { this.close(null) }}>Cancel</button>
          <button type="submit" class=${this.danger ? 'primary danger-fill' : 'primary'} style=${this.danger ? 'background:var(--danger)' : ''}>${this.confirm}</button>
        </div>
      </form>
    </dialog>`
  }
}

function open (props: Partial<Pick<TextDialog, 'heading' | 'text' | 'label' | 'value' | 'confirm' | 'danger'>>): Promise<string | null> {
  const dialog = Object.assign(document.createElement('text-dialog'), props)
  document.body.append(dialog)
  return new Promise((resolve) => {
    dialog.addEventListener('dialog-close', (event) => {
      dialog.remove()
      resolve((event as CustomEvent<{ value: string | null }>).detail.value)
    }, { once: true })
  })
}

export async function askText (props: { heading: string, label: string, value?: string, confirm?: string, text?: string }): Promise<string | null> {
  return await open(props)
}

export async function confirmAction (props: { heading: string, text?: string, confirm?: string, danger?: boolean }): Promise<boolean> {
  return (await open(props)) != null
}
