/**
 * The browser's MediaProcessor (src/media/index.ts), run inside the crypto worker: metadata from
 * the portable parser, thumbnails and previews drawn with createImageBitmap (which applies the
 * EXIF orientation) on an OffscreenCanvas and encoded as WebP. Video posters need a <video>
 * element, which workers lack, so they are asked of the page (`poster`). HEIC is decoded by
 * libheif in WebAssembly (canvas.ts), as in the CLI. A format neither can decode is stored
 * without renditions and says so in a note.
 */
import { readMetadata } from '../../../src/media/metadata.ts'
import { decodeImage, drawScaled } from './canvas.ts'
import { findEmbeddedVideo } from '../../../src/media/motion-photo.ts'
import { readAll, sourceReader } from '../../../src/media/reader.ts'
import { decodesEverywhere, FORMAT_MIME, isVideoFormat, sniffFormat } from '../../../src/media/sniff.ts'
import { readStill, STILL_HEAD_BYTES } from '../../../src/media/stills.ts'
import { PREVIEW_SIZE, THUMBNAIL_SIZE, type MediaDescription, type MediaProcessor, type MediaSource, type Rendition } from '../../../src/media/index.ts'

const DRAWABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif'])
const MAX_IMAGE_BYTES = 256 * 1024 * 1024

/** Asks the page for a poster frame of a video (a JPEG or WebP Blob), or undefined if it cannot. */
export type PosterSource = (source: MediaSource, signal?: AbortSignal) => Promise<Blob | undefined>

async function rendition (bitmap: ImageBitmap, longest: number): Promise<Rendition> {
  const quality = longest === THUMBNAIL_SIZE ? 0.78 : 0.85
  const { blob, width, height } = await drawScaled(bitmap, longest / Math.max(bitmap.width, bitmap.height), quality)
  return { bytes: new Uint8Array(await blob.arrayBuffer()), mime: blob.type, width, height }
}

/** Thumbnail and (for images larger than a thumbnail) preview of any image decodeImage decodes. */
export async function renditionsOf (image: Blob, description: MediaDescription): Promise<void> {
  const bitmap = await decodeImage(image)
  try {
    description.thumbnail = await rendition(bitmap, THUMBNAIL_SIZE)
    if (Math.max(bitmap.width, bitmap.height) > THUMBNAIL_SIZE) description.preview = await rendition(bitmap, PREVIEW_SIZE)
  } finally {
    bitmap.close()
  }
}

export function createBrowserMediaProcessor (poster?: PosterSource): MediaProcessor {
  return {
    async describe (source, { signal } = {}) {
      const notes: string[] = []
      const onNote = (note: string): void => { notes.push(note) }
      const head = await sourceReader(source, signal).read(0, STILL_HEAD_BYTES)
      const format = sniffFormat(head)
      const mime = source.mime ?? ''
      if (isVideoFormat(format) || (format == null && mime.startsWith('video/'))) {
        const description: MediaDescription = { metadata: await readMetadata(source, { signal, onNote }), notes }
        const frame = await poster?.(source, signal).catch(() => undefined)
        if (frame != null) await renditionsOf(frame, description).catch(() => { notes.push('this browser could not draw a frame of this video') })
        else notes.push('this browser could not take a frame of this video, so it has no poster')
        return description
      }
      if (format == null && !mime.startsWith('image/')) return { metadata: {}, notes }
      if (source.size > MAX_IMAGE_BYTES) return { metadata: await readMetadata(source, { signal, onNote }), notes: [...notes, 'this image is too large to make a thumbnail from; it is stored without one'] }
      const bytes = await readAll(source, signal)
      const description: MediaDescription = { metadata: await readMetadata(bytes, { signal, onNote }), notes }
      if (format === 'jpeg') {
        const embedded = findEmbeddedVideo(bytes, readStill('jpeg', bytes.subarray(0, STILL_HEAD_BYTES)).xmp)
        if (embedded != null) description.motion = bytes.subarray(embedded.start, embedded.end)
      }
      if (format != null && DRAWABLE.has(format)) {
        await renditionsOf(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: FORMAT_MIME[format] }), description).catch((err: unknown) => {
          signal?.throwIfAborted()
          if (decodesEverywhere(format)) description.damaged = true
          notes.push(`this image could not be decoded (${(err as Error).message}), so it has no thumbnail`)
        })
      } else if (format != null) {
        notes.push('this browser cannot decode this image format, so it is stored without a thumbnail (the command-line upload makes one)')
      }
      return description
    }
  }
}
