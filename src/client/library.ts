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
 * into a private copy, deleting from it) is what this rule exists to prevent. The same holds for
 * any two collections a name fits: two albums of the user's own (made before creation by name
 * was idempotent, or by a rename), an album and a folder, two shared albums of one owner. Every
 * collection is also named by its id, which the refusal lists, so there is always a way to say
 * which one. Names compare in Unicode NFC, as the ids of named collections do.
 *
 * [Note: one album per name across devices] Two devices of one account that run
 * `upload --album New` at once must end up in one album. A new album or folder therefore gets
 * the id `namedCollectionId` derives from its kind, parent, name and a generation (a keyed MAC
 * under a key from the master key: the node learns nothing from it; FORMAT.md 5.6), and the
 * root collection's compare-and-swap is the rendezvous: the `collection` op that lists the id is
 * committed first, and only while the root does not list it yet; a device that loses the race
 * syncs the root, finds the id there and takes the key the winner boxed, instead of listing a
 * second album. The album's own first record (`meta`) comes second and is written by whichever
 * device gets there first; a crash between the two leaves a listed id with no name, which the
 * next creation of that name completes. An id that is listed with another name (the album was
 * renamed), or that has a log but is no longer listed (it was deleted; its old key is gone), is
 * taken: the next generation is tried, and every device walks the same sequence, so they still
 * meet. Lookups by name come first, so an album of that name made any other way is used as is.
 */
import { idBytes, isId, newId } from '../format/ids.ts'
import { commitOps, emptyCollection, mayChange, syncCollection, type CollectionState, type CommitOptions, type ItemEntry } from './collection.ts'
import { toHex } from '../crypto/bytes.ts'
import { collectionIdKey, namedCollectionId } from '../crypto/collection-id.ts'
import { AmbiguousNameError, ApiError, InvalidNameError, NotFoundInLibraryError, NotYourItemError, ViewOnlyError } from './errors.ts'
import { newKey, rootCollectionKey, unwrapCollectionKey, wrapCollectionKey } from '../crypto/wrap.ts'
import { confirmedRole, openShared, sharedKeyFor, unavailableShared, type SharedCollection } from './sharing.ts'
import { sharingApi } from './sharing-api.ts'
import { provideGrants } from './federation.ts'
import { nameProblem, type RecordOp } from '../format/record-ops.ts'
import type { Account } from './session.ts'

export interface ItemRef { collection: CollectionState, item: ItemEntry }

/** Generations of one name tried before a new collection gets a random id (see [Note: one album per name across devices]). */
const MAX_GENERATIONS = 64

