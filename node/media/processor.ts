/**
 * The Node media back end used by the CLI: metadata from the portable parser (src/media), pixels
 * from sharp, HEIC through libheif in WebAssembly, video posters and probing through ffmpeg.
 * Whatever fails on one file (a truncated JPEG, a codec ffmpeg lacks, no ffmpeg at all) leaves a
 * placeholder thumbnail and a note, never an error: the original is what matters, and it is
 * stored byte-identical either way.
 *
 * @example
 * ```ts
 * const media = createNodeMediaProcessor()
 * await uploadFiles(library, sources, { targets: [], media })
 * ```
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readMetadata } from '../../src/media/metadata.ts'
import { findEmbeddedVideo } from '../../src/media/motion-photo.ts'
import { readAll, sourceReader } from '../../src/media/reader.ts'
import { decodesEverywhere, isVideoFormat, sniffFormat } from '../../src/media/sniff.ts'
import { readStill, STILL_HEAD_BYTES } from '../../src/media/stills.ts'
import { mimeFromName } from '../../src/client/mime.ts'
import { decodeHeic } from '../../src/media/heic.ts'
import { placeholder, renditionsOfImage, renditionsOfPixels, type Renditions } from './images.ts'
import { findFfmpeg, hasTool } from './ffmpeg.ts'
import { posterFrame, probe, type FfmpegTools } from './video.ts'
import type { MediaDescription, MediaProcessor, MediaSource } from '../../src/media/index.ts'

export interface NodeMediaOptions {
  /** ffmpeg and ffprobe binaries (default: the PATH's, else npm's: ffmpeg.ts); `false` turns video posters off. */
  ffmpeg?: FfmpegTools | false
  /** Images larger than this are stored without renditions (default 256 MiB). */
  maxImageBytes?: number
}

/** Extra timings the benchmark reads (ms); absent stages took no time. */
export interface NodeMediaDescription extends MediaDescription {
  timings: { metadataMs: number, decodeMs: number, thumbnailMs: number, previewMs: number }
}

function reason (err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0]?.replace(/^Input buffer contains unsupported image format$/, 'unsupported image format') ?? 'unknown error'
}

/** A MediaProcessor whose descriptions also say how long each stage took. */
export interface NodeMediaProcessor extends MediaProcessor {
  describe: (source: MediaSource, options?: { signal?: AbortSignal }) => Promise<NodeMediaDescription>
}

