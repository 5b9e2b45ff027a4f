/**
 * The upload queue inside the worker. Files arrive from the page (File objects, read here with
 * File.stream(), never copied into the page's memory), grouped by destination: an album, a
 * folder (the user's own, or one shared with them as a collaborator), or — for a dropped or
 * picked folder — sub-folders that follow the files' paths. Each group goes through the client
 * library's uploadFiles with the IndexedDB journal, so an interrupted upload resumes without
 * re-sending finished blocks once the same files are chosen again. Files that are no photo or
 * video, empty or damaged are refused one by one ([Note: what an upload accepts]). Progress is
 * sent to the page a few times a second, and each finished file is committed at once unless
 * the last commit is under a second old, so the library's counts follow the files.
 */
import { fallbackNote, transportFor, type BlockTransport } from '../../../src/client/blocks.ts'
import { uploadFiles, withOwnLibrary, type UploadSource } from '../../../src/client/upload.ts'
import type { CollectionState } from '../../../src/client/collection.ts'
import type { MediaProcessor, MediaSource } from '../../../src/media/index.ts'
import { createBrowserMediaProcessor } from './media-processor.ts'
import { pagePosters } from './posters.ts'
import { describeError } from './errors.ts'
import type { WorkerSession, Post } from './session.ts'
import type { UploadFile, UploadFileStatus, UploadTarget } from './protocol.ts'

const GROUP = 50
const COMMIT_EVERY_MS = 1000
const PROGRESS_EVERY_MS = 150

interface Queued { status: UploadFileStatus, file: File, dir: string, target: UploadTarget }

async function * chunksOf (stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** An upload source over a File: streamed for hashing and encryption, sliced for metadata. */
export function sourceOf (file: File): UploadSource & MediaSource {
  return {
    name: file.name,
    size: file.size,
    mtime: file.lastModified,
    mime: file.type !== '' ? file.type : undefined,
    open: () => chunksOf(file.stream()),
    read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer())
  }
}

export class Uploads {
  private readonly session: WorkerSession
  private readonly post: Post
  private queue: Queued[] = []
  private nextKey = 1
  private controller?: AbortController
  private running = false
  private samples: Array<{ at: number, bytes: number }> = []
  private lastPost = 0
  private error?: { code: string, message: string }
  /** How blocks travel to this session's node: its stats say whether direct S3 uploads fell back. */
  private transport?: BlockTransport
  private readonly files = new WeakMap<MediaSource, File>()
  private readonly media: MediaProcessor

  constructor (session: WorkerSession, post: Post) {
    this.session = session
    this.post = post
    this.media = createBrowserMediaProcessor(pagePosters(post, (source) => this.files.get(source)))
  }

  enqueue (files: UploadFile[], target: UploadTarget): void {
    if (!this.running) this.queue = this.queue.filter((q) => q.status.state === 'queued')
    this.error = undefined
    for (const { file, path } of files) {
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
      this.queue.push({ file, dir, target, status: { key: this.nextKey++, name: file.name, size: file.size, bytes: 0, state: 'queued' } })
    }
    const start = !this.running
    this.running = true
    this.report(true)
    void this.savePending()
    if (start) void this.run()
  }

  /** Cancels one queued file, or (without a key) everything still to do. */
  cancel (key?: number): void {
    for (const q of this.queue) {
      if ((key == null || q.status.key === key) && q.status.state === 'queued') q.status.state = 'cancelled'
    }
    if (key == null) this.controller?.abort(new DOMException('upload cancelled', 'AbortError'))
    this.report(true)
  }

  private async run (): Promise<void> {
    this.running = true
    try {
      for (;;) {
        const first = this.queue.find((q) => q.status.state === 'queued')
        if (first == null) break
        const group = this.queue.filter((q) => q.status.state === 'queued' && q.target === first.target && q.dir === first.dir).slice(0, GROUP)
        if (!await this.runGroup(group)) break
      }
    } finally {
      this.running = false
      this.controller = undefined
      this.report(true)
      await this.savePending()
      await this.session.refresh().catch(() => { this.session.publish() })
    }
  }

