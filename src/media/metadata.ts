/**
 * `readMetadata`: everything the manifest records about a photo or video, from the file's own
 * bytes, on any platform. It reads only what it needs (a still's first 256 KiB, a HEIF `meta`
 * box, a video's `moov` wherever it is) and never throws for a damaged file: what cannot be read
 * is left out and reported through `onNote`.
 */
import { readExif } from './exif.ts'
import { readHeif } from './heif.ts'
import { readQuickTime } from './quicktime.ts'
import { bytesReader, sourceReader, type RandomAccess } from './reader.ts'
import { FORMAT_MIME, isVideoFormat, sniffFormat } from './sniff.ts'
import { readStill, STILL_HEAD_BYTES } from './stills.ts'
import { readXmp } from './xmp.ts'
import type { MediaSource } from './index.ts'
import type { MediaMetadata } from './metadata-types.ts'

export interface ReadMetadataOptions {
  signal?: AbortSignal
  /** Told, in a sentence for the user, what could not be read. */
  onNote?: (note: string) => void
}

/** Reads a source (from a stream, or by ranges where it can). */
export async function readMetadata (source: Pick<MediaSource, 'size' | 'open' | 'read'> | Uint8Array, options: ReadMetadataOptions = {}): Promise<MediaMetadata> {
  const file = source instanceof Uint8Array ? bytesReader(source) : sourceReader(source, options.signal)
  return await readMetadataFrom(file, options)
}

export async function readMetadataFrom (file: RandomAccess, options: ReadMetadataOptions = {}): Promise<MediaMetadata> {
  const head = await file.read(0, STILL_HEAD_BYTES)
  const format = sniffFormat(head)
  if (format == null) return {}
  const out: MediaMetadata = { mime: FORMAT_MIME[format] }
  try {
    if (format === 'mp4' || format === 'quicktime') return { ...out, ...await readQuickTime(file) }
    // Other containers (WebM, AVI, MPEG-TS…) and raw files: a platform tool (ffprobe) may tell more.
    if (isVideoFormat(format) || format === 'raw' || format === 'bmp') return out
    const info = format === 'heif' || format === 'avif' ? await readHeif(file) : readStill(format, head)
    let exif: MediaMetadata = {}
    if (info.exif != null) {
      try {
        exif = await readExif(info.exif)
      } catch (err) {
        options.onNote?.(`its EXIF metadata is damaged (${(err as Error).message}); uploaded without it`)
      }
    }
    const xmp = info.xmp != null ? readXmp(info.xmp) : {}
    Object.assign(out, xmp, exif)
    // The container's size is the real pixel size; EXIF's may predate an edit.
    if (info.width != null && info.height != null && info.width > 0 && info.height > 0) {
      out.width = info.width
      out.height = info.height
    }
    return out
  } catch (err) {
    options.signal?.throwIfAborted()
    options.onNote?.(`its metadata could not be read (${(err as Error).message}); uploaded without it`)
    return out
  }
}
