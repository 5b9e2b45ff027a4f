/**
 * The upload journal: what an interrupted upload needs to resume without sending, or being
 * charged for, a block twice — the item id, the file key, for each part (original, thumbnail,
 * preview, motion) its stream salt and the CIDs of the chunks sealed under it, and the sealed
 * manifest. Entries are keyed by content tag (or an HMAC of name, size and mtime) and their file
 * key is boxed under the master key, so the journal on disk or in IndexedDB reveals no key and
 * no name; the CIDs it lists are ones the node sees anyway. Storage is pluggable: files for the
 * CLI, IndexedDB for the web UI, memory for tests.
 *
 * [Note: journal before send] A resumed part is sealed again under its journaled salt, so under
 * the same AES-256-GCM key and the same chunk nonces, which is what makes it yield the blocks the
 * node already holds. It is safe only for the very bytes sealed before: two plaintexts sealed
 * under one (key, nonce) give away their XOR to whoever holds both ciphertexts, and the node
 * keeps both. A file edited in place keeping its size and mtime (`exiftool -P`, `touch -r`)
 * comes back under the same journal entry with other bytes. Two rules keep it safe:
 * 1. A chunk's CID is written to the journal before the chunk is sent (uploads wait in an
 *    outbox until a journal write names them), so every ciphertext that may have left this
 *    client under a salt is listed under that salt.
 * 2. A resumed chunk at a listed index must hash to the CID listed. Under one key and nonce the
 *    ciphertext determines the plaintext, so an equal CID proves equal bytes, and nothing about
 *    the plaintext needs to be stored. At the first chunk that differs the part stops before
 *    sending it and starts again under a fresh salt (a fresh key). The last-chunk flag is part
 *    of the nonce, so a file that grew or shrank differs at the latest at its old last chunk.
 * Chunks past the listed ones were never sent, so a resumed part may seal anything there.
 */
import { z } from 'zod'
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { hkdf, hmacSha256 } from '../crypto/hash.ts'
import { LABELS } from '../crypto/labels.ts'
import { wipe } from '../crypto/bytes.ts'
import { encodeCanonical } from '../format/cbor.ts'
import { fromBase64, toBase64 } from './encoding.ts'
import type { Manifest, ManifestPart } from '../format/manifest.ts'

/** One part as far as it was sealed; see [Note: journal before send]. */
export interface JournalPart {
  /** The part's stream salt. */
  salt: Uint8Array
  /** CIDs of the chunks sealed under `salt`, in chunk order; each written here before it is sent. */
  sealed: string[]
}

export interface JournalEntry {
  itemId: string
  fileKey: Uint8Array
  parts: Partial<Record<ManifestPart, JournalPart>>
  /** The manifest sealed for the item, and `manifestMac` of its plaintext. */
  manifest?: { cid: string, mac: Uint8Array }
}

const storedPartSchema = z.strictObject({ salt: z.string(), sealed: z.array(z.string()) })

/**
 * The stored form: JSON-safe, file key boxed. Version 2; a version-1 entry (a list of the
 * chunks the node had confirmed, written after sending) cannot tell which chunks were sent, so
 * it is dropped and its file starts again under a fresh key.
 */
const storedEntrySchema = z.strictObject({
  v: z.literal(2),
  itemId: z.string(),
  fileKeyBox: z.string(),
  parts: z.partialRecord(z.enum(['original', 'thumbnail', 'preview', 'motion']), storedPartSchema),
  manifest: z.strictObject({ cid: z.string(), mac: z.string() }).optional()
})

export type StoredJournalEntry = z.infer<typeof storedEntrySchema>

/** Where journal entries live; keys are content tags in hex (or `s` + an HMAC in hex). */
export interface JournalStorage {
  read: (key: string) => Promise<unknown>
  write: (key: string, entry: StoredJournalEntry) => Promise<void>
  remove: (key: string) => Promise<void>
}

export class UploadJournal {
  private readonly storage: JournalStorage

  constructor (storage: JournalStorage) {
    this.storage = storage
  }

  /** The entry under `key`; one that does not parse or open is removed and reads as none. */
  async get (key: string, masterKey: Uint8Array): Promise<JournalEntry | undefined> {
    const read = await this.storage.read(key)
    if (read == null) return undefined
    try {
      const stored = storedEntrySchema.parse(read)
      const fileKey = boxOpen(masterKey, fromBase64(stored.fileKeyBox), { label: LABELS.boxJournalFileKey })
      const parts: JournalEntry['parts'] = {}
      for (const [name, part] of Object.entries(stored.parts)) parts[name as ManifestPart] = { salt: fromBase64(part.salt), sealed: part.sealed }
      const entry: JournalEntry = { itemId: stored.itemId, fileKey, parts }
      if (stored.manifest != null) entry.manifest = { cid: stored.manifest.cid, mac: fromBase64(stored.manifest.mac) }
      return entry
    } catch {
      await this.storage.remove(key)
      return undefined
    }
  }

  async put (key: string, entry: JournalEntry, masterKey: Uint8Array): Promise<void> {
    const parts: StoredJournalEntry['parts'] = {}
    for (const [name, part] of Object.entries(entry.parts)) parts[name as ManifestPart] = { salt: toBase64(part.salt), sealed: [...part.sealed] }
    await this.storage.write(key, {
      v: 2,
      itemId: entry.itemId,
      fileKeyBox: toBase64(boxSeal(masterKey, entry.fileKey, { label: LABELS.boxJournalFileKey })),
      parts,
      ...(entry.manifest != null ? { manifest: { cid: entry.manifest.cid, mac: toBase64(entry.manifest.mac) } } : {})
    })
  }

  async delete (key: string): Promise<void> {
    await this.storage.remove(key)
  }
}

/**
 * HMAC-SHA-256 of a manifest's canonical encoding under a key derived from the file key: equal
 * MACs prove a manifest about to be sealed equal to the one journaled, whose block can then be
 * used again, without the journal holding a hash that could confirm a guess about its contents.
 */
export function manifestMac (fileKey: Uint8Array, manifest: Manifest): Uint8Array {
  const key = hkdf(fileKey, { info: LABELS.journalManifestMac })
  try {
    return hmacSha256(key, encodeCanonical(manifest))
  } finally {
    wipe(key)
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
