/**
 * The upload journal's storage in IndexedDB (see src/client/journal.ts): entries are keyed by
 * content tag and their file keys are already boxed under the master key, so they are stored as
 * they come. This is what lets an upload resume after a page reload without re-sending blocks.
 */
import type { JournalStorage } from '../../../src/client/journal.ts'
import type { LocalDb } from './idb.ts'

export function indexedDbJournalStorage (db: LocalDb): JournalStorage {
  return {
    read: async (key) => await db.get<unknown>('journal', key),
    // Blocks are sent once this resolves: the entry must be on disk by then ([Note: journal
    // before send] in src/client/journal.ts).
    write: async (key, entry) => { await db.putDurably('journal', key, entry) },
    remove: async (key) => { await db.delete('journal', key) }
  }
}
