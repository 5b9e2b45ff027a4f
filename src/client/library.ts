/**
 * A user's library: the root collection (which lists their albums and folders with boxed keys)
 * and every collection in it, kept in sync with the node, plus the albums other users share
 * with this account (kept apart: they are not in the timeline, the trash or duplicate checks).
 * Lookups by album name and folder path, creation of collections, and the timeline across all
 * of them live here; the log mechanics live in collection.ts, sharing in sharing.ts.
 */
import { newId } from '../format/ids.ts'
import { commitOps, emptyCollection, mayChange, syncCollection, type CollectionState, type CommitOptions, type ItemEntry } from './collection.ts'
import { toHex } from '../crypto/bytes.ts'
import { NotFoundInLibraryError, NotYourItemError } from './errors.ts'
import { newKey, rootCollectionKey, unwrapCollectionKey, wrapCollectionKey } from '../crypto/wrap.ts'
import { confirmedRole, openShared, sharedKeyFor, type SharedCollection } from './sharing.ts'
import { sharingApi } from './sharing-api.ts'
import { provideGrants } from './federation.ts'
import type { RecordOp } from '../format/record-ops.ts'
import type { Account } from './session.ts'

export interface ItemRef { collection: CollectionState, item: ItemEntry }

export class Library {
  readonly account: Account
  readonly root: CollectionState
  readonly collections = new Map<string, CollectionState>()
  /** Albums and folders other users share with this account, by id. */
  readonly shared = new Map<string, SharedCollection>()
  /** Shares the node lists that could not be opened or confirmed, with the reason (left out of `shared`). */
  readonly sharedErrors = new Map<string, Error>()

  constructor (account: Account) {
    this.account = account
    const { keys, user } = account
    this.root = emptyCollection(user.rootCollection, rootCollectionKey(keys.masterKey), keys.signing.publicKey)
  }

  /** Catches up the root and every collection that moved, in as few round trips as the API allows. */
  async sync (signal?: AbortSignal): Promise<void> {
    const { api } = this.account
    await syncCollection(api, this.root, { signal })
    this.adoptRootKeys()
    for (const id of this.collections.keys()) if (!this.root.children.has(id)) this.collections.delete(id)
    const cursors = Object.fromEntries([...this.collections.values()].map((c) => [c.id, c.seq]))
    if (Object.keys(cursors).length > 0) {
      const { changed } = await api.sync(cursors, { signal })
      for (const { id } of changed) {
        const state = this.collections.get(id)
        if (state != null) await syncCollection(api, state, { signal, keyFor: this.keyFor(state) })
      }
    }
    await this.syncShared(signal)
  }

  /** Creates the state of new albums and folders and learns the keys of later epochs from the root. */
  private adoptRootKeys (): void {
    const { masterKey } = this.account.keys
    for (const child of this.root.children.values()) {
      let state = this.collections.get(child.id)
      if (state == null) {
        state = emptyCollection(child.id, unwrapCollectionKey(masterKey, child.id, child.keyBox), this.root.ownerKey)
        this.collections.set(child.id, state)
      }
      for (const [epoch, box] of child.epochKeys) if (!state.keys.has(epoch)) state.keys.set(epoch, unwrapCollectionKey(masterKey, child.id, box, epoch))
    }
  }

  /**
   * Catches up the collections shared with this account. A share that fails to open or that the
   * owner's log does not confirm is left out (and noted in `sharedErrors`): a node cannot break
   * the library by listing a share that is not real.
   */
  private async syncShared (signal?: AbortSignal): Promise<void> {
    let listed = await sharingApi.shared(this.account.api, { signal })
    // Albums of other nodes: the node fetches them with our grant tokens; it lists them again once it has.
    if (await provideGrants(this.account, listed, { signal })) listed = await sharingApi.shared(this.account.api, { signal })
    this.sharedErrors.clear()
    for (const id of this.shared.keys()) if (!listed.some((s) => s.collection === id)) this.shared.delete(id)
    for (const entry of listed) {
      const known = this.shared.get(entry.collection)
      try {
        if (known != null && known.state.seq === entry.seq && known.state.keys.has(entry.epoch)) {
          known.role = confirmedRole(this.account, known.state, entry)
          known.node = entry.node
          continue
        }
        this.shared.set(entry.collection, { ...await openShared(this.account, entry, known?.state, signal), node: entry.node })
      } catch (err) {
        if (signal?.aborted === true) throw err
        this.shared.delete(entry.collection)
        this.sharedErrors.set(entry.collection, err as Error)
      }
    }
  }

  /** Where `syncCollection` finds the key of a newer epoch of `state`: the root collection, or the node's share. */
  keyFor (state: CollectionState): (epoch: number) => Promise<Uint8Array | undefined> {
    if (this.shared.has(state.id)) return sharedKeyFor(this.account, state.id)
    return async (epoch) => {
      await syncCollection(this.account.api, this.root)
      this.adoptRootKeys()
      return this.collections.get(state.id)?.keys.get(epoch)
    }
  }

  /** Writes the root collection's first commit; done once, at signup. */
  async initialise (): Promise<void> {
    await this.commit(this.root, [{ op: 'meta', name: 'Library', kind: 'root', parent: null, createdAt: Date.now() }])
  }

  /**
   * The root collection and every album and folder. Items uploaded without a target live in the
   * root, so anything that looks at all items (timeline, duplicates, trash) starts here.
   */
  allCollections (): CollectionState[] {
    return [this.root, ...this.collections.values()]
  }

