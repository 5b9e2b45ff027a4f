/**
 * What one can do with selected items, as the selection bars and the viewer offer it, and
 * leaving an album shared with you. Each action asks what it needs (an album, a confirmation),
 * calls the worker, and says how it went; the toast of a reversible one (favorite, archive,
 * trash, add to or remove from an album, move) offers Undo, which runs the inverse action.
 */
import { store } from './store.ts'
import { describe } from '../display/messages.ts'
import { toast } from './toast.ts'
import { downloadItems } from '../worker-client/media.ts'
import { pickCollection } from '../components/collection-picker.ts'
import { pickPhotos } from '../components/photo-picker.ts'
import { confirmAction } from '../components/text-dialog.ts'
import { plural } from '../display/text.ts'
import type { SharedView } from '../worker/protocol.ts'

export type ActionName = 'album' | 'favorite' | 'download' | 'archive' | 'unarchive' | 'trash' | 'remove' | 'move' | 'restore' | 'delete' | 'save'

/**
 * Runs `work`, then says `done` in a toast; with `undo`, the toast offers Undo, which runs it and
 * says how that went. False (and an error toast) when `work` failed.
 */
async function attempt (work: () => Promise<unknown>, done: string, undo?: () => Promise<unknown>): Promise<boolean> {
  try {
    await work()
  } catch (err) {
    toast(describe(err), 'error')
    return false
  }
  toast(done, 'info', undo != null
    ? {
        label: 'Undo',
        run: () => { undo().then(() => { toast('Undone') }, (err: unknown) => { toast(describe(err), 'error') }) }
      }
    : undefined)
  return true
}

/** What a zip of a selection is called: its album's or folder's name, else the day it is saved. */
function zipTitle (collection?: string): string {
  const name = collection != null ? store.collections.get(collection)?.name ?? store.shared.get(collection)?.name : undefined
  return name ?? `Photos ${new Date().toISOString().slice(0, 10)}`
}

/** Saves every item of an album or folder as one zip named after it. */
export async function downloadCollection (id: string): Promise<void> {
  const ids = store.itemsOf(id).map((i) => i.id)
  if (ids.length === 0) return
  await attempt(async () => { await downloadItems(ids, zipTitle(id), { zip: true }) }, `Saving ${plural(ids.length, 'item')} as one zip`)
}

