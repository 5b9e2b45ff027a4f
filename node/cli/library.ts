/**
 * Opening the logged-in user's library for a command: load the saved session, sync with the
 * node, and offer the small lookups commands share (by album name or folder path, by item name).
 */
import { Library } from '../../src/client/library.ts'
import { NotFoundInLibraryError } from '../../src/client/errors.ts'
import { loadAccount } from './context.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'

export async function openLibrary (nodeFlag?: string, signal?: AbortSignal): Promise<Library> {
  const library = new Library(await loadAccount(nodeFlag))
  await library.sync(signal)
  return library
}

/** Items of `collection` matching a name or an item id; trashed ones only when asked. */
export function findItems (collection: CollectionState, names: string[], options: { trashed: boolean }): ItemEntry[] {
  const found: ItemEntry[] = []
  for (const name of names) {
    const matches = [...collection.items.values()].filter((i) => (i.name === name || i.id === name) && (i.trashedAt != null) === options.trashed)
    if (matches.length === 0) throw new NotFoundInLibraryError(`no ${options.trashed ? 'trashed ' : ''}item "${name}" in "${collection.name ?? collection.id}"`)
    found.push(...matches)
  }
  return found
}
