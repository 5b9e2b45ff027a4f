/**
 * The upload journal: what an interrupted upload needs to resume without re-sending blocks — the
 * item id, the file key and stream salt (so re-encryption yields the same blocks) and the CIDs
 * the node already confirmed. Entries are keyed by content tag and their file key is boxed under
 * the master key, so the journal on disk or in IndexedDB reveals no key. Storage is pluggable:
 * files for the CLI, IndexedDB for the web UI, memory for tests.
 */
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { LABELS } from '../crypto/labels.ts'
import { fromBase64, toBase64 } from './encoding.ts'

export interface JournalEntry {
  itemId: string
  fileKey: Uint8Array
  salt: Uint8Array
  uploaded: string[]
}

/** The stored form: JSON-safe, file key boxed. */
export interface StoredJournalEntry { itemId: string, fileKeyBox: string, salt: string, uploaded: string[] }

/** Where journal entries live; keys are content tags in hex. */
export interface JournalStorage {
  read: (key: string) => Promise<StoredJournalEntry | undefined>
  write: (key: string, entry: StoredJournalEntry) => Promise<void>
  remove: (key: string) => Promise<void>
}

export class UploadJournal {
  private readonly storage: JournalStorage

  constructor (storage: JournalStorage) {
    this.storage = storage
  }

  async get (key: string, masterKey: Uint8Array): Promise<JournalEntry | undefined> {
    const stored = await this.storage.read(key)
    if (stored == null) return undefined
    try {
      const fileKey = boxOpen(masterKey, fromBase64(stored.fileKeyBox), { label: LABELS.boxJournalFileKey })
      return { itemId: stored.itemId, fileKey, salt: fromBase64(stored.salt), uploaded: stored.uploaded }
    } catch {
      await this.storage.remove(key)
      return undefined
    }
  }

  async put (key: string, entry: JournalEntry, masterKey: Uint8Array): Promise<void> {
    await this.storage.write(key, {
      itemId: entry.itemId,
      fileKeyBox: toBase64(boxSeal(masterKey, entry.fileKey, { label: LABELS.boxJournalFileKey })),
      salt: toBase64(entry.salt),
      uploaded: entry.uploaded
    })
  }

  async delete (key: string): Promise<void> {
    await this.storage.remove(key)
  }
}

export function memoryJournalStorage (): JournalStorage {
  const entries = new Map<string, StoredJournalEntry>()
  return {
    read: async (key) => entries.get(key),
    write: async (key, entry) => { entries.set(key, entry) },
    remove: async (key) => { entries.delete(key) }
  }
}
