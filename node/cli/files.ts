/**
 * Files on the local disk as the client pipeline sees them: walking folders into upload sources
 * (symbolic links followed, hidden files and OS clutter left out), and writing downloads
 * atomically — to a temporary name first, renamed only once every block has verified and
 * decrypted, so a failed download never leaves a corrupted file under the real name.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, realpath, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { formatCliError, isIntegrityError, UsageError } from './errors.ts'
import { openItem, readPart, type OpenedItem } from '../../src/client/download.ts'
import { NodeUnreachableError } from '../../src/client/errors.ts'
import { ObscuraError } from '../../src/errors.ts'
import { contentTagOfStream } from '../../src/crypto/content-tag.ts'
import { bytesEqual } from '../../src/crypto/bytes.ts'
import { createStreamEncryptor } from '../../src/crypto/stream.ts'
import { formatBytes, ProgressBar } from './progress.ts'
import type { NodeApi } from '../../src/client/api.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { UploadSource } from '../../src/client/upload.ts'
import { errorLine, inform } from './output.ts'

const SKIPPED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini'])

export function fileSource (path: string, size: number, mtime: number): UploadSource {
  return {
    name: basename(path),
    size,
    mtime,
    open: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>
  }
}

/** A file found under the paths given to `upload`. */
export type LocalFile = UploadSource & {
  path: string
  /** The sub-folder it is in, below the folder that was named ("2023/Summer"), '' at the top. */
  folder: string
}

/**
 * Every regular file under `paths`, recursively, in a stable order. Symbolic links are followed,
 * to files and to folders alike; each folder is walked once, by its real path, so a link back to
 * a parent ends instead of looping.
 */
export async function collectFiles (paths: string[]): Promise<LocalFile[]> {
  const found: LocalFile[] = []
  const walked = new Set<string>()
  const visit = async (path: string, top: boolean, folder: string): Promise<void> => {
    const info = await stat(path).catch(() => undefined)
    if (info == null) {
      // Inside a folder this is a link to nothing (or a file gone since readdir): skipped.
      if (top) throw new UsageError(`no such file or folder: ${path}`)
      return
    }
    if (!top && (basename(path).startsWith('.') || SKIPPED.has(basename(path)))) return
    if (info.isDirectory()) {
      const real = await realpath(path)
      if (walked.has(real)) return
      walked.add(real)
      const below = top ? '' : folder === '' ? basename(path) : `${folder}/${basename(path)}`
      for (const entry of (await readdir(path)).sort()) await visit(join(path, entry), false, below)
    } else if (info.isFile()) {
      found.push({ ...fileSource(path, info.size, Math.floor(info.mtimeMs)), path, folder })
    }
  }
  for (const path of paths) await visit(path, true, '')
  return found
}

/**
 * Where a file named `name` goes in `dir`: "a.jpg", then "a (1).jpg", "a (2).jpg"… — the first
 * name neither `taken` by this run nor on disk, unless a file on disk under one of these names
 * already `holds` it (then `present`). Either way the name is added to `taken`.
 */