  albums (): CollectionState[] {
    return [...this.collections.values()].filter((c) => c.kind === 'album')
  }

  folders (): CollectionState[] {
    return [...this.collections.values()].filter((c) => c.kind === 'folder')
  }

  findAlbum (name: string): CollectionState | undefined {
    return this.albums().find((c) => c.name === name)
  }

  /** Albums and folders shared with this account. */
  sharedCollections (): SharedCollection[] {
    return [...this.shared.values()]
  }

  /** A shared album or folder by name (the first one, when two owners chose the same name). */
  findShared (name: string): SharedCollection | undefined {
    return this.sharedCollections().find((s) => s.state.name === name)
  }

  /** Every collection this library keeps in sync: its own and those shared with it. */
  syncedCollections (): CollectionState[] {
    return [...this.allCollections(), ...this.sharedCollections().map((s) => s.state)]
  }

  /** Folder paths are names joined by "/", from a top-level folder down. */
  folderPath (folder: CollectionState): string {
    const names: string[] = []
    let current: CollectionState | undefined = folder
    for (let depth = 0; current != null && depth < 64; depth++) {
      names.unshift(current.name ?? '?')
      current = current.parent != null ? this.collections.get(current.parent) : undefined
    }
    return names.join('/')
  }

  findFolder (path: string): CollectionState | undefined {
    const wanted = normalisePath(path)
    return this.folders().find((f) => this.folderPath(f) === wanted)
  }

  /**
   * Finds an album by name or a folder by path ("/" is the root); albums win when both match,
   * and the user's own collections win over those shared with them.
   */
  resolve (nameOrPath: string): CollectionState {
    if (nameOrPath.trim() !== '' && normalisePath(nameOrPath) === '') return this.root
    const found = this.findAlbum(nameOrPath) ?? this.findFolder(nameOrPath) ?? this.findShared(nameOrPath)?.state
    if (found == null) throw new NotFoundInLibraryError(`no album or folder named "${nameOrPath}"`)
    return found
  }

  /** The user's album of that name, else one shared with them as a collaborator, else a new album. */
  async ensureAlbum (name: string): Promise<CollectionState> {
    const shared = this.sharedCollections().find((s) => s.state.name === name && s.state.kind === 'album' && s.role === 'collaborator')
    return this.findAlbum(name) ?? shared?.state ?? await this.createCollection('album', name, null)
  }

  /** Finds or creates each folder along `path`. */
  async ensureFolder (path: string): Promise<CollectionState> {
    let parent: CollectionState | undefined
    let prefix = ''
    for (const name of normalisePath(path).split('/')) {
      prefix = prefix === '' ? name : `${prefix}/${name}`
      parent = this.findFolder(prefix) ?? await this.createCollection('folder', name, parent?.id ?? null)
    }
    if (parent == null) throw new NotFoundInLibraryError('a folder path needs at least one name')
    return parent
  }

  async createCollection (kind: 'album' | 'folder', name: string, parent: string | null): Promise<CollectionState> {
    const { keys } = this.account
    const id = newId()
    const key = newKey()
    const state = emptyCollection(id, key, keys.signing.publicKey)
    await this.commit(state, [{ op: 'meta', name, kind, parent, createdAt: Date.now() }])
    await this.commit(this.root, [{ op: 'collection', id, kind, key: wrapCollectionKey(keys.masterKey, id, key) }])
    this.collections.set(id, state)
    return state
  }

  async commit (state: CollectionState, ops: RecordOp[], options: Pick<CommitOptions, 'links' | 'unlinks' | 'rekey'> = {}): Promise<void> {
    // Every reader would skip a collaborator's change to someone else's item; say so instead of
    // reporting a success that changes nothing.
    const me = this.account.keys.signing.publicKey
    for (const op of ops) {
      const item = 'item' in op && op.op !== 'add' ? state.items.get(op.item) : undefined
      if (item != null && !mayChange(state, item, me)) throw new NotYourItemError(item.name)
    }
    await commitOps(this.account.api, state, this.account.keys.signing, ops, { ...options, keyFor: this.keyFor(state) })
  }

  /** Every item in the library once (an item in a folder and two albums appears once). */
  items (options: { includeTrashed?: boolean } = {}): ItemRef[] {
    const seen = new Map<string, ItemRef>()
    for (const collection of this.allCollections()) {
      for (const item of collection.items.values()) {
        if (item.trashedAt != null && options.includeTrashed !== true) continue
        if (!seen.has(item.id)) seen.set(item.id, { collection, item })
      }
    }
    return [...seen.values()]
  }

  /** The timeline: newest capture first, archived items left out. */
  timeline (): ItemRef[] {
    return this.items().filter((r) => r.item.archived !== true).sort((a, b) => b.item.takenAt - a.item.takenAt)
  }

  /** Items by content tag (hex), for duplicate skipping: built once per upload, not per file. */
  contentTagIndex (): Map<string, ItemRef> {
    const index = new Map<string, ItemRef>()
    for (const collection of this.allCollections()) {
      for (const item of collection.items.values()) {
        const key = toHex(item.contentTag)
        if (!index.has(key)) index.set(key, { collection, item })
      }
    }
    return index
  }
}

function normalisePath (path: string): string {
  return path.split('/').map((p) => p.trim()).filter((p) => p !== '').join('/')
}
