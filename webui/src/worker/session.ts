/**
 * The logged-in state inside the worker: the account and its keys, the synced Library, the
 * local encrypted cache, and the indexes from item ids to their entries (the user's own library,
 * and apart from it the albums others share with them). Signing up, logging in and resuming a
 * saved session all end here; the page only ever receives views.
 */
import { login, recoverAccount, restoreAccount, serialiseAccount, signup, type Account } from '../../../src/client/session.ts'
import { Library } from '../../../src/client/library.ts'
import { openItem, type OpenedItem } from '../../../src/client/download.ts'
import { UploadJournal } from '../../../src/client/journal.ts'
import { NotFoundInLibraryError } from '../../../src/client/errors.ts'
import { followChanges } from '../../../src/client/live.ts'
import { LocalDb } from './idb.ts'
import { LocalCache } from './local-cache.ts'
import { indexedDbJournalStorage } from './journal-idb.ts'
import { entriesByItem, libraryView, sharedCollections, type Entry } from './views.ts'
import type { EventMessage, SavedSession, SessionPhase } from './protocol.ts'

export type Post = (message: EventMessage) => void

const OPENED_CACHE = 500

export class WorkerSession {
  readonly account: Account
  readonly library: Library
  readonly cache: LocalCache
  readonly journal: UploadJournal
  private readonly post: Post
  private index = new Map<string, Entry[]>()
  private sharedIndex = new Map<string, Entry[]>()
  private readonly opened = new Map<string, Promise<OpenedItem>>()
  /** Ends the live update stream at logout. */
  private readonly live = new AbortController()
  private syncing?: Promise<void>
  private lastSync: Promise<void> = Promise.resolve()
  private syncAgain = false

  private constructor (account: Account, db: LocalDb, post: Post) {
    this.account = account
    this.library = new Library(account)
    this.cache = new LocalCache(db, account.keys.masterKey)
    this.journal = new UploadJournal(indexedDbJournalStorage(db))
    this.post = post
  }

  private static async start (account: Account, post: Post): Promise<WorkerSession> {
    post({ event: 'phase', phase: 'syncing' })
    const db = await LocalDb.open(`obscura-${account.user.id}`)
    const session = new WorkerSession(account, db, post)
    await session.refresh()
    session.follow()
    // What changed while no tab was open (an album left elsewhere, a share removed) is swept once here.
    session.cache.keepOnly((id) => session.canOpen(id)).catch(() => {})
    return session
  }

  static async signup (node: string, username: string, password: string, invite: string | undefined, post: Post): Promise<{ session: WorkerSession, recoveryKey: string }> {
    phase(post, 'creating')
    const { account, recoveryKey } = await signup(node, username, password, { invite })
    return { session: await WorkerSession.start(account, post), recoveryKey }
  }

  static async login (node: string, username: string, password: string, post: Post): Promise<WorkerSession> {
    phase(post, 'deriving')
    const account = await login(node, username, password)
    return await WorkerSession.start(account, post)
  }

  static async recover (node: string, username: string, recoveryKey: string, newPassword: string, post: Post): Promise<WorkerSession> {
    phase(post, 'recovering')
    const account = await recoverAccount(node, username, recoveryKey, newPassword)
    return await WorkerSession.start(account, post)
  }

  static async resume (saved: SavedSession, post: Post): Promise<WorkerSession> {
    phase(post, 'unlocking')
    const account = await restoreAccount(saved)
    account.user = await account.api.me()
    return await WorkerSession.start(account, post)
  }

  saved (): SavedSession {
    return serialiseAccount(this.account) as unknown as SavedSession
  }

  /**
   * Syncs whenever the node says something this user can read changed (src/client/live.ts), so
   * that a share, a collaborator's additions or another device's changes show within a moment.
   */
  private follow (): void {
    followChanges(this.account.api, () => { this.syncSoon() }, { signal: this.live.signal }).catch(() => {})
  }

  /** One sync at a time: changes that arrive during a sync lead to one more sync after it. */
  private syncSoon (): void {
    if (this.syncing != null) {
      this.syncAgain = true
      return
    }
    this.syncing = this.refresh().catch(() => {}).finally(() => {
      this.syncing = undefined
      if (this.syncAgain) {
        this.syncAgain = false
        this.syncSoon()
      }
    })
  }