/** Thrown from a `stillValid` check: another device wrote what this one was about to write. */
class WrittenMeanwhile extends Error {}

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

  /** The first of the user's albums named `name`; `lookup` refuses a name that fits several. */
  findAlbum (name: string): CollectionState | undefined {
    return this.albums().find((c) => sameName(c.name, name))
  }

  /** Albums and folders shared with this account. */
  sharedCollections (): SharedCollection[] {
    return [...this.shared.values()]
  }

  /** A shared album or folder by name (the first one, when two owners chose the same name). */
  findShared (name: string): SharedCollection | undefined {
    return this.sharedCollections().find((s) => sameName(s.state.name, name))
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

  /** The first of the user's folders at `path`; `lookup` refuses a path that fits several. */
  findFolder (path: string): CollectionState | undefined {
    const wanted = normalisePath(path)
    return this.folders().find((f) => sameName(this.folderPath(f), wanted))
  }

  /**
   * Every collection `name` fits: the one with that id; else the user's albums of that name
   * (and, unless `albumsOnly`, their folders at that path), albums and folders shared with them
   * of that name, and with "OWNER/NAME", those of that owner (see [Note: names of shared albums]).
   */
  private matches (name: string, albumsOnly: boolean): NameMatch[] {
    const me = this.account.user.username
    if (isId(name)) {
      const own = this.collections.get(name)
      if (own?.kind != null) return [{ state: own, owner: me }]
      const shared = this.shared.get(name)
      if (shared != null) return [{ state: shared.state, owner: shared.owner.username, shared }]
    }
    const found = new Map<string, NameMatch>()
    const own = (n: string): void => {
      const wanted = normalisePath(n)
      for (const state of this.collections.values()) {
        const fits = state.kind === 'album' ? sameName(state.name, n) : state.kind === 'folder' && !albumsOnly && sameName(this.folderPath(state), wanted)
        if (fits) found.set(state.id, { state, owner: me })
      }
    }
    const shared = (n: string, owner?: string): void => {
      for (const s of this.sharedCollections()) {
        if (!sameName(s.state.name, n) || (albumsOnly && s.state.kind !== 'album') || (owner != null && s.owner.username !== owner)) continue
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

  /**
   * The one collection `name` (or an id) fits, or undefined; AmbiguousNameError, listing each
   * candidate with its id, when it fits several. `albumsOnly` leaves the user's folders out of
   * name matches (an id still finds any collection).
   */
  lookup (name: string, options: { albumsOnly?: boolean } = {}): NameMatch | undefined {
    const found = this.matches(name, options.albumsOnly === true)
    if (found.length <= 1) return found[0]
    const me = this.account.user.username
    const fits = found.map((m) => {
      const kind = m.state.kind ?? 'collection'
      return `${m.shared == null ? `your ${kind}` : `the ${kind} ${m.owner} shares with you`} (id ${m.state.id})`
    })
    const qualified = [...new Set(found.map((m) => `"${m.owner}/${m.state.kind === 'folder' && m.owner === me ? this.folderPath(m.state) : m.state.name ?? ''}"`))]
    const how = qualified.length === found.length ? `say ${qualified.join(' or ')}, or name one by its id` : 'name one by its id'
    throw new AmbiguousNameError(`"${name}" could be ${fits.join(' or ')}: ${how}`)
  }

  /**
   * Finds an album by name or a folder by path ("/" is the root), or any collection by its id.
   * An album or folder shared with the user is found by its name as well, or by "OWNER/NAME";
   * AmbiguousNameError when the name fits more than one (see [Note: names of shared albums]).
   */
  resolve (nameOrPath: string): CollectionState {
    if (nameOrPath.trim() !== '' && normalisePath(nameOrPath) === '') return this.root
    const found = this.lookup(nameOrPath)
    if (found == null) throw new NotFoundInLibraryError(`no album or folder named "${nameOrPath}"`)
    return found.state
  }

  /**
   * The album `name` fits (as `resolve` finds it, albums only, or by id) to add items to: the
   * user's own, or one shared with them as a collaborator; ViewOnlyError for one they may only
   * view, rather than a private album of the same name. A name that fits none makes a new album
   * (the same one on every device: see [Note: one album per name across devices]): "ME/NAME"
   * (this account's username) one named NAME, beside a shared album of that name.
   */
  async ensureAlbum (name: string): Promise<CollectionState> {
    const found = this.lookup(name, { albumsOnly: true })
    const mine = `${this.account.user.username}/`
    if (found == null) return await this.createCollection('album', name.startsWith(mine) ? name.slice(mine.length) : name, null)
    if (found.state.kind !== 'album') throw new NotFoundInLibraryError(`${name} is a ${found.state.kind ?? 'collection'}, not an album`)
    if (found.shared != null && found.shared.role !== 'collaborator') {
      throw new ViewOnlyError(`you can only view "${found.state.name ?? name}" (shared by ${found.owner}): you cannot add to it`)
    }
    return found.state
  }

  /** Finds or creates each folder along `path`; AmbiguousNameError where two folders share a place on it. */
  async ensureFolder (path: string): Promise<CollectionState> {
    let parent: CollectionState | undefined
    for (const name of normalisePath(path).split('/')) {
      if (name === '') break
      parent = await this.ensureCollection('folder', name, parent?.id ?? null)
    }
    if (parent == null) throw new NotFoundInLibraryError('a folder path needs at least one name')
    return parent
  }

  /**
   * The user's own album (or folder in `parent`) named `name`, made if there is none (see
   * [Note: one album per name across devices]); AmbiguousNameError when several fit.
   */
  async ensureCollection (kind: 'album' | 'folder', name: string, parent: string | null): Promise<CollectionState> {
    const fits = [...this.collections.values()].filter((c) => c.kind === kind && sameName(c.name, name) && (c.parent ?? null) === parent)
    if (fits.length > 1) {
      throw new AmbiguousNameError(`"${name}" could be ${fits.map((c) => `your ${kind} (id ${c.id})`).join(' or ')}: name one by its id`)
    }
    return fits[0] ?? await this.createCollection(kind, name, parent)
  }

  /**
   * Makes the album or folder `name` in `parent`, or joins the one another device of this
   * account is making or made that way (see [Note: one album per name across devices]): callers
   * look the name up first. InvalidNameError, before anything is written, for a name the format
   * does not allow.
   */
  async createCollection (kind: 'album' | 'folder', name: string, parent: string | null): Promise<CollectionState> {
    const problem = nameProblem(name, kind)
    if (problem != null) throw new InvalidNameError(problem)
    const idKey = collectionIdKey(this.account.keys.masterKey)
    const parentBytes = parent == null ? undefined : idBytes(parent)
    for (let generation = 0; generation < MAX_GENERATIONS; generation++) {
      const id = namedCollectionId(idKey, { kind, parent: parentBytes, name, generation })
      const state = await this.claim(id, kind, name, parent)
      if (state != null) return state
    }
    // Only a name renamed away or deleted MAX_GENERATIONS times ends here: it gets a random id.
    return await this.claim(newId(), kind, name, parent) as CollectionState
  }

  /**
   * Lists `id` in the root collection unless it is there already, then gives it its `meta`
   * record unless it has one. Returns its state when it is the `kind` named `name` in `parent`,
   * undefined when the id is taken by something else.
   */
  private async claim (id: string, kind: 'album' | 'folder', name: string, parent: string | null): Promise<CollectionState | undefined> {
    const { masterKey } = this.account.keys
    if (!this.root.children.has(id) && await this.hasLog(id)) return undefined
    // hasLog may have synced the root and found the id listed by another device meanwhile.
    if (!this.root.children.has(id)) {
      const key = newKey()
      await this.commit(this.root, [{ op: 'collection', id, kind, key: wrapCollectionKey(masterKey, id, key) }], {
        stillValid: (root) => { if (root.children.has(id)) throw new WrittenMeanwhile() }
      }).catch(meanwhile)
      this.adoptRootKeys()
    }
    const state = this.collections.get(id) as CollectionState
    try {
      await syncCollection(this.account.api, state, { keyFor: this.keyFor(state) })
    } catch (err) {
      // Listed, but the device that listed it has not written its first record yet.
      if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) throw err
    }
    if (state.kind == null) {
      await this.commit(state, [{ op: 'meta', name, kind, parent, createdAt: Date.now() }], {
        stillValid: (s) => { if (s.kind != null) throw new WrittenMeanwhile() }
      }).catch(meanwhile)
    }
    return state.kind === kind && sameName(state.name, name) && (state.parent ?? null) === parent ? state : undefined
  }

  /**
   * Whether the node holds a log for `id`, which the root does not list: one of this account's
   * collections that was deleted, or someone else's. A device of this account may have listed it
   * since our last sync (it lists before it writes the log), so the root is synced first.
   */
  private async hasLog (id: string): Promise<boolean> {
    try {
      await this.account.api.log(id, 0, 1)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return false
      if (err instanceof ApiError && err.code === 'FORBIDDEN') return true
      throw err
    }
    await syncCollection(this.account.api, this.root)
    this.adoptRootKeys()
    return !this.root.children.has(id)
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

/** Names compare in Unicode NFC, as named collection ids do (FORMAT.md 5.6). */
function sameName (name: string | undefined, wanted: string): boolean {
  return name != null && name.normalize('NFC') === wanted.normalize('NFC')
}

/** The other device's write stands (see [Note: one album per name across devices]). */
function meanwhile (err: unknown): void {
  if (!(err instanceof WrittenMeanwhile)) throw err
}

function normalisePath (path: string): string {
  return path.split('/').map((p) => p.trim()).filter((p) => p !== '').join('/')
}
