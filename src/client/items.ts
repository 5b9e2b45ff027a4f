/**
 * Rearranging items without re-uploading: add existing items to another album or folder (their
 * file keys re-wrapped under the target's collection key, the same manifest and blocks linked
 * once more), move them (add to the target, then delete from the source), and rename them.
 */
import { wrapFileKey } from '../crypto/wrap.ts'
import { fileKeyOf, type CollectionState, type ItemEntry } from './collection.ts'
import { InvalidNameError, ItemTrashedError } from './errors.ts'
import type { Library } from './library.ts'
import { nameProblem, type AddOp } from '../format/record-ops.ts'

export async function addItemsTo (library: Library, from: CollectionState, items: ItemEntry[], to: CollectionState): Promise<number> {
  const fresh = items.filter((item) => !to.items.has(item.id))
  if (fresh.length === 0) return 0
  const ops: AddOp[] = fresh.map((item) => ({
    op: 'add',
    item: item.id,
    manifest: item.manifest,
    fileKey: wrapFileKey(to.key, item.id, fileKeyOf(from, item)),
    name: item.name,
    size: item.size,
    mime: item.mime,
    kind: item.kind,
    takenAt: item.takenAt,
    ...(item.takenOffsetMinutes != null ? { takenOffsetMinutes: item.takenOffsetMinutes } : {}),
    ...(item.width != null && item.height != null ? { width: item.width, height: item.height } : {}),
    contentTag: item.contentTag,
    addedAt: Date.now()
  }))
  await library.commit(to, ops, { links: fresh.map((item) => item.manifest) })
  return fresh.length
}

/** Adds to `to` first, so the blocks stay referenced while the source lets go of them. */
export async function moveItems (library: Library, from: CollectionState, items: ItemEntry[], to: CollectionState): Promise<void> {
  if (from.id === to.id) return
  await addItemsTo(library, from, items, to)
  await library.commit(from, items.map((item) => ({ op: 'remove' as const, item: item.id })), { unlinks: items.map((i) => i.manifest) })
}

/**
 * Renames an item; InvalidNameError, before anything is written, for a name the format does not
 * allow. ItemTrashedError when another writer trashed or deleted the item first: the rename would
 * otherwise land on an item in the trash and the user be told it worked.
 */
export async function renameItem (library: Library, collection: CollectionState, item: ItemEntry, name: string): Promise<void> {
  const problem = nameProblem(name, 'file')
  if (problem != null) throw new InvalidNameError(problem)
  const stillValid = (state: CollectionState): void => {
    const current = state.items.get(item.id)
    if (current == null) throw new ItemTrashedError(item.name, true)
    if (current.trashedAt != null) throw new ItemTrashedError(item.name)
  }
  await library.commit(collection, [{ op: 'rename', item: item.id, name }], { stillValid })
}
