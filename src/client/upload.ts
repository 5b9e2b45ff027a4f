/**
 * The upload pipeline: for each file, a content tag (to skip duplicates), then streaming
 * encryption into ~1 MiB blocks uploaded a few at a time, then the encrypted manifest, then one
 * `add` op per target collection, committed in batches. An upload journal remembers each file's
 * key, its parts' salts and the chunks sealed under them, so an interrupted upload resumes by
 * re-encrypting to the same blocks and sending only the missing ones (upload-parts.ts; and see
 * [Note: journal before send] in journal.ts for why that is safe even for a file that changed).
 *
 * [Note: one read per new file] Only a file of the same size as an item the library holds (or
 * one met earlier in this upload) can be a duplicate. Such a file is read twice: once for its
 * content tag, to skip it without sending anything if it is known, then to encrypt it. Any
 * other file, which is most of a photo library, is read once: its tag is hashed along with the
 * encryption. Its journal entry cannot be keyed by a tag not yet known, so it is keyed by the
 * file's name, size and modification time instead (HMAC'd under the dedup key).
 */
import { contentTagOfStream, createSha256Hasher, hashingAlong } from '../crypto/content-tag.ts'
import { contentTag } from '../crypto/dedup.ts'
import { hmacSha256 } from '../crypto/hash.ts'
import { utf8 } from '../crypto/bytes.ts'
import { LABELS } from '../crypto/labels.ts'
import { toHex } from '../crypto/bytes.ts'
import { type Manifest } from '../format/manifest.ts'
import { pairLivePhotos, type UploadUnit } from '../media/live-photos.ts'
import { sourceReader } from '../media/reader.ts'
import { DAMAGED, refusalOf, SNIFF_BYTES, type Refusal } from '../media/sniff.ts'
import { BlockUploader } from './blocks.ts'
import { describeUnit, type DescribedUnit, type MediaFields } from './upload-media.ts'
import { ItemSender } from './upload-parts.ts'
import { wrapFileKey } from '../crypto/wrap.ts'
import { kindFromMime, mimeFromName } from './mime.ts'
import { fileKeyOf, type CollectionState } from './collection.ts'
import type { UploadJournal } from './journal.ts'
import type { ItemRef, Library } from './library.ts'
import type { NodeApi } from './api.ts'
import type { AccountKeys } from '../crypto/keys.ts'
import type { AddOp, RecordOp } from '../format/record-ops.ts'
import type { CID } from '../format/cid.ts'
import type { MediaProcessor } from '../media/index.ts'

/** One file to upload; `open()` returns a fresh stream of its bytes each time it is called. */
export interface UploadSource {
  name: string
  size: number
  /** Modification time, ms since the epoch (fractions are dropped: the manifest stores whole ms). */
  mtime: number
  mime?: string
  open: () => AsyncIterable<Uint8Array>
}

type RestoreOp = Extract<RecordOp, { op: 'restore' }>

export type UploadProgressEvent =
  | { type: 'obscura:upload:file-start', name: string, size: number, index: number, count: number }
  | { type: 'obscura:upload:bytes', name: string, fileBytes: number, size: number }
  | { type: 'obscura:upload:file-done', name: string, size: number, skipped: false | 'duplicate' }
  | { type: 'obscura:upload:committed', items: number }
  /** Something the media step could not do for this file (the upload goes on without it). */
  | { type: 'obscura:upload:note', name: string, note: string }
  /** With `mediaOnly`, a file that is not uploaded, and why (the upload goes on with the others). */
  | { type: 'obscura:upload:refused', name: string, code: Refusal['code'], reason: string }

export interface UploadOptions {
  /** Albums and folders that receive the items (the root collection when empty). */
  targets: CollectionState[]
  journal?: UploadJournal
  signal?: AbortSignal
  onProgress?: (event: UploadProgressEvent) => void
  /** Blocks in flight at once. */
  concurrency?: number
  /** Items per commit, at most. */
  batchSize?: number
  /**
   * Also commit as soon as a file is done when the last commit is at least this old (the first
   * file done always commits), so that a gallery counts items as they finish rather than at the
   * end of a batch, while files that finish faster share a commit. Default: only `batchSize`.
   */
  commitEveryMs?: number
  /** The clock of `commitEveryMs` (ms; default Date.now). */
  now?: () => number
  /**
   * Reads metadata and makes thumbnails and previews (src/media); with one, Live Photo halves
   * are paired into one item. Without one, originals are stored alone.
   */
  media?: MediaProcessor
  /**
   * Refuses empty files and files whose content is not a photo or video, and (with `media`)
   * damaged ones: each gets a `refused` event and is not uploaded. The web UI and the CLI set
   * it; see [Note: what an upload accepts] in src/media/sniff.ts.
   */
  mediaOnly?: boolean
}

