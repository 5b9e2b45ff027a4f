/**
 * Reading an item's parts for the viewer: its details (from the decrypted manifest), a whole
 * part as a Blob (photos, downloads), and byte ranges for the Service Worker that streams video
 * (only the chunks that cover the range are fetched and decrypted, so playback starts at once
 * and seeking jumps). Details are cached sealed in IndexedDB, which is what the map reads.
 * Bytes leave here typed by `partType`, never by the manifest's word alone ([Note: shown media
 * types] in src/client/mime.ts).
 */
import { fallbackNote, transportFor } from '../../../src/client/blocks.ts'
import { readPart, readRange, type OpenedItem } from '../../../src/client/download.ts'
import { servedMime } from '../../../src/client/mime.ts'
import { CHUNK_SIZE } from '../../../src/crypto/stream.ts'
import { isHeif } from './canvas.ts'
import { collect, downscale } from './thumbnails.ts'
import type { Post, WorkerSession } from './session.ts'
import type { NodeApi } from '../../../src/client/api.ts'
import type { Manifest } from '../../../src/format/manifest.ts'
import type { ItemDetails, RangeReply, RangeRequest } from './protocol.ts'

/** The parts an item may have, in the order the viewer lists them. */
export const ITEM_PARTS = ['original', 'motion', 'thumbnail', 'preview'] as const

/** What every viewer shows of an item, from its manifest; the caller adds its parts and, in the app, place and camera. */
export function basicDetails (itemId: string, manifest: Manifest): Omit<ItemDetails, 'parts'> {
  return {
    id: itemId,
    name: manifest.name,
    mime: manifest.mime,
    kind: manifest.kind,
    size: manifest.size,
    takenAt: manifest.takenAt?.utcMs ?? manifest.mtime ?? 0,
    width: manifest.width,
    height: manifest.height,
    durationMs: manifest.durationMs
  }
}

/** Shorter side of a preview drawn on this device for a photo stored without one. */
const DRAWN_PREVIEW_SIDE = 1600

/**
 * [Note: previews drawn on the device]
 * A photo stored without a preview whose original an <img> cannot show (a HEIC: its uploader
 * had no decoder, or an older client made no preview) would show as a broken image; so would
 * any photo whose original a no-download link withholds. For those the viewer is offered a
 * 'preview' part that this worker draws from the original (decoded here, HEIC included) when
 * it is asked for, whole or as a Service Worker range.
 */
export function drawsPreview (item: Pick<ItemDetails, 'kind' | 'mime'>, storedParts: readonly string[], originalWithheld = false): boolean {
  return !storedParts.includes('preview') && (item.kind === 'photo' || item.kind === 'live') && (originalWithheld || isHeif(item.mime))
}

/** The parts the viewer may ask for: those stored (less a withheld original), and a preview drawn here when one is needed. */
export function viewerParts (manifest: Manifest, originalWithheld = false): ItemDetails['parts'] {
  const stored = ITEM_PARTS.filter((p) => manifest.parts[p] != null)
  const shown = stored.filter((p) => !(p === 'original' && originalWithheld))
  return drawsPreview(manifest, stored, originalWithheld) ? [...shown, 'preview'] : shown
}

/** A whole part, typed by `partType`; a preview the item was stored without is drawn from its original. */
export async function partBlobOf (api: NodeApi, opened: OpenedItem, part: 'original' | 'preview' | 'motion', signal?: AbortSignal): Promise<Blob> {
  const read = async (which: 'original' | 'preview' | 'motion'): Promise<Blob> => await collect(readPart(api, opened, which, { signal }), partType(opened.manifest.mime, which))
  if (part === 'preview' && opened.manifest.parts.preview == null) return await downscale(await read('original'), DRAWN_PREVIEW_SIDE)
  return await read(part)
}

/**
 * Bytes of a part for the Service Worker. Answers end on a chunk boundary, so the next request
 * starts at a fresh chunk; a drawn preview (small, drawn once) is answered whole.
 */
export async function rangeOf (api: NodeApi, opened: OpenedItem, request: RangeRequest): Promise<RangeReply> {
  const { manifest } = opened
  if (request.part === 'preview' && manifest.parts.preview == null) {
    const drawn = await partBlobOf(api, opened, 'preview')
    return { size: drawn.size, mime: drawn.type, name: manifest.name, start: 0, bytes: await drawn.arrayBuffer() }
  }
  const size = manifest.parts[request.part]?.size ?? 0
  const start = Math.min(request.start, size)
  const end = Math.min(request.end, size, (Math.floor(start / CHUNK_SIZE) * CHUNK_SIZE) + MAX_RANGE)
  const bytes = await readRange(api, opened, request.part, start, end)
  return { size, mime: partType(manifest.mime, request.part), name: manifest.name, start, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }
}

/** Most bytes one range answer carries: video elements ask for `bytes=N-` and come back for more. */
const MAX_RANGE = 2 * CHUNK_SIZE

/** The type a part's decrypted bytes get: the original's claimed type if allowlisted; the renditions this app makes. */
export function partType (claimedMime: string, part: 'original' | 'preview' | 'motion' | 'thumbnail'): string {
  return part === 'original' ? servedMime(claimedMime) : part === 'motion' ? 'video/mp4' : 'image/webp'
}

export class Media {
  private readonly session: WorkerSession
  private readonly post: Post
  /** Whether the page was told that direct S3 transfers fell back to the gateway. */
  private noted = false

  constructor (session: WorkerSession, post: Post) {
    this.session = session
    this.post = post
  }

  /** After a read: tells the page, once, when direct S3 transfers went through the node's gateway instead (and why). */
  private noteFallback (): void {
    if (this.noted) return
    transportFor(this.session.account.api).then((transport) => {
      const note = fallbackNote(transport)
      if (note == null || this.noted) return
      this.noted = true
      this.post({ event: 'transfer-note', note })
    }, () => {})
  }

  async details (itemId: string): Promise<ItemDetails> {
    const cached = await this.session.cache.getJson<ItemDetails>('meta', itemId)
    // Details cached before previews were drawn here lack the drawn one.
    if (cached != null) return drawsPreview(cached, cached.parts) ? { ...cached, parts: [...cached.parts, 'preview'] } : cached
    const { manifest } = await this.session.open(itemId)
    const details: ItemDetails = {
      ...basicDetails(itemId, manifest),
      gps: manifest.gps,
      camera: manifest.camera,
      exposure: manifest.exposure,
      parts: viewerParts(manifest)
    }
    await this.session.cache.putJson('meta', itemId, details)
    return details
  }

  async partBlob (itemId: string, part: 'original' | 'preview' | 'motion', signal?: AbortSignal): Promise<Blob> {
    const blob = await partBlobOf(this.session.account.api, await this.session.open(itemId), part, signal)
    this.noteFallback()
    return blob
  }

  async range (request: RangeRequest): Promise<RangeReply> {
    const reply = await rangeOf(this.session.account.api, await this.session.open(request.itemId), request)
    this.noteFallback()
    return reply
  }

  /** Places of geotagged items; reads each item's details once (then from the sealed cache). */
  async gpsPoints (itemIds: string[], signal?: AbortSignal): Promise<Array<{ id: string, lat: number, lon: number }>> {
    const points: Array<{ id: string, lat: number, lon: number }> = []
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < itemIds.length) {
        signal?.throwIfAborted()
        const id = itemIds[next++] as string
        const details = await this.details(id).catch(() => undefined)
        if (details?.gps != null) points.push({ id, lat: details.gps.lat, lon: details.gps.lon })
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker))
    return points
  }
}
