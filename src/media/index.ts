/**
 * The media pipeline's public surface: what a client learns from a photo or video before it
 * encrypts it (capture time, place, camera, size, duration), and the small renditions it stores
 * beside the original (a ~256 px thumbnail and a ~1440 px preview, upright), so that a gallery
 * never fetches originals. Everything here runs on the user's device; the node sees none of it.
 *
 * Reading metadata is plain TypeScript shared by every platform (`readMetadata`). Pixels need a
 * platform back end, injected as a `MediaProcessor`: `node/media/` (sharp, a WebAssembly HEIC
 * decoder, ffmpeg) for the CLI, and a browser one (canvas, `<video>`) for the web UI. The upload
 * pipeline works without one, storing originals only.
 *
 * @example
 * ```ts
 * const media = createNodeMediaProcessor()            // node/media/processor.ts
 * await uploadFiles(library, sources, { targets, media })
 * ```
 */
export type { MediaMetadata, TakenAt, Gps, Camera } from './metadata-types.ts'
export { readMetadata } from './metadata.ts'
export { pairLivePhotos, type UploadUnit } from './live-photos.ts'
export { findEmbeddedVideo } from './motion-photo.ts'

import type { MediaMetadata } from './metadata-types.ts'

/** A file as the media pipeline reads it. `UploadSource` satisfies it. */
export interface MediaSource {
  name: string
  size: number
  /** Modification time, ms since the epoch. */
  mtime: number
  mime?: string
  /** A fresh stream of the whole file each time it is called. */
  open: () => AsyncIterable<Uint8Array>
  /** Bytes [start, end) without reading the rest, where the platform can (File.slice, a file handle). */
  read?: (start: number, end: number) => Promise<Uint8Array>
  /** The file's local path, where there is one (lets a Node back end hand it to ffmpeg). */
  path?: string
}

/** A small image made from the item, already upright (orientation applied). */
export interface Rendition {
  bytes: Uint8Array
  /** `image/jpeg` or `image/webp`. */
  mime: string
  width: number
  height: number
}

/** What a processor found out about one file. */
export interface MediaDescription {
  metadata: MediaMetadata
  /** At most 256 px on its longer side. */
  thumbnail?: Rendition
  /** At most 1440 px on its longer side; absent when the original is not larger than the thumbnail. */
  preview?: Rendition
  /** A motion video found inside the file (an Android/Samsung motion photo), as an MP4. */
  motion?: Uint8Array
  /**
   * What could not be done, for the user (e.g. "no video frame extractor: placeholder poster").
   * A failure to read or render never fails the upload; it ends up here.
   */
  notes: string[]
  /**
   * The file says it is a format every decoder reads, and it did not decode: it is damaged, and
   * an upload that accepts only media refuses it (see [Note: what an upload accepts] in sniff.ts).
   */
  damaged?: boolean
}

/** Renders thumbnails and previews on one platform; see `node/media/` for the Node one. */
export interface MediaProcessor {
  /** Never rejects for a bad file (that becomes a note); rejects only when `signal` aborts. */
  describe: (source: MediaSource, options?: { signal?: AbortSignal }) => Promise<MediaDescription>
}

/** Longest side of a thumbnail and of a preview, in pixels. */
export const THUMBNAIL_SIZE = 256
export const PREVIEW_SIZE = 1440
