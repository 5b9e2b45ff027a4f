/**
 * Trash: removing an item moves it to the trash of its collection, where it stays restorable for
 * 30 days; deleting it for good (by hand, or once the 30 days are over) removes it from the log's
 * state and unlinks its manifest, so the node can free its blocks and give the quota back once no
 * other collection holds it.
 */
import type { ItemEntry, CollectionState } from './collection.ts'
import type { Library } from './library.ts'

export const TRASH_RETENTION_MS = 30 * 24 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000

/** Whole days, rounded up, until an item trashed at `trashedAt` is deleted for good (0 when due). */
export function trashDaysLeft (trashedAt: number, now = Date.now()): number {
  return Math.max(0, Math.ceil((trashedAt + TRASH_RETENTION_MS - now) / DAY_MS))
}

export async function trashItems (library: Library, collection: CollectionState, items: ItemEntry[], now = Date.now()): Promise<void> {
  if (items.length === 0) return
  await library.commit(collection, items.map((item) => ({ op: 'trash' as const, item: item.id, at: now })))
}

export async function restoreItems (library: Library, collection: CollectionState, items: ItemEntry[]): Promise<void> {
  if (items.length === 0) return
  await library.commit(collection, items.map((item) => ({ op: 'restore' as const, item: item.id })))
}

export async function deleteForGood (library: Library, collection: CollectionState, items: ItemEntry[]): Promise<void> {
  if (items.length === 0) return
  await library.commit(collection, items.map((item) => ({ op: 'remove' as const, item: item.id })), {
    unlinks: items.map((item) => item.manifest)
  })
}

/** Every trashed item of the library, with its collection. */
export function trashed (library: Library): Array<{ collection: CollectionState, item: ItemEntry }> {
  return library.allCollections().flatMap((collection) =>
    [...collection.items.values()].filter((item) => item.trashedAt != null).map((item) => ({ collection, item })))
}

/** Deletes for good what has been in the trash longer than the retention period. */
export async function purgeExpiredTrash (library: Library, now = Date.now()): Promise<number> {
  let count = 0
  for (const collection of library.allCollections()) {
    const expired = [...collection.items.values()].filter((i) => i.trashedAt != null && now - i.trashedAt > TRASH_RETENTION_MS)
    await deleteForGood(library, collection, expired)
    count += expired.length
  }
  return count
}