  /** Uploads one group; false when the queue must stop (cancelled, quota full, node gone). */
  private async runGroup (group: Queued[]): Promise<boolean> {
    const controller = this.controller = new AbortController()
    let current: Queued | undefined
    const byName = (name: string): Queued | undefined => group.find((q) => q.status.name === name && q.status.state === 'queued')
    try {
      this.transport ??= await transportFor(this.session.library.account.api)
      const targets = await this.targetsFor(group[0] as Queued)
      const sources = group.map((q) => {
        const source = sourceOf(q.file)
        this.files.set(source, q.file)
        return source
      })
      await uploadFiles(this.session.library, sources, {
        targets,
        journal: this.session.journal,
        signal: controller.signal,
        media: this.media,
        mediaOnly: true,
        commitEveryMs: COMMIT_EVERY_MS,
        concurrency: 6,
        onProgress: (event) => {
          if (event.type === 'obscura:upload:note') {
            const noted = group.find((q) => q.status.name === event.name)
            if (noted != null) noted.status.note = event.note
          } else if (event.type === 'obscura:upload:file-start') {
            // With Live Photo pairing, indexes count pairs, not files: names are what match.
            current = byName(event.name)
            if (current != null) current.status.state = 'checking'
          } else if (event.type === 'obscura:upload:bytes' && current != null) {
            current.status.state = 'uploading'
            current.status.bytes = Math.min(event.fileBytes, current.status.size)
          } else if (event.type === 'obscura:upload:refused' && current != null) {
            current.status.state = 'refused'
            current.status.error = event.reason
            current.status.note = undefined
          } else if (event.type === 'obscura:upload:file-done' && current != null) {
            current.status.bytes = current.status.size
            current.status.state = event.skipped === 'duplicate' ? 'duplicate' : 'done'
          } else if (event.type === 'obscura:upload:committed') {
            this.session.publish()
            void this.savePending()
          }
          // Per-file events always reach the page; byte counts a few times a second.
          this.report(event.type !== 'obscura:upload:bytes')
        }
      })
      // The motion halves of Live Photos travel with their stills and get no events of their own.
      for (const q of group) if (q.status.state === 'queued') { q.status.state = 'done'; q.status.bytes = q.status.size }
      return true
    } catch (err) {
      const described = describeError(err)
      const cancelled = controller.signal.aborted
      for (const q of group) {
        if (q.status.state === 'done' || q.status.state === 'duplicate' || q.status.state === 'refused') continue
        q.status.state = cancelled ? 'cancelled' : 'failed'
        if (!cancelled) q.status.error = described.message
      }
      if (!cancelled) {
        this.error = described
        for (const q of this.queue) if (q.status.state === 'queued') { q.status.state = 'failed'; q.status.error = described.message }
      }
      return false
    }
  }

  private async targetsFor (q: Queued): Promise<CollectionState[]> {
    const { library } = this.session
    const base = q.target.collection != null ? this.session.uploadTarget(q.target.collection) : undefined
    // Sub-folders of a folder someone shares would be theirs to make: files go into it as they are.
    if (base?.shared === true) return withOwnLibrary(library, [base.state])
    if (base?.state.kind === 'album' || !q.target.foldersFromPaths || q.dir === '') return base != null ? [base.state] : []
    const prefix = base != null ? `${library.folderPath(base.state)}/` : ''
    return [await library.ensureFolder(prefix + q.dir)]
  }

  private report (force: boolean): void {
    const now = performance.now()
    if (!force && now - this.lastPost < PROGRESS_EVERY_MS) return
    this.lastPost = now
    const files = this.queue.map((q) => ({ ...q.status }))
    const counted = files.filter((f) => f.state !== 'cancelled' && f.state !== 'refused')
    const doneBytes = counted.reduce((sum, f) => sum + f.bytes, 0)
    this.samples.push({ at: now, bytes: doneBytes })
    this.samples = this.samples.filter((s) => now - s.at <= 4000)
    const oldest = this.samples[0] as { at: number, bytes: number }
    const speed = now - oldest.at > 300 ? (doneBytes - oldest.bytes) / ((now - oldest.at) / 1000) : 0
    this.post({
      event: 'upload',
      progress: {
        files,
        totalBytes: counted.reduce((sum, f) => sum + f.size, 0),
        doneBytes,
        speed,
        running: this.running,
        error: this.error,
        transferNote: this.transport != null ? fallbackNote(this.transport) : undefined
      }
    })
  }

  /** The sealed list of files not uploaded yet, shown after a reload so they can be chosen again. */
  private async savePending (): Promise<void> {
    const left = this.queue.filter((q) => q.status.state === 'queued' || q.status.state === 'checking' || q.status.state === 'uploading')
    await this.session.cache.putJson('pending', 'uploads', left.map((q) => ({ name: q.status.name, size: q.status.size }))).catch(() => {})
  }
}