async function placeIn (dir: string, name: string, taken: Set<string>, holds: (path: string, size: number) => Promise<boolean>): Promise<{ name: string, present: boolean }> {
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem} (${n})${ext}`
    if (taken.has(candidate)) continue
    const info = await stat(join(dir, candidate)).catch(() => undefined)
    const present = info?.isFile() === true && await holds(join(dir, candidate), info.size)
    if (info == null || present) {
      taken.add(candidate)
      return { name: candidate, present }
    }
  }
}

/**
 * Writes `source` to `path` via a temporary file beside it; removes the temporary file on any
 * failure. The temporary name has a fixed length (".<random>.obscura-partial"), so a file name
 * at the file system's limit still has one.
 */
export async function writeAtomically (path: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  const partial = join(path, '..', `.${randomBytes(6).toString('hex')}.obscura-partial`)
  await mkdir(join(path, '..'), { recursive: true })
  try {
    await pipeline(Readable.from(source), createWriteStream(partial))
    await rename(partial, path)
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  }
}

/** Bytes a file name may take: NAME_MAX (255) less room for " (9999)" added to tell files apart. */
const MAX_NAME_BYTES = 255 - 8

/** Path separators, NUL, C0 and C1 controls, DEL, and bidi controls that disguise an extension. */
const UNSAFE_IN_NAMES = /[/\\\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** `text` cut to at most `max` bytes of UTF-8, never inside a character. */
function truncateUtf8 (text: string, max: number): string {
  let bytes = 0
  let end = 0
  for (const char of text) {
    bytes += Buffer.byteLength(char)
    if (bytes > max) break
    end += char.length
  }
  return text.slice(0, end)
}

/**
 * A file name from the manifest (another person's choice, see [Note: names from the network] in
 * output.ts), safe to create in a folder: no path separators, no "." or "..", no control or bidi
 * characters, and short enough (in bytes, extension kept) for the file system to accept it with
 * a " (n)" suffix.
 */
export function safeFileName (name: string): string {
  const cleaned = name.replace(UNSAFE_IN_NAMES, '_').replace(/^\.+$/, '_').trim()
  if (cleaned === '') return 'unnamed'
  if (Buffer.byteLength(cleaned) <= MAX_NAME_BYTES) return cleaned
  const dot = cleaned.lastIndexOf('.')
  const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : ''
  return truncateUtf8(cleaned.slice(0, cleaned.length - ext.length), MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext
}

export interface DownloadOptions {
  /** The key content tags are made with here (the account's, or a link's), see downloadCollection. */
  dedupKey: Uint8Array
  signal?: AbortSignal
}

/**
 * Whether the file at `path` holds `part` of an opened item: sealed again under the item's file
 * key and the part's salt, it gives the very chunks the manifest lists (sealing is deterministic
 * given both). Reads the local file only.
 */
async function sealsTo (path: string, opened: OpenedItem, part: 'original' | 'motion', signal?: AbortSignal): Promise<boolean> {
  const descriptor = opened.manifest.parts[part]
  if (descriptor == null) return false
  const encryptor = createStreamEncryptor(opened.fileKey, { salt: descriptor.salt, signal })
  let index = 0
  for await (const chunk of encryptor.encrypt(createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>)) {
    const expected = descriptor.chunks[index++]
    if (expected == null || !chunk.cid.equals(expected.cid)) return false
  }
  return index === descriptor.chunks.length
}

/**
 * Writes every live item of `collection` under `out`, originals byte-identical under their
 * current names in the collection (and a Live Photo's video beside its still), with a progress
 * bar; used by `download` and `link download`.
 *
 * Run again into the same folder (after a finished run, or one interrupted: every file is written
 * under a temporary name and renamed once complete, so a file under its real name is whole), it
 * downloads only what is not there yet. A file under the name an item would get, of its size, is
 * that item when its content tag under `dedupKey` is the item's — a read of the local file, no
 * request. An item tagged under another key (added by another member, or an owner's item seen
 * through a link) is recognised by sealing the file again instead, which costs one request for
 * its manifest. Any other file under that name stays, and the item goes beside it ("a (1).jpg").
 *
 * An item that cannot be read (the album's home node is offline and this node never cached its
 * blocks) does not stop the others: it is listed on stderr with the reason and returned, and the
 * caller exits non-zero. Cancelling, this node being down, local disk errors and a failed
 * integrity check (a node that alters data is not trusted for the rest) end the whole download.
 */
export async function downloadCollection (api: NodeApi, collection: CollectionState, out: string, options: DownloadOptions): Promise<{ failed: ItemFailure[] }> {
  const { dedupKey, signal } = options
  const items = [...collection.items.values()].filter((i) => i.trashedAt == null)
  const total = items.reduce((sum, i) => sum + i.size, 0)
  const bar = new ProgressBar('download', total)
  const taken = new Set<string>()
  let done = 0
  let present = 0
  let presentBytes = 0
  const failed: ItemFailure[] = []
  let failedBytes = 0
  try {
    for (const item of items) {
      try {
        presentBytes += await downloadItem(item)
      } catch (err) {
        if (!isItemFailure(err, signal)) throw err
        failed.push({ name: item.name, reason: formatCliError(err) })
        failedBytes += item.size
      }
      done += item.size
      bar.update(done)
    }
  } finally {
    bar.finish()
  }
  const fetched = items.length - present - failed.length
  const there = present > 0 ? `; ${present} already there` : ''
  inform(`Downloaded ${fetched} item${fetched === 1 ? '' : 's'} (${formatBytes(total - presentBytes - failedBytes)}) to ${out}${there}`)
  if (failed.length > 0) {
    errorLine(`${failed.length} item${failed.length === 1 ? '' : 's'} could not be read (run the same command again later to fetch ${failed.length === 1 ? 'it' : 'them'}):`)
    for (const f of failed) errorLine(`  ${f.name}: ${f.reason}`, { prefix: false })
  }
  return { failed }

  /** Writes one item unless it is there already; returns its size when it was. */
  async function downloadItem (item: ItemEntry): Promise<number> {
    let opened: OpenedItem | undefined
    const open = async (): Promise<OpenedItem> => (opened ??= await openItem(api, collection, item, signal))
    const still = await placeIn(out, safeFileName(item.name), taken, async (path, size) => {
      if (size !== item.size) return false
      if (bytesEqual(await contentTagOfStream(dedupKey, createReadStream(path), { signal }), item.contentTag)) return true
      return await sealsTo(path, await open(), 'original', signal)
    })
    const base = done
    if (!still.present) {
      await writeAtomically(join(out, still.name), readPart(api, await open(), 'original', {
        signal, onProgress: (bytes) => { bar.update(base + bytes, still.name) }
      }))
    }
    let videoPresent = true
    // A Live Photo's video was a file of its own: it comes back beside the still.
    if (item.kind === 'live') {
      const live = await open()
      const { motionName } = live.manifest
      const motion = live.manifest.parts.motion
      if (motionName != null && motion != null) {
        const video = await placeIn(out, safeFileName(motionName), taken, async (path, size) => size === motion.size && await sealsTo(path, live, 'motion', signal))
        if (!video.present) await writeAtomically(join(out, video.name), readPart(api, live, 'motion', { signal }))
        videoPresent = video.present
      }
    }
    if (!still.present || !videoPresent) return 0
    present++
    return item.size
  }
}

/** An item `downloadCollection` could not read, and why. */
export interface ItemFailure {
  name: string
  reason: string
}

/** Whether `err` concerns one item only (a refusal or a failed check), not the whole download. */
function isItemFailure (err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted === true || err instanceof NodeUnreachableError || isIntegrityError(err)) return false
  if (err instanceof ObscuraError) return true
  // Local disk errors (ENOSPC, EACCES) carry a syscall; they would fail every item the same way.
  return (err as { syscall?: unknown }).syscall == null
}
