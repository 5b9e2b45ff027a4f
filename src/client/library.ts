/**
 * A user's library: the root collection (which lists their albums and folders with boxed keys)
 * and every collection in it, kept in sync with the node. Lookups by album name and folder path,
 * creation of collections, and the timeline across all of them live here; the log mechanics
 * live in collection.ts.
 */
import { newId } from '../format/ids.ts'
import { commitOps, emptyCollection, syncCollection, type CollectionState, type ItemEntry } from './collection.ts'
import { toHex } from '../crypto/bytes.ts'
import { NotFoundInLibraryError } from './errors.ts'
import { newKey, rootCollectionKey, unwrapCollectionKey, wrapCollectionKey } from '../crypto/wrap.ts'
import type { RecordOp } from '../format/record-ops.ts'
import type { Account } from './session.ts'
import type { CID } from '../format/cid.ts'

export interface ItemRef { collection: CollectionState, item: ItemEntry }

export class Library {
  readonly account: Account
  readonly root: CollectionState
  readonly collections = new Map<string, CollectionState>()

  constructor (account: Account) {
    this.account = account
    const { keys, user } = account
    this.root = emptyCollection(user.rootCollection, rootCollectionKey(keys.masterKey), keys.signing.publicKey)
  }

  /** Catches up the root and every collection that moved, in as few round trips as the API allows. */
  async sync (signal?: AbortSignal): Promise<void> {
    const { api } = this.account
    await syncCollection(api, this.root, { signal })
    for (const child of this.root.children.values()) {
      if (!this.collections.has(child.id)) {
        const key = unwrapCollectionKey(this.account.keys.masterKey, child.id, child.keyBox)
        this.collections.set(child.id, emptyCollection(child.id, key, this.root.ownerKey))
      }
    }
    for (const id of this.collections.keys()) if (!this.root.children.has(id)) this.collections.delete(id)
    const cursors = Object.fromEntries([...this.collections.values()].map((c) => [c.id, c.seq]))
    if (Object.keys(cursors).length === 0) return
    const { changed } = await api.sync(cursors, { signal })
    for (const { id } of changed) {
      const state = this.collections.get(id)
      if (state != null) await syncCollection(api, state, { signal })
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

  /** Finds an album by name or a folder by path ("/" is the root); albums win when both match. */
  resolve (nameOrPath: string): CollectionState {
    if (nameOrPath.trim() !== '' && normalisePath(nameOrPath) === '') return this.root
    const found = this.findAlbum(nameOrPath) ?? this.findFolder(nameOrPath)
    if (found == null) throw new NotFoundInLibraryError(`no album or folder named "${nameOrPath}"`)
    return found
  }

  async ensureAlbum (name: string): Promise<CollectionState> {
    return this.findAlbum(name) ?? await this.createCollection('album', name, null)
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

  async commit (state: CollectionState, ops: RecordOp[], links: { links?: CID[], unlinks?: CID[] } = {}): Promise<void> {
    await commitOps(this.account.api, state, this.account.keys.signing, ops, links)
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
