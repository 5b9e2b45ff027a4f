/**
 * The media step of an upload: asks the platform's MediaProcessor about a file (or a Live
 * Photo's still), and turns the answer into manifest fields and the extra parts to encrypt
 * beside the original — the thumbnail, the preview, and the motion video of a Live Photo (its
 * own file) or of a motion photo (found inside the JPEG). Failures end up as notes for the user;
 * the original is uploaded whatever happens here.
 */
import type { Manifest, ManifestPart } from '../format/manifest.ts'
import type { MediaMetadata, MediaProcessor, MediaSource } from '../media/index.ts'
import type { UploadUnit } from '../media/live-photos.ts'

export type MediaFields = Pick<Manifest, 'takenAt' | 'gps' | 'camera' | 'exposure' | 'orientation' | 'width' | 'height' | 'durationMs' | 'motionName'>

/** A part to encrypt after the original. */
export interface ExtraPart {
  part: Exclude<ManifestPart, 'original'>
  size: number
  open: () => AsyncIterable<Uint8Array>
}

export interface DescribedUnit {
  fields: MediaFields
  /** The type the bytes say, for files whose name says nothing (`application/octet-stream`). */
  sniffedMime?: string
  live: boolean
  parts: ExtraPart[]
  notes: string[]
  /** See MediaDescription.damaged. */
  damaged: boolean
}

const once = (bytes: Uint8Array) => async function * (): AsyncGenerator<Uint8Array> { yield bytes }

function fieldsOf (metadata: MediaMetadata): MediaFields {
  const { takenAt, gps, camera, exposure, orientation, width, height, durationMs } = metadata
  const fields: MediaFields = {}
  if (takenAt != null) fields.takenAt = takenAt
  if (gps != null) fields.gps = gps
  if (camera != null && Object.keys(camera).length > 0) fields.camera = camera
  if (exposure != null) fields.exposure = exposure
  if (orientation != null) fields.orientation = orientation
  if (width != null && height != null) {
    fields.width = Math.round(width)
    fields.height = Math.round(height)
  }
  if (durationMs != null) fields.durationMs = Math.round(durationMs)
  return fields
}

/** Describes one upload unit; never rejects except when `signal` aborts. */
export async function describeUnit (processor: MediaProcessor | undefined, unit: UploadUnit<MediaSource>, signal?: AbortSignal): Promise<DescribedUnit> {
  if (processor == null) return { fields: {}, live: false, parts: [], notes: [], damaged: false }
  let description
  try {
    description = await processor.describe(unit.source, { signal })
  } catch (err) {
    signal?.throwIfAborted()
    return { fields: {}, live: false, parts: [], damaged: false, notes: [`its metadata and thumbnails could not be made (${(err as Error).message}); the file is uploaded without them`] }
  }
  const fields = fieldsOf(description.metadata)
  const parts: ExtraPart[] = []
  if (description.thumbnail != null) parts.push({ part: 'thumbnail', size: description.thumbnail.bytes.length, open: once(description.thumbnail.bytes) })
  if (description.preview != null) parts.push({ part: 'preview', size: description.preview.bytes.length, open: once(description.preview.bytes) })
  const motion = unit.motion
  if (motion != null) {
    parts.push({ part: 'motion', size: motion.size, open: () => motion.open() })
    fields.motionName = motion.name
    const duration = unit.motionMetadata?.durationMs
    if (duration != null) fields.durationMs = Math.round(duration)
  } else if (description.motion != null) {
    parts.push({ part: 'motion', size: description.motion.length, open: once(description.motion) })
  }
  return {
    fields,
    ...(description.metadata.mime != null ? { sniffedMime: description.metadata.mime } : {}),
    live: parts.some((p) => p.part === 'motion'),
    parts,
    notes: description.notes,
    damaged: description.damaged === true
  }
}