export interface UploadResult {
  uploaded: number
  skipped: number
  items: string[]
  /** Live Photos among the uploaded items (each made of two files). */
  live: number
  /** Files refused under `mediaOnly`, in order. */
  refused: Array<{ name: string } & Refusal>
}

/**
 * What an upload needs of a library: the API and the keys that tag and journal files, where
 * items go without a target, the items it holds (duplicates, Live Photos) and commits. A user's
 * Library is one; a public link that accepts uploads is another (links.ts).
 */
export type UploadLibrary = Pick<Library, 'root' | 'contentTagIndex' | 'items' | 'commit'> & {
  account: { api: NodeApi, keys: Pick<AccountKeys, 'dedupKey' | 'masterKey'> }
}

/**
 * The collections an upload to `targets` goes into: when every target is an album someone shares
 * with the user, the user's own library (its root) as well, so that what a collaborator adds is
 * theirs — in their timeline, kept when they leave the album ([Note: whose photos are in whose
 * timeline] in webui/src/worker/views.ts). The blocks are uploaded once, linked by both.
 */
export function withOwnLibrary (library: Pick<Library, 'root' | 'shared'>, targets: CollectionState[]): CollectionState[] {
  return targets.length > 0 && targets.every((t) => library.shared.has(t.id)) ? [...targets, library.root] : targets
}

export async function uploadFiles (library: UploadLibrary, sources: UploadSource[], options: UploadOptions): Promise<UploadResult> {
  const { api, keys } = library.account
  const targets = options.targets.length > 0 ? options.targets : [library.root]
  const tags = library.contentTagIndex()
  // A still uploaded alone earlier does not stand for the Live Photo it turns out to belong to.
  const liveTags = new Map(library.items().filter((r) => r.item.kind === 'live').map((r) => [toHex(r.item.contentTag), r]))
  // See [Note: one read per new file].
  const knownSizes = new Set([...tags.values()].map((r) => r.item.size))
  const liveSizes = new Set([...liveTags.values()].map((r) => r.item.size))
  const sizesThisRun = new Set<number>()
  const uploader = new BlockUploader(api, { concurrency: options.concurrency, signal: options.signal })
  const batch = new Batch(library, targets, options)
  const result: UploadResult = { uploaded: 0, skipped: 0, items: [], live: 0, refused: [] }
  const thisRun = new Map<string, Sent>()
  const units: Array<UploadUnit<UploadSource>> = options.media != null
    ? await pairLivePhotos(sources, { signal: options.signal })
    : sources.map((source) => ({ source }))

  // [Note: media lookahead] The next file's metadata and thumbnails (and its content tag, when it
  // needs one first) are made while this one is encrypted and uploaded: image work and network
  // work overlap. Files the library already holds are not described; a duplicate within this run
  // may be, needlessly but harmlessly.
  const prepare = (unit: UploadUnit<UploadSource> | undefined): Promise<Prepared> | undefined => {
    if (unit == null) return undefined
    const size = unit.source.size
    const mayBeKnown = (unit.motion != null ? liveSizes : knownSizes).has(size) || sizesThisRun.has(size)
    sizesThisRun.add(size)
    const prepared = (async (): Promise<Prepared> => {
      if (options.mediaOnly === true) {
        const refusal = refusalOf(await sourceReader(unit.source, options.signal).read(0, SNIFF_BYTES), unit.source.size)
        if (refusal != null) return { refusal }
      }
      if (!mayBeKnown) return { described: await describeUnit(options.media, unit, options.signal) }
      const tag = await contentTagOfStream(keys.dedupKey, unit.source.open(), { signal: options.signal })
      const tagHex = toHex(tag)
      const known = unit.motion != null ? liveTags.has(tagHex) : tags.has(tagHex)
      return { tagged: { tag, tagHex }, described: known ? undefined : await describeUnit(options.media, unit, options.signal) }
    })()
    prepared.catch(() => {}) // awaited in turn below; an abort must not surface as unhandled first
    return prepared
  }
  let next = prepare(units[0])
  const refuse = (name: string, refusal: Refusal): void => {
    result.refused.push({ name, ...refusal })
    options.onProgress?.({ type: 'obscura:upload:refused', name, ...refusal })
  }

  for (const [index, unit] of units.entries()) {
    const source = unit.source
    const size = source.size + (unit.motion?.size ?? 0)
    options.signal?.throwIfAborted()
    options.onProgress?.({ type: 'obscura:upload:file-start', name: source.name, size, index, count: units.length })
    const { tagged, described, refusal } = await (next as Promise<Prepared>)
    next = prepare(units[index + 1])
    if (refusal != null) {
      refuse(source.name, refusal)
      continue
    }
    if (tagged != null) {
      const { tag, tagHex } = tagged
      const existing = unit.motion != null ? liveTags.get(tagHex) : tags.get(tagHex)
      const earlier = unit.motion != null && thisRun.get(tagHex)?.summary.kind !== 'live' ? undefined : thisRun.get(tagHex)
      if (existing != null || earlier != null) {
        if (existing != null) {
          const fileKey = fileKeyOf(existing.collection, existing.item)
          await batch.add(existing.item.id, fileKey, existing.item.manifest, { ...summaryOf(existing), contentTag: tag }, tagHex)
        } else if (earlier != null) {
          await batch.add(earlier.itemId, earlier.fileKey, earlier.manifestCid, earlier.summary, tagHex)
        }
        result.skipped++
        options.onProgress?.({ type: 'obscura:upload:file-done', name: source.name, size, skipped: 'duplicate' })
        continue
      }
    }
    const description = described ?? await describeUnit(options.media, unit, options.signal)
    if (options.mediaOnly === true && description.damaged) {
      refuse(source.name, DAMAGED)
      continue
    }
    const sent = await encryptAndSend(library, unit, description, tagged, uploader, options)
    thisRun.set(sent.tagHex, sent)
    const { itemId, fileKey, manifestCid, summary } = sent
    await batch.add(itemId, fileKey, manifestCid, summary, sent.journalKey)
    result.uploaded++
    if (summary.kind === 'live') result.live++
    result.items.push(itemId)
    options.onProgress?.({ type: 'obscura:upload:file-done', name: source.name, size, skipped: false })
  }
  await batch.flush()
  return result
}