  /** Syncs with the node, then sends the page a fresh view; one sync at a time, in call order. */
  async refresh (): Promise<void> {
    const run = this.lastSync.then(async () => {
      await this.library.sync()
      this.account.user = await this.account.api.me()
      this.publish()
    })
    this.lastSync = run.catch(() => {})
    await run
  }

  /**
   * Rebuilds the index and view after a sync or a local change (commits already applied to the
   * state), and forgets what the user can no longer open.
   *
   * [Note: cache follows access] Thumbnails and details sealed in the local cache belong to
   * items the user can open. When an item leaves both indexes (they left the album shared with
   * them, its owner removed them or deleted it, or they deleted their own item for good), its
   * cached entries and its opened manifest go at once rather than at logout.
   */
  publish (): void {
    const before = [...this.index.keys(), ...this.sharedIndex.keys()]
    this.index = entriesByItem(this.library.allCollections())
    this.sharedIndex = entriesByItem(sharedCollections(this.library))
    const gone = before.filter((id) => !this.canOpen(id))
    for (const id of gone) this.opened.delete(id)
    if (gone.length > 0) this.cache.forget(gone).catch(() => {})
    this.post({ event: 'library', view: libraryView(this.library, this.index, this.sharedIndex) })
  }

  /** Whether the item is in one of the user's own collections (not only in albums shared with them). */
  isOwn (itemId: string): boolean {
    return this.index.has(itemId)
  }

  /** Whether the user can open the item: it is theirs or in an album shared with them. */
  canOpen (itemId: string): boolean {
    return this.index.has(itemId) || this.sharedIndex.has(itemId)
  }

  /** Entries of an item in the user's own library (what changes act on); the live (non-trashed) ones first. */
  entries (itemId: string): Entry[] {
    const list = this.index.get(itemId)
    if (list == null || list.length === 0) throw new NotFoundInLibraryError(`no item ${itemId}`)
    return liveFirst(list)
  }

  /** An entry to read the item through: the user's own, else one in an album shared with them. */
  private readable (itemId: string): Entry {
    const list = this.index.get(itemId) ?? this.sharedIndex.get(itemId)
    if (list == null || list.length === 0) throw new NotFoundInLibraryError(`no item ${itemId}`)
    return liveFirst(list)[0] as Entry
  }

  /** One of the user's own collections (the root, an album, a folder). */
  collection (id: string): Entry['collection'] {
    if (id === this.library.root.id) return this.library.root
    const found = this.library.collections.get(id)
    if (found == null) throw new NotFoundInLibraryError(`no album or folder ${id}`)
    return found
  }

  /** Where uploads aimed at `id` go: one of the user's collections, or one shared with them as a collaborator. */
  uploadTarget (id: string): { state: Entry['collection'], shared: boolean } {
    const shared = this.library.shared.get(id)
    if (shared == null) return { state: this.collection(id), shared: false }
    if (shared.role !== 'collaborator') throw new NotFoundInLibraryError(`${shared.owner.username} shares “${shared.state.name ?? 'this album'}” with you to view; only collaborators can add to it`)
    return { state: shared.state, shared: true }
  }

  /** The item's decrypted manifest and file key, fetched once and kept in a small cache. */
  async open (itemId: string): Promise<OpenedItem> {
    let pending = this.opened.get(itemId)
    if (pending == null) {
      const entry = this.readable(itemId)
      pending = openItem(this.account.api, entry.collection, entry.item)
      pending.catch(() => { this.opened.delete(itemId) })
      this.opened.set(itemId, pending)
      if (this.opened.size > OPENED_CACHE) this.opened.delete(this.opened.keys().next().value as string)
    }
    return await pending
  }

  async logout (): Promise<void> {
    this.live.abort()
    try {
      await this.account.api.logout()
    } finally {
      await this.cache.clearCaches()
      this.cache.db.close()
      this.account.keys.masterKey.fill(0)
    }
  }
}

function liveFirst (entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => (a.item.trashedAt == null ? 0 : 1) - (b.item.trashedAt == null ? 0 : 1))
}

function phase (post: Post, value: SessionPhase): void {
  post({ event: 'phase', phase: value })
}
