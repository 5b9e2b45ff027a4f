/**
 * The metadata the pipeline extracts, in the manifest's own shapes (docs/FORMAT.md, section 8),
 * plus what only the upload needs (the sniffed type, Apple's Live Photo identifier).
 */
import type { Manifest } from '../format/manifest.ts'

export type TakenAt = NonNullable<Manifest['takenAt']>
export type Gps = NonNullable<Manifest['gps']>
export type Camera = NonNullable<Manifest['camera']>
export type Exposure = NonNullable<Manifest['exposure']>

export interface MediaMetadata {
  /** The type the bytes say they are (magic numbers), when it is a known media type. */
  mime?: string
  /** Capture time; `offsetMinutes` when the file says which time zone it was taken in. */
  takenAt?: TakenAt
  gps?: Gps
  camera?: Camera
  exposure?: Exposure
  /** EXIF orientation 1-8 as the file states it; widths and heights are before it is applied. */
  orientation?: number
  width?: number
  height?: number
  durationMs?: number
  /** Apple's Live Photo content identifier, in the still's MakerNote and the video's metadata. */
  contentIdentifier?: string
}
