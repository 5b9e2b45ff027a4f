/**
 * Turns the worker's Library into the plain views the page displays: each item once, with its
 * flags merged across the collections that hold it, and each album or folder as a list of item
 * ids. Also keeps the index from item id to its entries, which every item operation starts from.
 */
import type { CollectionState, ItemEntry } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import type { CollectionView, ItemView, LibraryView } from './protocol.ts'

export interface Entry { collection: CollectionState, item: ItemEntry }

/** Every entry of each item, trashed or not, across the root and all collections. */
export function entriesByItem (library: Library): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>()
  for (const collection of library.allCollections()) {
    for (const item of collection.items.values()) {
      const list = index.get(item.id)
      if (list == null) index.set(item.id, [{ collection, item }])
      else list.push({ collection, item })
    }
  }
  return index
}

function itemView (id: string, entries: Entry[]): ItemView {
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
  if (live.length === 0) view.trashedAt = Math.max(...entries.map((e) => e.item.trashedAt ?? 0))
  return view
}

export function libraryView (library: Library, index: Map<string, Entry[]>): LibraryView {
  // Sorted here, in the worker, so that the page only filters.
  const items = [...index].map(([id, entries]) => itemView(id, entries)).sort((a, b) => b.takenAt - a.takenAt)
  const takenAt = new Map(items.map((i) => [i.id, i.takenAt]))
  const collections: CollectionView[] = []
  for (const c of library.collections.values()) {
    if (c.kind !== 'album' && c.kind !== 'folder') continue
    const itemIds = [...c.items.values()].filter((i) => i.trashedAt == null).map((i) => i.id)
    itemIds.sort((a, b) => (takenAt.get(b) ?? 0) - (takenAt.get(a) ?? 0))
    collections.push({ id: c.id, kind: c.kind, name: c.name ?? 'Untitled', parent: c.parent ?? null, itemIds })
  }
  const shared = library.sharedCollections()
    .filter((s) => s.state.kind === 'album' || s.state.kind === 'folder')
    .map((s) => ({
      id: s.state.id, kind: s.state.kind as 'album' | 'folder', name: s.state.name ?? 'Untitled', owner: s.owner.username, role: s.role,
      itemCount: [...s.state.items.values()].filter((i) => i.trashedAt == null).length
    }))
  const { user } = library.account
  return {
    user: { username: user.username, admin: user.admin, quotaBytes: user.quotaBytes, usedBytes: user.usedBytes },
    root: library.root.id,
    collections,
    shared,
    items
  }
}
