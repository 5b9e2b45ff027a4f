/**
 * The page's state: whether someone is logged in, the library as the worker last described it
 * (with lookups the pages need), and upload progress. Components read it through
 * StoreController and change it only through the worker. The saved session (token and unlocked
 * master key, as the CLI keeps it) lives in sessionStorage: it survives a reload of this tab,
 * which is what lets uploads resume, and is gone when the tab closes or on logout.
 *
 * [Note: keys in sessionStorage] Keeping the master key in the tab's sessionStorage trades a
 * little exposure (script running in this origin could read it) for not asking the password on
 * every reload; the gateway serves no third-party script and sends `no-referrer`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { WorkerClient } from '../worker-client/client.ts'
import { answerPosters } from '../worker-client/posters.ts'
import { toast } from './toast.ts'
import type { CollectionView, EventMessage, ItemView, LibraryView, SavedSession, SessionPhase, SharedView, UploadProgress } from '../worker/protocol.ts'

const SESSION_KEY = 'obscura.session'
const REFRESH_EVERY_MS = 30_000

export type AuthState = 'starting' | 'anonymous' | 'in'

export class AppStore extends EventTarget {
  readonly worker = new WorkerClient()
  auth: AuthState = 'starting'
  phase?: SessionPhase
  view?: LibraryView
  /** Items of the user's own library. */
  items = new Map<string, ItemView>()
  /** Items seen only in albums others share with the user (never in the timeline). */
  sharedItems = new Map<string, ItemView>()
  /** Items of the album a public link page shows (the page's grid and viewer find them here). */
  linkItems = new Map<string, ItemView>()
  collections = new Map<string, CollectionView>()
  /** Albums and folders others share with the user. */
  shared = new Map<string, SharedView>()
  /** Non-trashed, non-archived items, newest first. */
  timeline: ItemView[] = []
  upload?: UploadProgress
  /** Set when a background sync fails (node unreachable): shown as a banner. */
  syncError?: unknown
  private timer?: ReturnType<typeof setInterval>

  constructor () {
    super()
    this.worker.addEventListener('library', (e) => { this.setView(((e as CustomEvent).detail as Extract<EventMessage, { event: 'library' }>).view) })
    this.worker.addEventListener('upload', (e) => {
      this.upload = ((e as CustomEvent).detail as Extract<EventMessage, { event: 'upload' }>).progress
      this.changed()
    })
    this.worker.addEventListener('phase', (e) => {
      this.phase = ((e as CustomEvent).detail as Extract<EventMessage, { event: 'phase' }>).phase
      this.changed()
    })
    this.worker.addEventListener('session-ended', () => { this.ended() })
    this.worker.addEventListener('transfer-note', (e) => { toast(`Note: ${((e as CustomEvent).detail as Extract<EventMessage, { event: 'transfer-note' }>).note}.`) })
    answerPosters(this.worker, (reply) => { this.worker.replyPoster(reply) })
  }

  private changed (): void {
    this.dispatchEvent(new Event('change'))
  }

  private setView (view: LibraryView): void {
    this.view = view
    this.items = new Map(view.items.map((i) => [i.id, i]))
    this.sharedItems = new Map(view.sharedItems.map((i) => [i.id, i]))
    this.collections = new Map(view.collections.map((c) => [c.id, c]))
    this.shared = new Map(view.shared.map((s) => [s.id, s]))
    // What others added to the user's albums is shown in those albums only ([Note: whose photos are in whose timeline]).
    this.timeline = view.items.filter((i) => i.trashedAt == null && !i.archived && i.addedBy == null)
    this.changed()
  }

  /** Any item the user can see: of their library, of an album shared with them, or of the public link open. */
  item (id: string): ItemView | undefined {
    return this.items.get(id) ?? this.sharedItems.get(id) ?? this.linkItems.get(id)
  }

  /** The items of the public link open in this tab. */
  showLink (items: ItemView[]): void {
    this.linkItems = new Map(items.map((i) => [i.id, i]))
    this.changed()
  }

  /** Items of a collection (the user's own or one shared with them) in display order. */
  itemsOf (collectionId: string): ItemView[] {
    const ids = (this.collections.get(collectionId) ?? this.shared.get(collectionId))?.itemIds ?? []
    return ids.map((id) => this.item(id)).filter((i): i is ItemView => i != null)
  }

  async start (): Promise<void> {
    const saved = sessionStorage.getItem(SESSION_KEY)
    if (saved == null) {
      this.auth = 'anonymous'
      this.changed()
      return
    }
    try {
      await this.worker.call('resume', [JSON.parse(saved) as SavedSession])
      this.loggedIn()
    } catch (err) {
      sessionStorage.removeItem(SESSION_KEY)
      this.auth = 'anonymous'
      this.syncError = err
      this.changed()
    }
  }

  async login (username: string, password: string): Promise<void> {
    const { saved } = await this.worker.call('login', [location.origin, username, password])
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved))
    this.loggedIn()
  }

  /** Sets a new password with the recovery key; every other session of the account ends. */
  async recover (username: string, recoveryKey: string, newPassword: string): Promise<void> {
    const { saved } = await this.worker.call('recover', [location.origin, username, recoveryKey, newPassword])
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved))
    this.loggedIn()
  }

  /**
   * Creates the account. The worker is logged in afterwards, but the page enters the library
   * only with `enter`, once the recovery key has been shown.
   */
  async signup (username: string, password: string, invite?: string): Promise<{ saved: SavedSession, recoveryKey: string }> {
    return await this.worker.call('signup', [location.origin, username, password, invite])
  }

  enter (saved: SavedSession): void {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved))
    this.loggedIn()
  }

  async changePassword (current: string, next: string): Promise<void> {
    const { saved } = await this.worker.call('changePassword', [current, next])
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved))
  }

  async logout (): Promise<void> {
    try {
      await this.worker.call('logout', [])
    } finally {
      this.ended()
    }
  }

  /** Syncs now; a failure is kept for the banner rather than thrown. */
  async refresh (): Promise<void> {
    try {
      await this.worker.call('refresh', [])
      this.syncError = undefined
    } catch (err) {
      this.syncError = err
    }
    this.changed()
  }

  private loggedIn (): void {
    this.auth = 'in'
    this.phase = undefined
    this.syncError = undefined
    clearInterval(this.timer)
    this.timer = setInterval(() => { if (document.visibilityState === 'visible') void this.refresh() }, REFRESH_EVERY_MS)
    this.changed()
  }

  private ended (): void {
    sessionStorage.removeItem(SESSION_KEY)
    clearInterval(this.timer)
    this.auth = 'anonymous'
    this.view = undefined
    this.items = new Map()
    this.sharedItems = new Map()
    this.collections = new Map()
    this.shared = new Map()
    this.timeline = []
    this.upload = undefined
    this.changed()
  }
}

export const store = new AppStore()

/** Re-renders its host whenever the store changes. */
export class StoreController implements ReactiveController {
  private readonly host: ReactiveControllerHost
  private readonly onChange = (): void => { this.host.requestUpdate() }

  constructor (host: ReactiveControllerHost) {
    this.host = host
    host.addController(this)
  }

  hostConnected (): void { store.addEventListener('change', this.onChange) }
  hostDisconnected (): void { store.removeEventListener('change', this.onChange) }
}
