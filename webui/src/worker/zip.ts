/**
 * Zip downloads: several items (a selection, an album, a public link's album) saved as one zip,
 * made here as the originals are decrypted, so that keys stay in this worker and the zip is never
 * whole in memory. The zip is pulled piece by piece: the Service Worker streams it to disk as a
 * download (`/_zip/<job>`), asking the page, which asks here, for the next piece only when the
 * browser has written the last one. Entries are stored, not compressed (photos and videos are
 * compressed already), by `client-zip`, which also writes ZIP64 for archives past 4 GiB.
 * Each entry has the item's own file name, a clash becoming "name (2).jpg"; a Live Photo gives
 * both halves, the still and its motion video under the name it was uploaded with. A motion
 * photo (the video inside the JPEG) is one file, as it was uploaded.
 */
import { makeZip } from 'client-zip'
import { readPart, type OpenedItem } from '../../../src/client/download.ts'
import type { NodeApi } from '../../../src/client/api.ts'
import type { ZipProgress } from './protocol.ts'

/** One file of the zip: its name before deduplication, date, exact size and its bytes. */
export interface ZipFile {
  name: string
  lastModified: Date
  size: number
  read: (signal: AbortSignal) => AsyncIterable<Uint8Array>
}

/** Where a job's items come from: the logged-in library, or a public link. */
export type ZipSource = (itemId: string, signal: AbortSignal) => Promise<ZipFile[]>

/** Most bytes gathered into one answer to a pull (client-zip emits headers of a few dozen bytes). */
const PIECE = 1024 * 1024
/** Least time between two progress events. */
const PROGRESS_MS = 200

/** The files an item gives: its original, and for a Live Photo uploaded as two files, its motion video. */
export function filesOf (api: NodeApi, opened: OpenedItem): ZipFile[] {
  const { manifest } = opened
  const lastModified = new Date(manifest.takenAt?.utcMs ?? manifest.mtime ?? Date.now())
  const part = (name: string, which: 'original' | 'motion', size: number): ZipFile =>
    ({ name, lastModified, size, read: (signal) => readPart(api, opened, which, { signal }) })
  const files = [part(manifest.name, 'original', manifest.parts.original.size)]
  const motion = manifest.parts.motion
  if (motion != null && manifest.motionName != null) files.push(part(manifest.motionName, 'motion', motion.size))
  return files
}

/**
 * Names as they go into the zip: a name already taken (compared without case, as the file
 * systems people unzip onto do) gets " (2)", " (3)" … before its extension. Path separators
 * become "_" so that an entry never lands outside the folder it is unzipped into.
 */
export class ZipNames {
  private readonly taken = new Set<string>()

  claim (name: string): string {
    const clean = name.replace(/[/\\]/g, '_').replace(/^\.+$/, '_') || 'file'
    const dot = clean.lastIndexOf('.')
    const [stem, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, '']
    let candidate = clean
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`
    this.taken.add(candidate.toLowerCase())
    return candidate
  }
}

export class ZipJob {
  readonly id: string
  private readonly controller = new AbortController()
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  private readonly progress: ZipProgress
  private readonly post: (progress: ZipProgress) => void
  private lastPost = 0

  constructor (id: string, name: string, itemIds: string[], source: ZipSource, post: (progress: ZipProgress) => void) {
    this.id = id
    this.post = post
    this.progress = { id, name, items: itemIds.length, doneItems: 0, bytes: 0, state: 'running' }
    this.reader = makeZip(this.entries(itemIds, source)).getReader()
    this.report(true)
  }

  private async * entries (itemIds: string[], source: ZipSource): AsyncGenerator<{ name: string, lastModified: Date, size: number, input: AsyncIterable<Uint8Array> }> {
    const names = new ZipNames()
    const signal = this.controller.signal
    for (const id of itemIds) {
      signal.throwIfAborted()
      for (const file of await source(id, signal)) {
        yield { name: names.claim(file.name), lastModified: file.lastModified, size: file.size, input: this.counted(file.read(signal)) }
      }
      this.progress.doneItems++
      this.report(false)
    }
  }

  private async * counted (pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of pieces) {
      this.progress.bytes += piece.byteLength
      this.report(false)
      yield piece
    }
  }

  private report (now: boolean): void {
    if (!now && Date.now() - this.lastPost < PROGRESS_MS) return
    this.lastPost = Date.now()
    this.post({ ...this.progress })
  }

  /** The next piece of the zip, up to about 1 MiB; `done` once it has all been given. */
  async pull (): Promise<{ bytes: Uint8Array, done: boolean }> {
    const pieces: Uint8Array[] = []
    let length = 0
    let done = false
    try {
      while (length < PIECE) {
        const next = await this.reader.read()
        if (next.done) { done = true; break }
        pieces.push(next.value)
        length += next.value.byteLength
      }
    } catch (err) {
      this.finish(this.controller.signal.aborted ? 'cancelled' : 'failed', err)
      throw this.controller.signal.aborted ? Object.assign(new Error('the download was cancelled'), { code: 'CANCELLED' }) : err
    }
    const bytes = new Uint8Array(length)
    let at = 0
    for (const piece of pieces) { bytes.set(piece, at); at += piece.byteLength }
    if (done) this.finish('done')
    return { bytes, done }
  }

  cancel (): void {
    if (this.progress.state !== 'running') return
    this.controller.abort(new DOMException('cancelled', 'AbortError'))
    this.reader.cancel().catch(() => {})
    this.finish('cancelled')
  }

  get running (): boolean { return this.progress.state === 'running' }

  private finish (state: ZipProgress['state'], err?: unknown): void {
    if (this.progress.state !== 'running') return
    this.progress.state = state
    if (state === 'failed') this.progress.error = err instanceof Error ? err.message : String(err)
    this.report(true)
  }
}

/** The jobs of this worker, by id: one per zip being saved. */
export class ZipJobs {
  private readonly jobs = new Map<string, ZipJob>()
  private readonly post: (progress: ZipProgress) => void

  constructor (post: (progress: ZipProgress) => void) {
    this.post = post
  }

  start (name: string, itemIds: string[], source: ZipSource): string {
    const id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
    this.jobs.set(id, new ZipJob(id, name, itemIds, source, (progress) => {
      if (progress.state !== 'running') this.jobs.delete(id)
      this.post(progress)
    }))
    return id
  }

  get (id: string): ZipJob {
    const job = this.jobs.get(id)
    if (job == null) throw Object.assign(new Error('no such download (it finished or was cancelled)'), { code: 'NOT_FOUND' })
    return job
  }

  cancel (id?: string): void {
    for (const job of id != null ? [this.jobs.get(id)] : [...this.jobs.values()]) job?.cancel()
  }

  /** The whole zip as a Blob, for a page no Service Worker controls (held in memory: the fallback). */
  async blob (id: string): Promise<Blob> {
    const job = this.get(id)
    const parts: Uint8Array[] = []
    for (;;) {
      const { bytes, done } = await job.pull()
      parts.push(bytes)
      if (done) break
    }
    return new Blob(parts as BlobPart[], { type: 'application/octet-stream' })
  }
}