export function createNodeMediaProcessor (options: NodeMediaOptions = {}): NodeMediaProcessor {
  let videoTools: Promise<FfmpegTools | undefined> | undefined
  /** The ffmpeg to use, looked for at the first video; undefined when none runs. */
  async function findTools (): Promise<FfmpegTools | undefined> {
    const configured = options.ffmpeg
    if (configured === false) return undefined
    if (configured != null) return await hasTool(configured.ffmpeg) ? configured : undefined
    const found = await findFfmpeg()
    return found.ffmpeg != null ? { ffmpeg: found.ffmpeg.path, ffprobe: found.ffprobe?.path ?? 'ffprobe' } : undefined
  }
  const maxImageBytes = options.maxImageBytes ?? 256 * 1024 * 1024

  async function describe (source: MediaSource, { signal }: { signal?: AbortSignal } = {}): Promise<NodeMediaDescription> {
    const notes: string[] = []
    const timings = { metadataMs: 0, decodeMs: 0, thumbnailMs: 0, previewMs: 0 }
    const reader = sourceReader(withFileRead(source), signal)
    const head = await reader.read(0, STILL_HEAD_BYTES)
    const format = sniffFormat(head)
    const kind = isVideoFormat(format) || (format == null && mimeOf(source).startsWith('video/'))
      ? 'video'
      : format != null || mimeOf(source).startsWith('image/') ? 'photo' : 'other'
    const onNote = (note: string): void => { notes.push(note) }
    const took = (stage: keyof typeof timings, started: number): void => { timings[stage] += performance.now() - started }

    if (kind === 'other') return { metadata: {}, notes, timings }

    if (kind === 'video') {
      let started = performance.now()
      const metadata = await readMetadata(withFileRead(source), { signal, onNote })
      took('metadataMs', started)
      const description: NodeMediaDescription = { metadata, notes, timings }
      const tools = await (videoTools ??= findTools())
      if (tools == null) {
        notes.push('no video frame extractor (ffmpeg) was found, neither on the PATH nor from npm, so a placeholder poster stands in for this video; run `npm install` or install ffmpeg, and upload again for real posters')
        description.thumbnail = await placeholder('video')
        return description
      }
      await withLocalFile(source, signal, async (path) => {
        started = performance.now()
        if (metadata.width == null || metadata.durationMs == null) {
          // Containers the portable parser does not read (WebM, Matroska, AVI): ffprobe fills the gaps.
          const probed = await probe(tools, path, signal).catch(() => ({}))
          Object.assign(metadata, { ...probed, ...metadata })
        }
        took('metadataMs', started)
        try {
          started = performance.now()
          const frame = await posterFrame(tools, path, metadata.durationMs, signal)
          took('decodeMs', started)
          addRenditions(description, await renditionsOfImage(frame))
        } catch (err) {
          signal?.throwIfAborted()
          notes.push(`ffmpeg could not take a frame from this video (${reason(err).replace(`${path}: `, '')}), so a placeholder poster stands in for it`)
          description.thumbnail = await placeholder('video')
        }
      })
      return description
    }

    if (source.size > maxImageBytes) {
      const started = performance.now()
      const metadata = await readMetadata(withFileRead(source), { signal, onNote })
      took('metadataMs', started)
      notes.push(`this image is too large to make a thumbnail from (over ${Math.round(maxImageBytes / 1024 / 1024)} MiB); it is stored without one`)
      return { metadata, notes, timings }
    }

    const bytes = source.path != null ? new Uint8Array(await readFile(source.path)) : await readAll(source, signal)
    let started = performance.now()
    const metadata = await readMetadata(bytes, { signal, onNote })
    const description: NodeMediaDescription = { metadata, notes, timings }
    if (format === 'jpeg') {
      const embedded = findEmbeddedVideo(bytes, readStill('jpeg', bytes.subarray(0, STILL_HEAD_BYTES)).xmp)
      if (embedded != null) {
        description.motion = bytes.subarray(embedded.start, embedded.end)
        const motion = await readMetadata(description.motion, { signal })
        if (motion.durationMs != null) metadata.durationMs = motion.durationMs
      }
    }
    took('metadataMs', started)
    try {
      started = performance.now()
      let renditions: Renditions
      if (format === 'heif') {
        const pixels = await decodeHeic(bytes)
        timings.decodeMs += performance.now() - started
        renditions = await renditionsOfPixels(pixels.rgba, pixels.width, pixels.height)
      } else {
        renditions = await renditionsOfImage(bytes)
      }
      addRenditions(description, renditions)
    } catch (err) {
      signal?.throwIfAborted()
      if (decodesEverywhere(format)) description.damaged = true
      notes.push(`this image could not be decoded (${reason(err)}), so a placeholder thumbnail stands in for it`)
      description.thumbnail = await placeholder('photo')
    }
    return description
  }

  return { describe }
}

function addRenditions (description: NodeMediaDescription, renditions: Renditions): void {
  description.thumbnail = renditions.thumbnail
  if (renditions.preview != null) description.preview = renditions.preview
  description.timings.decodeMs += renditions.timings.decodeMs
  description.timings.thumbnailMs += renditions.timings.thumbnailMs
  description.timings.previewMs += renditions.timings.previewMs
}

function mimeOf (source: MediaSource): string {
  return source.mime ?? mimeFromName(source.name)
}

/** Adds ranged reads through a file handle when the source has a path and no reader of its own. */
function withFileRead (source: MediaSource): MediaSource {
  if (source.read != null || source.path == null) return source
  const path = source.path
  return {
    ...source,
    read: async (start, end) => {
      const handle = await open(path, 'r')
      try {
        const out = new Uint8Array(end - start)
        const { bytesRead } = await handle.read(out, 0, out.length, start)
        return out.subarray(0, bytesRead)
      } finally {
        await handle.close()
      }
    }
  }
}

/** Runs `use` with a path ffmpeg can open: the source's own, or a temporary copy. */
async function withLocalFile (source: MediaSource, signal: AbortSignal | undefined, use: (path: string) => Promise<void>): Promise<void> {
  if (source.path != null) return await use(source.path)
  const dir = await mkdtemp(join(tmpdir(), 'obscura-media-'))
  try {
    const path = join(dir, 'input')
    await writeFile(path, source.open(), { signal })
    await use(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
