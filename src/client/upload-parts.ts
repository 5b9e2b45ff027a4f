/**
 * Sending one item — its encrypted parts, then its manifest — under the upload journal's rules
 * ([Note: journal before send] in journal.ts). Sealed chunks wait in an outbox until a journal
 * write names them, then go to the uploader: one write per few MiB of a long part, one for all of
 * a photo's small parts and its manifest. A part the journal knows is sealed again under its salt
 * and checked chunk by chunk against the CIDs listed; the blocks the node still holds are not
 * sent again, and a manifest proven equal to the journaled one is not sealed again, so that an
 * interrupted upload, once resumed, leaves the node nothing to collect.
 */
import { constantTimeEqual } from '../crypto/bytes.ts'
import { createStreamEncryptor, type StreamDescriptor } from '../crypto/stream.ts'
import { newKey } from '../crypto/wrap.ts'
import { CID } from '../format/cid.ts'
import { newId } from '../format/ids.ts'
import { sealManifest, type Manifest, type ManifestPart } from '../format/manifest.ts'
import { manifestMac, type JournalEntry, type JournalPart, type UploadJournal } from './journal.ts'
import type { NodeApi } from './api.ts'
import type { BlockUploader } from './blocks.ts'

/** Sealed bytes the outbox holds before it writes the journal and lets them go. */
const OUTBOX_BYTES = 8 * 1024 * 1024

/** CIDs per `haveBlocks` request (the node's limit). */
const HAVE_BATCH = 1000

export interface ItemSenderOptions {
  api: NodeApi
  uploader: BlockUploader
  /** Where the item's entry is kept. Without a journal nothing waits in the outbox. */
  journal?: { journal: UploadJournal, key: string, masterKey: Uint8Array }
  /** The entry an earlier, interrupted run left under this key. */
  resumed?: JournalEntry
  signal?: AbortSignal
}

export interface PartOptions {
  /** Chunks sealed at once (see StreamEncryptorOptions). */
  parallel?: number
  /** Real plaintext bytes of this part the node holds so far. */
  onBytes?: (bytes: number) => void
  /** A resumed part turned out to differ from what the journal lists; it starts again under a fresh salt. */
  onChanged?: () => void
}

interface Outgoing { cid: CID, bytes: Uint8Array, onDone?: () => void }

export class ItemSender {
  /** The item's journal entry as it stands; written before each release of the outbox. */
  private entry: JournalEntry
  /** What the journal held; dropped once the original turns out to have changed. */
  private resumed?: JournalEntry
  private readonly options: ItemSenderOptions
  private readonly outbox: Outgoing[] = []
  private outboxBytes = 0

  constructor (options: ItemSenderOptions) {
    this.options = options
    this.resumed = options.resumed
    // Parts not sent again in this run keep their listing, so that a later run may still use them.
    this.entry = options.resumed != null ? { ...options.resumed, parts: { ...options.resumed.parts } } : freshEntry()
  }

  /** The item's id and file key; final once the original part has been sent. */
  get itemId (): string { return this.entry.itemId }
  get fileKey (): Uint8Array { return this.entry.fileKey }

  /**
   * Encrypts one part from `open()` and sends its chunks; the original first. A part the journal
   * lists is tried under its salt first; `open` is called again, under a fresh salt, only when
   * its bytes changed. A changed original is a new item: it starts again under a new id and file
   * key, and no part of the journaled one is used.
   */
  async sendPart (part: ManifestPart, open: () => AsyncIterable<Uint8Array>, options: PartOptions = {}): Promise<StreamDescriptor> {
    const listed = this.resumed?.parts[part]
    if (listed != null) {
      const descriptor = await this.encrypt(part, open, listed, options)
      if (descriptor != null) return descriptor
      options.onChanged?.()
      if (part === 'original') {
        this.resumed = undefined
        this.entry = freshEntry()
      }
    }
    return await this.encrypt(part, open, undefined, options) as StreamDescriptor
  }

