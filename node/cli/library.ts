/**
 * Opening the logged-in user's library for a command: load the saved session, sync with the
 * node, and offer the small lookups commands share (by album name or folder path, by item name).
 *
 * Each command starts from an empty state, so on its own it could not tell a rolled-back node
 * from an honest one. The heads this device has seen (seq and commit per collection) are kept in
 * $OBSCURA_HOME/heads.json, checked after every sync and updated after every commit.
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Library } from '../../src/client/library.ts'
import { NotFoundInLibraryError } from '../../src/client/errors.ts'
import { ForkError, RollbackError } from '../../src/format/errors.ts'
import { loadAccount, obscuraHome } from './context.ts'
import { UsageError } from './errors.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { Account } from '../../src/client/session.ts'

interface SeenHeads { v: 1, node: string, user: string, heads: Record<string, { seq: number, root: string | null }> }

const headsFile = (): string => join(obscuraHome(), 'heads.json')

async function readSeen (account: Account): Promise<SeenHeads['heads']> {
  try {
    const saved = JSON.parse(await readFile(headsFile(), 'utf8')) as SeenHeads
    return saved.v === 1 && saved.node === account.api.url && saved.user === account.user.id ? saved.heads : {}
  } catch {
    return {}
  }
}

/** A Library that remembers, on disk, the newest head it has seen of each collection. */
class RememberingLibrary extends Library {
  private seen: SeenHeads['heads'] = {}

  /** Syncs, then refuses any collection whose head is older than (or forks from) one seen before. */
  async open (signal?: AbortSignal): Promise<void> {
    this.seen = await readSeen(this.account)
    await this.sync(signal)
    for (const state of this.syncedCollections()) {
      const seen = this.seen[state.id]
      if (seen == null) continue
      if (state.seq < seen.seq) throw new RollbackError(`the node rolled back collection ${state.id} from seq ${seen.seq} to ${state.seq}`)
      if (state.seq === seen.seq && (state.root?.toString() ?? null) !== seen.root) throw new ForkError(`the node forked collection ${state.id} at seq ${seen.seq}`)
    }
    await this.remember()
  }

  override async commit (...args: Parameters<Library['commit']>): Promise<void> {
    await super.commit(...args)
    await this.remember()
  }

  private async remember (): Promise<void> {
    for (const state of this.syncedCollections()) {
      if (state.seq > (this.seen[state.id]?.seq ?? 0)) this.seen[state.id] = { seq: state.seq, root: state.root?.toString() ?? null }
    }
    const saved: SeenHeads = { v: 1, node: this.account.api.url, user: this.account.user.id, heads: this.seen }
    const temporary = `${headsFile()}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify(saved), { mode: 0o600 })
    await rename(temporary, headsFile())
  }
}

export async function openLibrary (nodeFlag?: string, signal?: AbortSignal): Promise<Library> {
  const library = new RememberingLibrary(await loadAccount(nodeFlag))
  await library.open(signal)
  return library
}

/**
 * Items of `collection` matching a name or an item id; trashed ones only when asked. A name that
 * several items share is refused with their ids, unless `all` says to take every one of them: a
 * command must not act on items the user did not know they were naming.
 */
export function findItems (collection: CollectionState, names: string[], options: { trashed: boolean, all?: boolean }): ItemEntry[] {
  const found: ItemEntry[] = []
  const where = collection.name ?? collection.id
  for (const name of names) {
    const matches = [...collection.items.values()].filter((i) => (i.name === name || i.id === name) && (i.trashedAt != null) === options.trashed)
    if (matches.length === 0) throw new NotFoundInLibraryError(`no ${options.trashed ? 'trashed ' : ''}item "${name}" in "${where}"`)
    if (matches.length > 1 && options.all !== true) {
      const how = options.all == null ? 'name one by its id' : 'name one by its id, or pass --all for every one'
      throw new UsageError(`${matches.length} items are named "${name}" in "${where}" (ids ${matches.map((i) => i.id).join(', ')}): ${how}`)
    }
    found.push(...matches)
  }
  return found
}
