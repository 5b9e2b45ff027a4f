/**
 * Thumbnails, decrypted on demand. In order of preference: the cached one (sealed in IndexedDB),
 * the manifest's own thumbnail or preview part, or — for photos small enough and in a format the
 * browser (or, for HEIC, libheif) decodes — one made here from the decrypted original on an
 * OffscreenCanvas. Videos and other files without a thumbnail part get none (the page draws a
 * neutral tile). At most a few run at once, the newest request first (the tiles just scrolled
 * into view); a request the page cancels stops where it is.
 */
import { readPart, type PartName } from '../../../src/client/download.ts'
import { servedMime } from '../../../src/client/mime.ts'
import { decodeImage, drawScaled } from './canvas.ts'
import type { WorkerSession } from './session.ts'

/** Largest original decoded to make a thumbnail when the manifest has none. */
const MAX_ORIGINAL_FOR_THUMBNAIL = 40 * 1024 * 1024
/** Shorter side of a generated thumbnail, in pixels (tiles are ~200 CSS px at 2x). */
const THUMB_SIDE = 400
const DECODABLE = /^image\/(jpeg|png|gif|webp|avif|bmp|heic|heif)$/

export async function collect (parts: AsyncIterable<Uint8Array>, type: string): Promise<Blob> {
  const pieces: Uint8Array<ArrayBuffer>[] = []
  for await (const piece of parts) pieces.push(piece as Uint8Array<ArrayBuffer>)
  return new Blob(pieces, { type })
}

/** Scales a decodable image (see decodeImage) down so that its shorter side is THUMB_SIDE. */
export async function downscale (blob: Blob, side = THUMB_SIDE): Promise<Blob> {
  const bitmap = await decodeImage(blob)
  try {
    return (await drawScaled(bitmap, side / Math.min(bitmap.width, bitmap.height), 0.82)).blob
  } finally {
    bitmap.close()
  }
}

export class Thumbnails {
  private readonly session: WorkerSession
  private running = 0
  private readonly waiting: Array<() => void> = []
  private readonly limit: number

  constructor (session: WorkerSession, limit = 12) {
    this.session = session
    this.limit = limit
  }

  async get (itemId: string, signal: AbortSignal): Promise<Blob | null> {
    const cached = await this.session.cache.getBlob('thumbs', itemId)
    if (cached != null) return cached
    await this.slot(signal)
    try {
      signal.throwIfAborted()
      const made = await this.make(itemId, signal)
      // Sealing into the cache need not delay the tile.
      if (made != null) this.session.cache.putBlob('thumbs', itemId, made).catch(() => {})
      return made
    } finally {
      this.running--
      this.waiting.pop()?.()
    }
  }

  private async make (itemId: string, signal: AbortSignal): Promise<Blob | null> {
    const opened = await this.session.open(itemId)
    const { manifest } = opened
    const api = this.session.account.api
    const read = async (part: PartName, type: string): Promise<Blob> => await collect(readPart(api, opened, part, { signal }), type)
    if (manifest.parts.thumbnail != null) return await read('thumbnail', 'image/webp')
    if (manifest.parts.preview != null) return await downscale(await read('preview', 'image/webp'))
    if ((manifest.kind === 'photo' || manifest.kind === 'live') && DECODABLE.test(manifest.mime) && manifest.size <= MAX_ORIGINAL_FOR_THUMBNAIL) {
      return await downscale(await read('original', servedMime(manifest.mime)))
    }
    return null
  }

  private async slot (signal: AbortSignal): Promise<void> {
    while (this.running >= this.limit) {
      await new Promise<void>((resolve) => { this.waiting.push(resolve) })
      if (signal.aborted) {
        this.waiting.pop()?.()
        signal.throwIfAborted()
      }
    }
    this.running++
  }
}
