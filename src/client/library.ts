/**
 * A user's library: the root collection (which lists their albums and folders with boxed keys)
 * and every collection in it, kept in sync with the node, plus the albums other users share
 * with this account (kept apart: they are not in the timeline, the trash or duplicate checks).
 * Lookups by album name and folder path, creation of collections, and the timeline across all
 * of them live here; the log mechanics live in collection.ts, sharing in sharing.ts.
 *
 * [Note: names of shared albums] A name given by the user may fit their own album (or folder
 * path) and albums other users share with them. "OWNER/NAME" names one owner's (the user's own
 * username for their own, which is also how they make an album of a name someone shares with
 * them). A plain name that fits more than one is refused with a message that spells out each
 * qualified name, never guessed: acting on the wrong one of two same-named albums (uploading
 * into a private copy, deleting from it) is what this rule exists to prevent.
 */
import { newId } from '../format/ids.ts'
import { commitOps, emptyCollection, mayChange, syncCollection, type CollectionState, type CommitOptions, type ItemEntry } from './collection.ts'
import { toHex } from '../crypto/bytes.ts'
import { AmbiguousNameError, InvalidNameError, NotFoundInLibraryError, NotYourItemError, ViewOnlyError } from './errors.ts'
import { newKey, rootCollectionKey, unwrapCollectionKey, wrapCollectionKey } from '../crypto/wrap.ts'
import { confirmedRole, openShared, sharedKeyFor, unavailableShared, type SharedCollection } from './sharing.ts'
import { sharingApi } from './sharing-api.ts'
import { provideGrants } from './federation.ts'
import { nameProblem, type RecordOp } from '../format/record-ops.ts'
import type { Account } from './session.ts'

export interface ItemRef { collection: CollectionState, item: ItemEntry }

/** A collection a name the user gave fits (see [Note: names of shared albums]). */
export interface NameMatch {
  state: CollectionState
  /** Username of its owner: this account's own for its own collections. */
  owner: string
  /** Set when it is shared with this account. */
  shared?: SharedCollection
}

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
        if (known != null && known.unavailable == null && known.state.seq === entry.seq && known.state.keys.has(entry.epoch)) {
          known.role = confirmedRole(this.account, known.state, entry)
          known.node = entry.node
          continue
        }
        this.shared.set(entry.collection, { ...await openShared(this.account, entry, known?.state, signal), node: entry.node })
      } catch (err) {
        if (signal?.aborted === true) throw err
        const unavailable = unavailableShared(this.account, entry, err as Error)
        if (unavailable != null) {
          this.shared.set(entry.collection, unavailable)
          continue
        }
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
   * Every collection `name` fits: the user's album of that name (else, unless `albumsOnly`, their
   * folder at that path), albums and folders shared with them of that name, and with
   * "OWNER/NAME", the one of that owner (see [Note: names of shared albums]).
   */
  private matches (name: string, albumsOnly: boolean): NameMatch[] {
    const me = this.account.user.username
    const found = new Map<string, NameMatch>()
    const own = (n: string): void => {
      const state = this.findAlbum(n) ?? (albumsOnly ? undefined : this.findFolder(n))
      if (state != null) found.set(state.id, { state, owner: me })
    }
    const shared = (n: string, owner?: string): void => {
      for (const s of this.sharedCollections()) {
        if (s.state.name !== n || (albumsOnly && s.state.kind !== 'album') || (owner != null && s.owner.username !== owner)) continue
        found.set(s.state.id, { state: s.state, owner: s.owner.username, shared: s })
      }
    }
    own(name)
    shared(name)
    const slash = name.indexOf('/')
    if (slash > 0) {
      const [owner, rest] = [name.slice(0, slash), name.slice(slash + 1)]
      if (owner === me) own(rest)
      else shared(rest, owner)
    }
    return [...found.values()]
  }

  /** The one collection `name` fits, or undefined; AmbiguousNameError when it fits several. */
  private pick (name: string, albumsOnly: boolean): NameMatch | undefined {
    const found = this.matches(name, albumsOnly)
    if (found.length <= 1) return found[0]
    const me = this.account.user.username
    const fits = found.map((m) => m.shared == null ? `your ${m.state.kind ?? 'collection'}` : `the ${m.state.kind ?? 'collection'} ${m.owner} shares with you`)
    const names = [...new Set(found.map((m) => `"${m.owner}/${m.state.kind === 'folder' && m.owner === me ? this.folderPath(m.state) : m.state.name ?? ''}"`))]
    throw new AmbiguousNameError(`"${name}" could be ${fits.join(' or ')}: say ${names.join(' or ')}`)
  }

  /**
   * Finds an album by name or a folder by path ("/" is the root); the user's albums win over
   * their folders. An album or folder shared with the user is found by its name as well, or by
   * "OWNER/NAME"; AmbiguousNameError when the name fits more than one (see [Note: names of
   * shared albums]).
   */
  resolve (nameOrPath: string): CollectionState {
    if (nameOrPath.trim() !== '' && normalisePath(nameOrPath) === '') return this.root
    const found = this.pick(nameOrPath, false)
    if (found == null) throw new NotFoundInLibraryError(`no album or folder named "${nameOrPath}"`)
    return found.state
  }

  /**
   * The album `name` fits (as `resolve` finds it, albums only) to add items to: the user's own, or
   * one shared with them as a collaborator; ViewOnlyError for one they may only view, rather
   * than a private album of the same name. A name that fits none makes a new album: "ME/NAME"
   * (this account's username) one named NAME, beside a shared album of that name.
   */
  async ensureAlbum (name: string): Promise<CollectionState> {
    const found = this.pick(name, true)
    const mine = `${this.account.user.username}/`
    if (found == null) return await this.createCollection('album', name.startsWith(mine) ? name.slice(mine.length) : name, null)
    if (found.shared != null && found.shared.role !== 'collaborator') {
      throw new ViewOnlyError(`you can only view "${found.state.name ?? name}" (shared by ${found.owner}): you cannot add to it`)
    }
    return found.state
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

  /** InvalidNameError, before anything is written, for a name the format does not allow. */
  async createCollection (kind: 'album' | 'folder', name: string, parent: string | null): Promise<CollectionState> {
    const problem = nameProblem(name, kind)
    if (problem != null) throw new InvalidNameError(problem)
    const { keys } = this.account
    const id = newId()
    const key = newKey()
    const state = emptyCollection(id, key, keys.signing.publicKey)
    await this.commit(state, [{ op: 'meta', name, kind, parent, createdAt: Date.now() }])
    await this.commit(this.root, [{ op: 'collection', id, kind, key: wrapCollectionKey(keys.masterKey, id, key) }])
    this.collections.set(id, state)
    return state
  }

  /** Renames one of the user's albums or folders; InvalidNameError as for `createCollection`. */
  async renameCollection (state: CollectionState, name: string): Promise<void> {
    const { kind } = state
    if (kind !== 'album' && kind !== 'folder') throw new NotFoundInLibraryError('only albums and folders can be renamed')
    const problem = nameProblem(name, kind)
    if (problem != null) throw new InvalidNameError(problem)
    await this.commit(state, [{ op: 'meta', name, kind, parent: state.parent ?? null, createdAt: Date.now() }])
  }

  async commit (state: CollectionState, ops: RecordOp[], options: Pick<CommitOptions, 'links' | 'unlinks' | 'rekey' | 'stillValid'> = {}): Promise<void> {
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
