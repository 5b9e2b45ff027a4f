/**
 * The app shell: starts the session (resuming a saved one), routes to lazily loaded pages,
 * and hosts what every page shares — navigation, the upload panel and its file pickers, drag
 * and drop anywhere, the viewer, toasts and the "node unreachable" banner.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, query, state } from 'lit/decorators.js'
import { StoreController, store } from './state/store.ts'
import { interceptLinks, loadPage, match, navigate, type Route } from './state/router.ts'
import { filesFromDrop, filesFromInput } from './components/dropped-files.ts'
import { describe, errorCode } from './display/messages.ts'
import { clearThumbs } from './worker-client/thumbs.ts'
import { shared } from './components/styles.ts'
import { icon } from './components/icons.ts'
import type { Toast } from './state/toast.ts'
import type { UploadFile } from './worker/protocol.ts'
import './components/app-nav.ts'
import './components/upload-panel.ts'
import './components/zip-panel.ts'

@customElement('obscura-app')
export class ObscuraApp extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; height: 100%; }
    main { flex: 1; min-width: 0; display: flex; flex-direction: column; position: relative; }
    main > * { flex: 1; min-height: 0; }
    .splash { margin: auto; text-align: center; color: var(--fg-soft); }
    .banner { flex: none; padding: .6rem 1rem; background: #fff4e5; color: #7a4a00; display: flex; gap: 1rem; align-items: center; }
    .drop { position: fixed; inset: 0; z-index: 40; background: rgba(12, 16, 28, .6); backdrop-filter: blur(3px); display: grid; place-items: center; pointer-events: none; }
    .drop > div { background: var(--bg-raised); color: var(--fg); border: 3px dashed var(--accent); border-radius: var(--radius); box-shadow: var(--shadow);
      padding: 2rem 2.5rem; text-align: center; font-size: 1.25rem; font-weight: 600; max-width: min(32rem, calc(100vw - 2rem)); display: grid; gap: .6rem; justify-items: center; }
    .drop > div svg { width: 2.5rem; height: 2.5rem; color: var(--accent); }
    .drop small { font-size: .9rem; font-weight: 400; color: var(--fg-soft); }
    .toasts { position: fixed; left: 50%; bottom: 1.5rem; transform: translateX(-50%); z-index: 50; display: grid; gap: .5rem; }
    .toast { background: #23262c; color: #fff; padding: .6rem 1rem; border-radius: 10px; box-shadow: var(--shadow); display: flex; align-items: center; gap: 1rem; }
    .toast button { all: unset; cursor: pointer; color: #9db7ff; font-weight: 600; padding: .1rem .3rem; border-radius: 4px; }
    .toast button:focus-visible { outline: 2px solid #9db7ff; }
    .toast.error { background: var(--danger); }
    input[type=file] { display: none; }
    @media (max-width: 700px) { :host { flex-direction: column-reverse; } .toasts { bottom: 5rem; } }
  `]

  private readonly store = new StoreController(this)
  @state() private route: Route = match(location.pathname)
  @state() private viewer?: { id: string, ids: string[] }
  @state() private dragging = false
  @state() private toasts: Toast[] = []
  @query('#files') private filesInput!: HTMLInputElement
  @query('#folder') private folderInput!: HTMLInputElement
  private pages = new Map<string, HTMLElement>()
  private wasIn = false
  private preloaded = false

  override connectedCallback (): void {
    super.connectedCallback()
    interceptLinks()
    window.addEventListener('obscura:navigate', () => { this.route = match(location.pathname) })
    window.addEventListener('obscura:toast', (e) => { this.showToast((e as CustomEvent<Toast>).detail) })
    this.addEventListener('item-open', (e) => { this.viewer = (e as CustomEvent<{ id: string, ids: string[] }>).detail })
    this.addEventListener('upload-pick', (e) => { this.pick((e as CustomEvent<{ folder: boolean }>).detail.folder) })
    window.addEventListener('dragover', this.onDragOver)
    window.addEventListener('dragleave', (e) => { if (e.relatedTarget == null) this.dragging = false })
    window.addEventListener('drop', this.onDrop)
    store.addEventListener('change', () => {
      if (this.wasIn && store.auth !== 'in') {
        navigate('/login', { replace: true })
        this.pages.clear()
        this.viewer = undefined
        clearThumbs()
      }
      this.wasIn = store.auth === 'in'
    })
    void store.start()
  }

  private showToast (toast: Toast): void {
    this.toasts = [...this.toasts.slice(-2), toast]
    setTimeout(() => { this.toasts = this.toasts.filter((t) => t.id !== toast.id) }, toast.action != null ? 8000 : 4000)
  }

  /** Opens a file picker; `folder` picks a whole folder (its sub-folders become folders). */
  pick (folder: boolean): void {
    (folder ? this.folderInput : this.filesInput).click()
  }

  private upload (files: UploadFile[]): void {
    if (files.length === 0 || store.auth !== 'in') return
    // On an album shared with you, files go into it (the worker refuses them if you may only view it).
    const collection = this.route.page === 'collection-page' || this.route.page === 'shared-collection-page' ? this.route.params.id : undefined
    store.worker.call('upload', [files, { collection, foldersFromPaths: true }]).catch((err: unknown) => { this.showToast({ id: Date.now(), message: describe(err), kind: 'error' }) })
  }

  private readonly onDragOver = (event: DragEvent): void => {
    if (store.auth !== 'in' || ![...(event.dataTransfer?.types ?? [])].includes('Files')) return
    event.preventDefault()
    this.dragging = true
  }

  private readonly onDrop = (event: DragEvent): void => {
    if (event.dataTransfer == null || store.auth !== 'in') return
    event.preventDefault()
    this.dragging = false
    filesFromDrop(event.dataTransfer).then((files) => { this.upload(files) }, () => {})
  }

  private onPicked (event: Event): void {
    const input = event.target as HTMLInputElement
    this.upload(filesFromInput(input))
    input.value = ''
  }

  private page (route: Route): HTMLElement {
    const key = `${route.page}:${JSON.stringify(route.params)}`
    let element = this.pages.get(key)
    if (element == null) {
      element = document.createElement(route.page)
      Object.assign(element, { params: route.params })
      this.pages.clear()
      this.pages.set(key, element)
      void loadPage(route.page)
    }
    return element
  }

  override render () {
    // A public link's page needs no account and shows nothing of one, even to a logged-in viewer.
    if (this.route.page === 'link-page') return html`<main>${this.page(this.route)}</main><zip-panel></zip-panel>${this.renderToasts()}`
    if (store.auth === 'starting') return html`<div class="splash" role="status">Unlocking your library…</div>`
    if (store.auth === 'anonymous') {
      const route = this.route.page === 'signup-page' || this.route.page === 'recover-page' ? this.route : match('/login')
      return html`<main>${this.page(route)}</main>${this.renderToasts()}`
    }
    if (this.route.open) queueMicrotask(() => { navigate('/', { replace: true }) })
    if (!this.preloaded) {
      // Pages load lazily, but once logged in the rest are fetched while the browser is idle.
      this.preloaded = true
      requestIdleCallback(() => { for (const page of ['photos-page', 'albums-page', 'folders-page', 'collection-page', 'map-page', 'trash-page']) void loadPage(page) })
    }
    const unreachable = store.syncError != null && errorCode(store.syncError) === 'NODE_UNREACHABLE'
    return html`
      <app-nav .path=${this.route.page === 'collection-page' ? location.pathname : location.pathname}></app-nav>
      <main>
        ${unreachable ? html`<div class="banner" role="alert">${describe(store.syncError)} <button @click=${() => { void store.refresh() }}>Try again</button></div>` : nothing}
        ${this.page(this.route)}
      </main>
      <upload-panel></upload-panel>
      <zip-panel></zip-panel>
      <input id="files" type="file" multiple accept="image/*,video/*" @change=${this.onPicked}>
      <input id="folder" type="file" webkitdirectory multiple @change=${this.onPicked}>
      ${this.viewer != null ? html`<photo-viewer .itemId=${this.viewer.id} .ids=${this.viewer.ids}
        @viewer-close=${() => { this.viewer = undefined }} @viewer-move=${(e: CustomEvent<{ id: string }>) => { if (this.viewer != null) this.viewer = { ...this.viewer, id: e.detail.id } }}></photo-viewer>` : nothing}
      ${this.dragging ? html`<div class="drop"><div>${icon('upload')}<span>Drop photos and folders to encrypt and upload them</span><small>Only photos and videos are added; other files are refused.</small></div></div>` : nothing}
      ${this.renderToasts()}
    `
  }

  private renderToasts () {
    return html`<div class="toasts" role="status" aria-live="polite">${this.toasts.map((t) => html`<div class="toast ${t.kind}"><span>${t.message}</span>
      ${t.action != null ? html`<button @click=${() => { this.toasts = this.toasts.filter((o) => o.id !== t.id); t.action?.run() }}>${t.action.label}</button>` : nothing}</div>`)}</div>`
  }

  override updated (): void {
    if (this.viewer != null) void import('./components/photo-viewer.ts')
  }
}
