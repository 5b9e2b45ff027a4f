/**
 * Albums, folders and item flags, on top of the client library's operations. The page names
 * items by id; an item may have entries in several collections (the root or a folder where it
 * lives, albums that show it), and each operation decides which entries it touches:
 * favorite/archive and trash touch all of them, "remove from album" only that album's.
 */
import { addItemsTo, moveItems, renameItem } from '../../../src/client/items.ts'
import { deleteForGood, restoreItems, trashItems } from '../../../src/client/trash.ts'
import type { CollectionState, ItemEntry } from '../../../src/client/collection.ts'
import type { WorkerSession } from './session.ts'
import type { Entry } from './views.ts'

/** Groups entries by collection, so that each collection gets one commit. */
function byCollection (entries: Entry[]): Map<CollectionState, ItemEntry[]> {
  const groups = new Map<CollectionState, ItemEntry[]>()
  for (const { collection, item } of entries) groups.set(collection, [...(groups.get(collection) ?? []), item])
  return groups
}

export class Organiser {
  private readonly session: WorkerSession

  constructor (session: WorkerSession) {
    this.session = session
  }

  private live (itemIds: string[]): Entry[] {
    return itemIds.flatMap((id) => this.session.entries(id).filter((e) => e.item.trashedAt == null))
  }

  /** The album (or folder in `parent`) of that name: the existing one, or the one every device makes for it. */
  async createCollection (kind: 'album' | 'folder', name: string, parent: string | null): Promise<string> {
    const created = await this.session.library.ensureCollection(kind, name.trim(), parent)
    this.session.publish()
    return created.id
  }

  async renameCollection (id: string, name: string): Promise<void> {
    const state = this.session.collection(id)
    if (state.kind !== 'album' && state.kind !== 'folder') return
    await this.session.library.renameCollection(state, name.trim())
    this.session.publish()
  }

  /**
   * Deleting an album keeps its photos: those that live only in it move to the library first.
   * Deleting a folder moves its photos to the trash (restorable from there). Either way the
   * collection's own references are released before it leaves the root's list.
   */
  async deleteCollection (id: string): Promise<void> {
    const { library } = this.session
    const state = this.session.collection(id)
    if ([...library.collections.values()].some((c) => c.parent === id)) throw new Error('delete or move the folders inside it first')
    const items = [...state.items.values()]
    const onlyHere = items.filter((item) => !this.session.entries(item.id).some((e) => e.collection !== state && e.item.trashedAt == null))
    if (onlyHere.length > 0) {
      await addItemsTo(library, state, onlyHere, library.root)
      const toTrash = onlyHere.filter((item) => state.kind === 'folder' || item.trashedAt != null)
        .map((item) => library.root.items.get(item.id)).filter((e): e is ItemEntry => e != null && e.trashedAt == null)
      await trashItems(library, library.root, toTrash)
    }
    await deleteForGood(library, state, items)
    await library.commit(library.root, [{ op: 'uncollection', id }])
    library.collections.delete(id)
    this.session.publish()
  }

  async addToAlbum (itemIds: string[], albumId: string): Promise<number> {
    const album = this.session.collection(albumId)
    let added = 0
    for (const [from, items] of byCollection(this.live(itemIds).filter((e, i, all) => all.findIndex((o) => o.item.id === e.item.id) === i))) {
      added += await addItemsTo(this.session.library, from, items, album)
    }
    this.session.publish()
    return added
  }

  /** Takes items out of one album or folder; an item that lives nowhere else goes to the trash instead. */
  async removeFromCollection (itemIds: string[], collectionId: string): Promise<void> {
    const state = this.session.collection(collectionId)
    const here = this.live(itemIds).filter((e) => e.collection === state).map((e) => e.item)
    const elsewhere = (item: ItemEntry): boolean => this.session.entries(item.id).some((e) => e.collection !== state && e.item.trashedAt == null)
    await deleteForGood(this.session.library, state, here.filter(elsewhere))
    await trashItems(this.session.library, state, here.filter((item) => !elsewhere(item)))
    this.session.publish()
  }

  async moveToFolder (itemIds: string[], fromId: string, toId: string): Promise<void> {
    const from = this.session.collection(fromId)
    const items = this.live(itemIds).filter((e) => e.collection === from).map((e) => e.item)
    await moveItems(this.session.library, from, items, this.session.collection(toId))
    this.session.publish()
  }

  async renameItem (itemId: string, name: string): Promise<void> {
    for (const { collection, item } of this.live([itemId])) await renameItem(this.session.library, collection, item, name.trim())
    this.session.publish()
  }

  async setFlag (itemIds: string[], flag: 'favorite' | 'archived', value: boolean): Promise<void> {
    for (const [collection, items] of byCollection(this.live(itemIds))) {
      await this.session.library.commit(collection, items.map((item) => ({ op: 'flag' as const, item: item.id, flag, value })))
    }
    this.session.publish()
  }

  async trash (itemIds: string[]): Promise<void> {
    for (const [collection, items] of byCollection(this.live(itemIds))) await trashItems(this.session.library, collection, items)
    this.session.publish()
  }

  async restore (itemIds: string[]): Promise<void> {
    const trashed = itemIds.flatMap((id) => this.session.entries(id).filter((e) => e.item.trashedAt != null))
    for (const [collection, items] of byCollection(trashed)) await restoreItems(this.session.library, collection, items)
    this.session.publish()
  }

  async deleteForever (itemIds: string[]): Promise<void> {
    const all = itemIds.flatMap((id) => this.session.entries(id))
    for (const [collection, items] of byCollection(all)) await deleteForGood(this.session.library, collection, items)
    this.session.publish()
  }
}
