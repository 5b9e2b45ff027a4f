/**
 * `rm` (to the trash, or for good with --permanent), `trash` (list, or --empty) and `restore`.
 * Trash older than 30 days is deleted for good whenever one of these runs.
 */
import { deleteForGood, purgeExpiredTrash, restoreItems, trashed, trashItems } from '../../../src/client/trash.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { findItems, openLibrary } from '../library.ts'
import { formatBytes } from '../progress.ts'
import { inform, printJson, say } from '../output.ts'

export async function runRm (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('rm', args)
  if (positionals.length < 2) throw new UsageError('rm takes an ALBUM or FOLDER and one or more item names')
  const library = await openLibrary(values.node)
  const [where, ...names] = positionals as [string, ...string[]]
  const collection = library.resolve(where)
  const items = findItems(collection, names, { trashed: false, all: values.all === true })
  if (values.permanent === true) {
    await deleteForGood(library, collection, items)
    inform(`Deleted ${items.length} item${items.length === 1 ? '' : 's'} for good.`)
  } else {
    await trashItems(library, collection, items)
    inform(`Moved ${items.length} item${items.length === 1 ? '' : 's'} to the trash (kept 30 days; \`obscura restore\` brings them back).`)
  }
  await purgeExpiredTrash(library)
  return 0
}

export async function runTrash (args: string[]): Promise<number> {
  const { values } = parseFlags('trash', args)
  const library = await openLibrary(values.node)
  await purgeExpiredTrash(library)
  const entries = trashed(library)
  if (values.empty === true) {
    for (const collection of new Set(entries.map((e) => e.collection))) {
      await deleteForGood(library, collection, entries.filter((e) => e.collection === collection).map((e) => e.item))
    }
    inform(`Deleted ${entries.length} item${entries.length === 1 ? '' : 's'} for good.`)
    return 0
  }
  const rows = entries.map(({ collection, item }) => ({
    collection: collection.kind === 'folder' ? library.folderPath(collection) : collection.name,
    id: item.id,
    name: item.name,
    size: item.size,
    trashedAt: new Date(item.trashedAt ?? 0).toISOString()
  }))
  if (values.json === true) printJson(rows)
  else if (rows.length === 0) say('The trash is empty.')
  else for (const row of rows) say(`${row.trashedAt.slice(0, 10)}  ${formatBytes(row.size).padStart(9)}  ${row.collection ?? ''}/${row.name}`)
  return 0
}

export async function runRestore (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('restore', args)
  if (positionals.length < 2) throw new UsageError('restore takes an ALBUM or FOLDER and one or more item names')
  const library = await openLibrary(values.node)
  const [where, ...names] = positionals as [string, ...string[]]
  const collection = library.resolve(where)
  const items = findItems(collection, names, { trashed: true, all: values.all === true })
  await restoreItems(library, collection, items)
  inform(`Restored ${items.length} item${items.length === 1 ? '' : 's'}.`)
  return 0
}
