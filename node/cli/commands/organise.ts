/**
 * `add` (put items of one album or folder into another as well), `mv` (move them) and `rename`.
 * Nothing is uploaded again: the same encrypted blocks are linked from the new place.
 */
import { addItemsTo, moveItems, renameItem } from '../../../src/client/items.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { findItems, openLibrary } from '../library.ts'
import { inform } from '../output.ts'

async function target (library: Awaited<ReturnType<typeof openLibrary>>, values: { to?: string, 'to-folder'?: string }) {
  if (values.to != null) return library.ensureAlbum(values.to)
  if (values['to-folder'] != null) return library.ensureFolder(values['to-folder'])
  throw new UsageError('say where: --to ALBUM or --to-folder PATH')
}

export async function runAdd (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('add', args)
  if (positionals.length < 2) throw new UsageError('add takes an ALBUM or FOLDER and one or more item names')
  const library = await openLibrary(values.node)
  const [where, ...names] = positionals as [string, ...string[]]
  const from = library.resolve(where)
  const items = findItems(from, names, { trashed: false, all: values.all === true })
  const to = await target(library, values)
  const added = await addItemsTo(library, from, items, to)
  inform(`Added ${added} item${added === 1 ? '' : 's'} to "${to.name ?? to.id}" (no bytes uploaded again).`)
  return 0
}

export async function runMv (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('mv', args)
  if (positionals.length < 2) throw new UsageError('mv takes an ALBUM or FOLDER and one or more item names')
  const library = await openLibrary(values.node)
  const [where, ...names] = positionals as [string, ...string[]]
  const from = library.resolve(where)
  const items = findItems(from, names, { trashed: false, all: values.all === true })
  const to = await target(library, values)
  await moveItems(library, from, items, to)
  inform(`Moved ${items.length} item${items.length === 1 ? '' : 's'} to "${to.name ?? to.id}".`)
  return 0
}

export async function runRename (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('rename', args)
  if (positionals.length !== 3) throw new UsageError('rename takes an ALBUM or FOLDER, an item name and the new name')
  const library = await openLibrary(values.node)
  const [where, name, newName] = positionals as [string, string, string]
  const collection = library.resolve(where)
  const [item] = findItems(collection, [name], { trashed: false })
  if (item == null) throw new UsageError(`no item "${name}"`)
  await renameItem(library, collection, item, newName)
  inform(`Renamed "${name}" to "${newName}".`)
  return 0
}
