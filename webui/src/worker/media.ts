/**
 * Reading an item's parts for the viewer: its details (from the decrypted manifest), a whole
 * part as a Blob (photos, downloads), and byte ranges for the Service Worker that streams video
 * (only the chunks that cover the range are fetched and decrypted, so playback starts at once
 * and seeking jumps). Details are cached sealed in IndexedDB, which is what the map reads.
 * Bytes leave here typed by `partType`, never by the manifest's word alone ([Note: shown media
 * types] in src/client/mime.ts).
 */
import { fallbackNote, transportFor } from '../../../src/client/blocks.ts'
import { readPart, readRange } from '../../../src/client/download.ts'
import { servedMime } from '../../../src/client/mime.ts'
import { CHUNK_SIZE } from '../../../src/crypto/stream.ts'
import { collect } from './thumbnails.ts'
import type { Post, WorkerSession } from './session.ts'
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
    if (cached != null) return cached
    const { manifest } = await this.session.open(itemId)
    const details: ItemDetails = {
      ...basicDetails(itemId, manifest),
      gps: manifest.gps,
      camera: manifest.camera,
      exposure: manifest.exposure,
      parts: ITEM_PARTS.filter((p) => manifest.parts[p] != null)
    }
    await this.session.cache.putJson('meta', itemId, details)
    return details
  }

  async partBlob (itemId: string, part: 'original' | 'preview' | 'motion', signal?: AbortSignal): Promise<Blob> {
    const opened = await this.session.open(itemId)
    const blob = await collect(readPart(this.session.account.api, opened, part, { signal }), partType(opened.manifest.mime, part))
    this.noteFallback()
    return blob
  }

  async range (request: RangeRequest): Promise<RangeReply> {
    const opened = await this.session.open(request.itemId)
    const { manifest } = opened
    const descriptor = manifest.parts[request.part]
    const size = descriptor?.size ?? 0
    const start = Math.min(request.start, size)
    // Answers end on a chunk boundary, so the next request starts at a fresh chunk.
    const boundary = (Math.floor(start / CHUNK_SIZE) * CHUNK_SIZE) + MAX_RANGE
    const end = Math.min(request.end, size, boundary)
    const bytes = await readRange(this.session.account.api, opened, request.part, start, end)
    this.noteFallback()
    return { size, mime: partType(manifest.mime, request.part), name: manifest.name, start, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }
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