interface Tagged { tag: Uint8Array, tagHex: string }

/** A unit looked at ahead of its turn: refused, or tagged only when it may be a duplicate and described unless it is one. */
interface Prepared { tagged?: Tagged, described?: DescribedUnit, refusal?: Refusal }

interface Sent extends Tagged { itemId: string, fileKey: Uint8Array, manifestCid: CID, summary: Summary, journalKey: string }

/** The journal key of a file read once (see [Note: one read per new file]). */
function sourceJournalKey (dedupKey: Uint8Array, source: UploadSource): string {
  return 's' + toHex(hmacSha256(dedupKey, utf8(`${LABELS.journalSource}\0${source.name}\0${source.size}\0${Math.floor(source.mtime)}`)))
}

type Summary = Pick<AddOp, 'name' | 'size' | 'mime' | 'kind' | 'takenAt' | 'takenOffsetMinutes' | 'width' | 'height' | 'addedAt'> & { contentTag: Uint8Array }

function summaryOf (ref: ItemRef): Omit<Summary, 'contentTag'> {
  const { name, size, mime, kind, takenAt, takenOffsetMinutes, width, height } = ref.item
  return {
    name, size, mime, kind, takenAt,
    ...(takenOffsetMinutes != null ? { takenOffsetMinutes } : {}),
    ...(width != null && height != null ? { width, height } : {}),
    addedAt: Date.now()
  }
}

/**
 * The add op's width and height: the manifest's, which are the stored pixels, turned for an EXIF
 * orientation of 5 to 8 (a quarter turn), so that a listing lays the picture out as it is shown.
 */
function shownSize (fields: MediaFields): Pick<Summary, 'width' | 'height'> {
  const { width, height, orientation } = fields
  if (width == null || height == null || width <= 0 || height <= 0) return {}
  return orientation != null && orientation >= 5 ? { width: height, height: width } : { width, height }
}