  /**
   * Seals and sends the manifest, or, when it equals the one the journal names and the node
   * still holds that block, sends nothing. Then waits until every block of the item is stored.
   */
  async finish (manifest: Manifest): Promise<CID> {
    const { api, signal, uploader } = this.options
    const mac = manifestMac(this.fileKey, manifest)
    const earlier = this.resumed?.manifest
    let cid: CID
    if (earlier != null && constantTimeEqual(earlier.mac, mac) && (await api.haveBlocks([earlier.cid], { signal }))[0] === true) {
      cid = CID.parse(earlier.cid)
      this.entry.manifest = earlier
    } else {
      const sealed = await sealManifest(this.fileKey, this.itemId, manifest)
      cid = sealed.cid
      this.entry.manifest = { cid: cid.toString(), mac }
      await this.hold({ cid, bytes: sealed.bytes })
    }
    await this.release()
    await uploader.flush()
    return cid
  }

  /** One attempt at a part; undefined when a listed chunk differs (nothing of it was sent). */
  private async encrypt (part: ManifestPart, open: () => AsyncIterable<Uint8Array>, listed: JournalPart | undefined, options: PartOptions): Promise<StreamDescriptor | undefined> {
    const { api, signal, uploader } = this.options
    const encryptor = createStreamEncryptor(this.fileKey, { salt: listed?.salt, signal, parallel: options.parallel })
    const record: JournalPart = { salt: encryptor.salt, sealed: [...(listed?.sealed ?? [])] }
    this.entry.parts[part] = record
    // Asked once the first chunk matches, so that the blocks of a changed file get no new grace period.
    let held: Promise<Set<string>> | undefined
    let bytes = 0
    for await (const chunk of encryptor.encrypt(open())) {
      const cid = chunk.cid.toString()
      bytes += chunk.plaintextBytes
      const progress = bytes
      const onDone = (): void => { options.onBytes?.(progress) }
      if (listed != null && chunk.index < listed.sealed.length) {
        // See [Note: journal before send], rule 2: same key, same nonce, so same CID or stop.
        if (cid !== listed.sealed[chunk.index]) return undefined
        held ??= stillStored(api, listed.sealed, signal).then((cids) => new Set(cids))
        if ((await held).has(cid)) onDone()
        else await uploader.put(chunk.cid, chunk.bytes, onDone)
        continue
      }
      record.sealed.push(cid)
      await this.hold({ cid: chunk.cid, bytes: chunk.bytes, onDone })
    }
    return encryptor.descriptor()
  }

  private async hold (outgoing: Outgoing): Promise<void> {
    if (this.options.journal == null) {
      await this.options.uploader.put(outgoing.cid, outgoing.bytes, outgoing.onDone)
      return
    }
    this.outbox.push(outgoing)
    this.outboxBytes += outgoing.bytes.byteLength
    if (this.outboxBytes >= OUTBOX_BYTES) await this.release()
  }

  /** Writes the journal entry, which now lists every chunk in the outbox, then sends them. */
  private async release (): Promise<void> {
    const journal = this.options.journal
    if (journal == null || this.outbox.length === 0) return
    await journal.journal.put(journal.key, this.entry, journal.masterKey)
    this.outboxBytes = 0
    for (const { cid, bytes, onDone } of this.outbox.splice(0)) await this.options.uploader.put(cid, bytes, onDone)
  }
}

function freshEntry (): JournalEntry {
  return { itemId: newId(), fileKey: newKey(), parts: {} }
}

/**
 * The listed blocks that the node still holds. A node deletes blocks that no commit linked
 * within a grace period (a day by default), so an upload resumed later sends those again;
 * asking also starts the grace period again for the ones it kept.
 */
async function stillStored (api: NodeApi, cids: string[], signal?: AbortSignal): Promise<string[]> {
  const kept: string[] = []
  for (let i = 0; i < cids.length; i += HAVE_BATCH) {
    const batch = cids.slice(i, i + HAVE_BATCH)
    const have = await api.haveBlocks(batch, { signal })
    kept.push(...batch.filter((_, j) => have[j] === true))
  }
  return kept
}
