/**
 * Turns the worker's Library into the plain views the page displays: each item once, with its
 * flags merged across the collections that hold it, and each album or folder as a list of item
 * ids. Also keeps the indexes from item id to its entries, which every item operation starts
 * from: one over the user's own library (what the timeline, the trash and every change act on)
 * and one over the albums others share with them (only read: shown in those albums, never in
 * the timeline, favorites, archive, trash or map, because they are someone else's library).
 *
 * [Note: whose photos are in whose timeline] As in Google Photos and Immich, a photo belongs to the
 * library of whoever added it. What a collaborator adds to an album someone shares with them also
 * goes into the collaborator's own library (src/client/upload.ts, withOwnLibrary), so it is in
 * their timeline and stays theirs when they leave. The album's owner sees it in the album,
 * marked with who added it (`addedBy`), and not in her timeline, favorites or map, unless she
 * saves it to her library (adds it to a collection of hers: that copy is hers).
 */
import type { CollectionState, ItemEntry } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import type { SharedCollection } from '../../../src/client/sharing.ts'
import type { CollectionView, ItemView, LibraryView, SharedView } from './protocol.ts'

export interface Entry { collection: CollectionState, item: ItemEntry }

/** Every entry of each item in `collections`, trashed or not. */
export function entriesByItem (collections: Iterable<CollectionState>): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>()
  for (const collection of collections) {
    for (const item of collection.items.values()) {
      const list = index.get(item.id)
      if (list == null) index.set(item.id, [{ collection, item }])
      else list.push({ collection, item })
    }
  }
  return index
}

/** Albums and folders others share with the user. */
export function sharedCollections (library: Library): CollectionState[] {
  return library.sharedCollections().map((s) => s.state).filter((state) => state.kind === 'album' || state.kind === 'folder')
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** The name of who added `entry`'s item, as the collection's own records (and the share) tell it. */
function authorName (entry: Entry, owners: Map<string, string>): string {
  const author = hex(entry.item.author)
  if (author === hex(entry.collection.ownerKey)) return owners.get(entry.collection.id) ?? 'the owner'
  const label = entry.collection.members.get(author)?.label
  if (label == null) return 'a former member'
  return label.startsWith('link:') ? 'a public link' : label
}

/**
 * Who added the item, or undefined when the user did (any copy of it the user added, in any of
 * their collections, makes it theirs).
 */
function addedBy (entries: Entry[], me: string, owners: Map<string, string>): string | undefined {
  if (entries.some((e) => hex(e.item.author) === me)) return undefined
  const first = entries.find((e) => e.item.trashedAt == null) ?? entries[0]
  return first == null ? undefined : authorName(first, owners)
}

function itemView (id: string, entries: Entry[], me: string, owners: Map<string, string>): ItemView {
  const live = entries.filter((e) => e.item.trashedAt == null)
  const first = (live[0] ?? entries[0] as Entry).item
  const view: ItemView = {
    id,
    name: first.name,
    mime: first.mime,
    kind: first.kind,
    size: first.size,
    takenAt: first.takenAt,
    addedAt: first.addedAt,
    favorite: live.some((e) => e.item.favorite === true),
    archived: live.some((e) => e.item.archived === true)
  }
  if (first.takenOffsetMinutes != null) view.takenOffsetMinutes = first.takenOffsetMinutes
  if (first.width != null && first.height != null) {
    view.width = first.width
    view.height = first.height
  }
  if (live.length === 0) view.trashedAt = Math.max(...entries.map((e) => e.item.trashedAt ?? 0))
  const by = addedBy(entries, me, owners)
  if (by != null) view.addedBy = by
  return view
}

/** Ids of the collection's non-trashed items, newest capture first. */
function liveIds (state: CollectionState): string[] {
  return [...state.items.values()].filter((i) => i.trashedAt == null).sort((a, b) => b.takenAt - a.takenAt).map((i) => i.id)
}

function sharedViews (library: Library): SharedView[] {
  return library.sharedCollections()
    .filter((s) => s.state.kind === 'album' || s.state.kind === 'folder')
    .map((s) => ({
      id: s.state.id, kind: s.state.kind as 'album' | 'folder', name: s.state.name ?? 'Untitled', owner: s.owner.username, role: s.role, itemIds: liveIds(s.state)
    }))
}

export function libraryView (library: Library, own: Map<string, Entry[]>, shared: Map<string, Entry[]>): LibraryView {
  // Sorted here, in the worker, so that the page only filters.
  const byTaken = (a: ItemView, b: ItemView): number => b.takenAt - a.takenAt
  const me = hex(library.account.keys.signing.publicKey)
  // Owners' names: the user for their own collections, the sharer for albums shared with them.
  const owners = new Map<string, string>([...library.collections.keys(), library.root.id].map((id) => [id, library.account.user.username]))
  for (const s of library.sharedCollections() as SharedCollection[]) owners.set(s.state.id, s.owner.username)
  const items = [...own].map(([id, entries]) => itemView(id, entries, me, owners)).sort(byTaken)
  // An item of the user's that they also added to a shared album is theirs: it stays in `items` only.
  // Favorite and archived are the owner's marks in their own collection, not the recipient's.
  const sharedItems = [...shared].filter(([id]) => !own.has(id))
    .map(([id, entries]) => ({ ...itemView(id, entries, me, owners), favorite: false, archived: false })).sort(byTaken)
  const takenAt = new Map(items.map((i) => [i.id, i.takenAt]))
  const collections: CollectionView[] = []
  for (const c of library.collections.values()) {
    if (c.kind !== 'album' && c.kind !== 'folder') continue
    const itemIds = [...c.items.values()].filter((i) => i.trashedAt == null).map((i) => i.id)
    itemIds.sort((a, b) => (takenAt.get(b) ?? 0) - (takenAt.get(a) ?? 0))
    collections.push({ id: c.id, kind: c.kind, name: c.name ?? 'Untitled', parent: c.parent ?? null, itemIds })
  }
  const { user } = library.account
  return {
    user: { username: user.username, admin: user.admin, quotaBytes: user.quotaBytes, usedBytes: user.usedBytes },
    root: library.root.id,
    collections,
    shared: sharedViews(library),
    items,
    sharedItems
  }
}