async function encryptAndSend (library: UploadLibrary, unit: UploadUnit<UploadSource>, described: DescribedUnit, tagged: Tagged | undefined, uploader: BlockUploader, options: UploadOptions): Promise<Sent> {
  const { api, keys } = library.account
  const source = unit.source
  for (const note of described.notes) options.onProgress?.({ type: 'obscura:upload:note', name: source.name, note })
  const journal = options.journal
  const journalKey = tagged?.tagHex ?? sourceJournalKey(keys.dedupKey, source)
  const resumed = await journal?.get(journalKey, keys.masterKey)
  const sender = new ItemSender({
    api,
    uploader,
    journal: journal != null ? { journal, key: journalKey, masterKey: keys.masterKey } : undefined,
    resumed,
    signal: options.signal
  })
  const changed = (what: string) => (): void => {
    options.onProgress?.({ type: 'obscura:upload:note', name: source.name, note: `${what} changed since its interrupted upload, so it is uploaded again from the start` })
  }

  // The content tag of a file read once is hashed along with its encryption (again from the
  // start if the part starts again).
  let digest: Uint8Array | undefined
  const open = tagged != null
    ? () => source.open()
    : async function * (): AsyncGenerator<Uint8Array> {
      const hasher = await createSha256Hasher()
      yield * hashingAlong(source.open(), hasher)
      digest = hasher.digest()
    }
  let fileBytes = 0
  // In browsers, three chunks in flight keep Web Crypto's threads busy while this thread reads
  // and uploads; under Node sealing is synchronous and the window only pipelines hashing.
  const parts: Manifest['parts'] = {
    original: await sender.sendPart('original', open, {
      parallel: 3,
      onBytes: (bytes) => {
        fileBytes = bytes
        options.onProgress?.({ type: 'obscura:upload:bytes', name: source.name, fileBytes: bytes, size: source.size })
      },
      onChanged: changed('it')
    })
  }
  const tag = tagged?.tag ?? contentTag(keys.dedupKey, digest as Uint8Array)

  for (const extra of described.parts) {
    parts[extra.part] = await sender.sendPart(extra.part, extra.open, {
      onBytes: (bytes) => {
        if (extra.part === 'motion') options.onProgress?.({ type: 'obscura:upload:bytes', name: source.name, fileBytes: fileBytes + bytes, size: source.size + extra.size })
      },
      // A thumbnail or preview made again may differ by a byte without the file having changed.
      onChanged: extra.part === 'motion' ? changed('its motion video') : undefined
    })
  }

  const named = source.mime ?? mimeFromName(source.name)
  const mime = named === 'application/octet-stream' ? described.sniffedMime ?? named : named
  // fs.stat's mtimeMs has sub-millisecond digits; the manifest's mtime is an integer.
  const mtime = Math.floor(source.mtime)
  const kind = described.live ? 'live' : kindFromMime(mime)
  const takenAt = described.fields.takenAt?.utcMs ?? mtime
  const offset = described.fields.takenAt?.offsetMinutes
  const summary: Summary = {
    name: source.name, size: source.size, mime, kind, takenAt,
    ...(offset != null ? { takenOffsetMinutes: offset } : {}),
    ...shownSize(described.fields),
    addedAt: Date.now(),
    contentTag: tag
  }
  const manifest: Manifest = {
    v: 1,
    kind,
    name: source.name,
    mime,
    size: source.size,
    mtime,
    contentTag: tag,
    ...described.fields,
    parts
  }
  const manifestCid = await sender.finish(manifest)
  return { itemId: sender.itemId, fileKey: sender.fileKey, manifestCid, summary, tag, tagHex: toHex(tag), journalKey }
}

/** Collects add ops per target and commits them every `batchSize` items, or sooner with `commitEveryMs`. */
class Batch {
  private readonly library: UploadLibrary
  private readonly targets: CollectionState[]
  private readonly options: UploadOptions
  private ops: Array<{ op: AddOp | RestoreOp, target: CollectionState }> = []
  private readonly journalKeys: string[] = []
  private links = new Map<CollectionState, CID[]>()
  private lastCommit = -Infinity

  constructor (library: UploadLibrary, targets: CollectionState[], options: UploadOptions) {
    this.library = library
    this.targets = targets
    this.options = options
  }

  async add (itemId: string, fileKey: Uint8Array, manifest: CID, summary: Summary, journalKey: string): Promise<void> {
    for (const target of this.targets) {
      const present = target.items.get(itemId)
      if (present != null) {
        // Uploading a trashed file again brings it back, rather than reporting it as already
        // uploaded while it stays hidden in the trash.
        if (present.trashedAt != null) this.ops.push({ op: { op: 'restore', item: itemId }, target })
        continue
      }
      const op: AddOp = { op: 'add', item: itemId, manifest, fileKey: wrapFileKey(target.key, itemId, fileKey), ...summary }
      this.ops.push({ op, target })
      this.links.set(target, [...(this.links.get(target) ?? []), manifest])
    }
    this.journalKeys.push(journalKey)
    const { batchSize = 100, commitEveryMs, now = Date.now } = this.options
    if (this.journalKeys.length >= batchSize || (commitEveryMs != null && now() - this.lastCommit >= commitEveryMs)) await this.flush()
  }

  async flush (): Promise<void> {
    for (const target of this.targets) {
      const ops = this.ops.filter((o) => o.target === target).map((o) => o.op)
      if (ops.length === 0) continue
      await this.library.commit(target, ops, { links: this.links.get(target) ?? [] })
    }
    const count = this.journalKeys.length
    if (count > 0) this.lastCommit = (this.options.now ?? Date.now)()
    for (const key of this.journalKeys.splice(0)) await this.options.journal?.delete(key)
    this.ops = []
    this.links = new Map()
    if (count > 0) this.options.onProgress?.({ type: 'obscura:upload:committed', items: count })
  }
}
