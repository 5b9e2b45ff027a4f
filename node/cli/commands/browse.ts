/**
 * Read-only commands: `albums` (albums and folders with their item counts) and `ls` (the items
 * of one album or folder, or the whole timeline), as tables or JSON.
 */
import { parseFlags } from '../args.ts'
import { openLibrary } from '../library.ts'
import { takenAtLocalIso } from '../../../src/media/dates.ts'
import { formatBytes } from '../progress.ts'
import type { CollectionState, ItemEntry } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import { note, printJson, say } from '../output.ts'

function live (collection: CollectionState): ItemEntry[] {
  return [...collection.items.values()].filter((i) => i.trashedAt == null)
}

export async function runAlbums (args: string[]): Promise<number> {
  const { values } = parseFlags('albums', args)
  const library = await openLibrary(values.node)
  const own = [...library.albums(), ...library.folders()].map((c) => ({
    id: c.id,
    kind: c.kind,
    name: c.kind === 'folder' ? library.folderPath(c) : c.name,
    items: live(c).length,
    shared: false,
    role: 'owner'
  }))
  // Albums shared with me also say whose they are; mine keep the shape they always had.
  const shared = library.sharedCollections().map(({ state, role, owner, node, unavailable }) => ({
    id: state.id,
    kind: state.kind,
    name: state.name,
    items: live(state).length,
    shared: true,
    role: role as string,
    owner: owner.username,
    // Albums of another node: that node and how it last answered (docs/API.md, "Federation").
    node: node != null ? { peerId: node.peerId, state: node.state, error: node.error, cached: node.cached } : undefined,
    // Shared from another node, but its log was never fetched: listed by the name in the share.
    unavailable: unavailable?.message
  }))
  const rows = [...own, ...shared].sort((a, b) => Number(a.shared) - Number(b.shared) || (a.kind ?? '').localeCompare(b.kind ?? '') || (a.name ?? '').localeCompare(b.name ?? ''))
  if (values.json === true) {
    printJson(rows)
  } else if (rows.length === 0) {
    say('No albums or folders yet: `obscura upload PATH --album NAME` makes one.')
  } else {
    for (const row of rows) {
      const members = row.shared ? 0 : library.collections.get(row.id)?.members.size ?? 0
      const node = row.shared ? library.shared.get(row.id)?.node : undefined
      const from = node != null ? ` on node ${node.peerId.slice(0, 12)}…${node.cached != null ? `, ${formatBytes(node.cached.bytes)} cached on yours` : ''}` : ''
      const sharing = 'owner' in row ? `  (shared by ${row.owner}${from}, you are ${row.role})` : members > 0 ? `  (shared with ${members})` : ''
      const unavailable = row.shared ? library.shared.get(row.id)?.unavailable : undefined
      const state = unavailable != null
        ? `  [not fetched yet: ${unavailable.message}]`
        : node?.state === 'unreachable' ? "  [owner's node unreachable: showing this node's cached copy]" : ''
      say(`${(row.kind ?? '').padEnd(6)}  ${String(row.items).padStart(6)} items  ${row.name ?? ''}${sharing}${state}`)
    }
  }
  for (const [id, err] of library.sharedErrors) note(`a share the node lists (${id}) was not opened: ${err.message}`)
  // Records every reader leaves out (a collaborator's forgery, malformed ops of an older client):
  // the rest of the collection is shown, so say what is missing from it.
  for (const state of library.syncedCollections()) {
    const [first] = state.rejected
    if (first == null) continue
    const what = state.id === library.root.id ? 'your library' : `${state.kind ?? 'collection'} ${state.name != null ? `"${state.name}"` : state.id}`
    note(`${state.rejected.length} record${state.rejected.length === 1 ? '' : 's'} of ${what} left out (${first.reason})`)
  }
  return 0
}

function itemRow (library: Library, item: ItemEntry) {
  return {
    id: item.id,
    name: item.name,
    size: item.size,
    mime: item.mime,
    kind: item.kind,
    takenAt: new Date(item.takenAt).toISOString(),
    // The time on the camera's clock, with its offset when the file said it (FORMAT.md 9.1).
    takenAtLocal: takenAtLocalIso(item.takenAt, item.takenOffsetMinutes),
    favorite: item.favorite === true,
    archived: item.archived === true,
    ...(item.trashedAt != null ? { trashedAt: new Date(item.trashedAt).toISOString() } : {})
  }
}

export async function runLs (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('ls', args)
  const library = await openLibrary(values.node)
  const items = positionals.length === 0
    ? library.timeline().map((r) => r.item)
    : positionals.flatMap((name) => live(library.resolve(name)).sort((a, b) => b.takenAt - a.takenAt))
  const rows = items.map((item) => itemRow(library, item))
  if (values.json === true) {
    printJson(rows)
  } else {
    for (const row of rows) say(`${row.takenAtLocal.replace('T', ' ').padEnd(25)}  ${formatBytes(row.size).padStart(9)}  ${row.name}`)
    if (rows.length === 0) say('No items.')
  }
  return 0
}