/** Runs an action on `ids`; `collection` is the album or folder the page shows, if any. True when it happened. */
export async function runAction (name: ActionName, ids: string[], collection?: string): Promise<boolean> {
  const w = store.worker
  const n = ids.length
  switch (name) {
    case 'album': {
      const album = await pickCollection({ kind: 'album', heading: `Add ${plural(n, 'item')} to an album`, exclude: collection })
      if (album == null) return false
      // Undo takes out only what this added, not what the album held already.
      const before = new Set(store.collections.get(album)?.itemIds ?? [])
      const added = ids.filter((id) => !before.has(id))
      return await attempt(async () => await w.call('addToAlbum', [ids, album]), `Added to ${store.collections.get(album)?.name ?? 'the album'}`,
        async () => { await w.call('removeFromCollection', [added, album]) })
    }
    case 'favorite': {
      const value = !ids.every((id) => store.items.get(id)?.favorite === true)
      const changed = ids.filter((id) => (store.items.get(id)?.favorite === true) !== value)
      return await attempt(async () => { await w.call('setFlag', [ids, 'favorite', value]) }, value ? 'Added to favorites' : 'Removed from favorites',
        async () => { await w.call('setFlag', [changed, 'favorite', !value]) })
    }
    case 'download': return await attempt(async () => { await downloadItems(ids, zipTitle(collection)) }, n === 1 ? 'Downloading the original' : `Saving ${plural(n, 'item')} as one zip`)
    case 'archive': return await attempt(async () => { await w.call('setFlag', [ids, 'archived', true]) }, `${plural(n, 'item')} archived`,
      async () => { await w.call('setFlag', [ids, 'archived', false]) })
    case 'unarchive': return await attempt(async () => { await w.call('setFlag', [ids, 'archived', false]) }, `${plural(n, 'item')} back in Photos`,
      async () => { await w.call('setFlag', [ids, 'archived', true]) })
    case 'trash': return await attempt(async () => { await w.call('trashItems', [ids]) }, `${plural(n, 'item')} moved to the trash`,
      async () => { await w.call('restoreItems', [ids]) })
    case 'remove': {
      if (collection == null) return false
      // An item that lived only here went to the trash (restore brings it back); the others left the album.
      return await attempt(async () => { await w.call('removeFromCollection', [ids, collection]) }, `${plural(n, 'item')} removed`,
        async () => { await w.call('restoreItems', [ids]); await w.call('addToAlbum', [ids, collection]) })
    }
    case 'move': {
      if (collection == null) return false
      const folder = await pickCollection({ kind: 'folder', heading: `Move ${plural(n, 'item')} to a folder`, exclude: collection })
      if (folder == null) return false
      return await attempt(async () => { await w.call('moveToFolder', [ids, collection, folder]) }, `Moved to ${store.collections.get(folder)?.name ?? 'the folder'}`,
        async () => { await w.call('moveToFolder', [ids, folder, collection]) })
    }
    case 'restore': return await attempt(async () => { await w.call('restoreItems', [ids]) }, `${plural(n, 'item')} restored`)
    case 'save': {
      let copying = 0
      const done = await attempt(async () => { copying = (await w.call('saveToLibrary', [ids])).copying }, `${plural(n, 'item')} saved to your library`)
      if (done && copying > 0) toast(`Copying ${plural(copying, 'file')} into your library: see the upload panel`)
      return done
    }
    case 'delete': {
      if (!await confirmAction({ heading: `Delete ${plural(n, 'item')} forever?`, text: 'They are removed from the node for good and the space is freed. This cannot be undone.', confirm: 'Delete forever', danger: true })) return false
      return await attempt(async () => { await w.call('deleteForever', [ids]) }, `${plural(n, 'item')} deleted`)
    }
  }
}

/** Lets the user choose photos of the library and adds them to `albumId`. True when some were added. */
export async function addPhotos (albumId: string): Promise<boolean> {
  const album = store.collections.get(albumId)
  const ids = await pickPhotos({ heading: `Add photos to ${album?.name ?? 'the album'}`, exclude: new Set(album?.itemIds ?? []) })
  if (ids.length === 0) return false
  return await attempt(async () => await store.worker.call('addToAlbum', [ids, albumId]), `Added ${plural(ids.length, 'item')} to ${album?.name ?? 'the album'}`,
    async () => { await store.worker.call('removeFromCollection', [ids, albumId]) })
}

/** Leaves an album someone shares with this account, once confirmed. True when it happened. */
export async function leaveShared (s: SharedView): Promise<boolean> {
  if (!await confirmAction({ heading: `Leave “${s.name}”?`, text: `You will no longer see it, until ${s.owner} shares it with you again.`, confirm: 'Leave', danger: true })) return false
  return await attempt(async () => { await store.worker.call('leave', [s.id]) }, `You left “${s.name}”`)
}

export const ACTION_LABELS: Record<ActionName, { label: string, icon: string }> = {
  album: { label: 'Add to album', icon: 'album' },
  favorite: { label: 'Favorite', icon: 'heart' },
  download: { label: 'Download', icon: 'download' },
  archive: { label: 'Archive', icon: 'archive' },
  unarchive: { label: 'Unarchive', icon: 'archive' },
  trash: { label: 'Delete', icon: 'trash' },
  remove: { label: 'Remove from album', icon: 'close' },
  move: { label: 'Move', icon: 'move' },
  restore: { label: 'Restore', icon: 'restore' },
  delete: { label: 'Delete forever', icon: 'trash' },
  save: { label: 'Save to library', icon: 'photos' }
}
