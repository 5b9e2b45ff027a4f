/**
 * Live Photos: an iPhone exports each one as a still (HEIC or JPEG) and a short video (MOV),
 * which Obscura stores as one item of kind `live`. Pairs are found the way Ente and Immich do:
 * first by Apple's content identifier, which both files carry (the still's MakerNote, the
 * video's `com.apple.quicktime.content.identifier`); then, for files that lost it, by the same
 * base name in the same folder and capture times a few seconds apart. A video longer than a
 * Live Photo's is never paired by name, and two files whose identifiers differ never pair.
 */
import { readMetadata } from './metadata.ts'
import type { MediaSource } from './index.ts'
import type { MediaMetadata } from './metadata-types.ts'

/** What the upload stores as one item: a file, or a Live Photo's still with its video. */
export interface UploadUnit<S> {
  source: S
  motion?: S
  /** The video's metadata, read while pairing (its duration becomes the item's). */
  motionMetadata?: MediaMetadata
}

/** Capture times of a pair found by name may differ by this much. */
const MAX_SKEW_MS = 5_000
/** Live Photo videos are about 3 s; longer ones are clips of their own. */
const MAX_LIVE_DURATION_MS = 10_000
/** Videos larger than this are not looked at as Live Photo halves. */
const MAX_LIVE_VIDEO_BYTES = 100 * 1024 * 1024

const STILL = /\.(heic|heif|jpe?g)$/i
const VIDEO = /\.(mov|mp4|m4v)$/i

function isStill (s: MediaSource): boolean {
  return s.mime != null ? /^image\/(heic|heif|jpeg)$/.test(s.mime) : STILL.test(s.name)
}
function isVideo (s: MediaSource): boolean {
  return (s.mime != null ? /^video\/(quicktime|mp4)$/.test(s.mime) : VIDEO.test(s.name)) && s.size <= MAX_LIVE_VIDEO_BYTES
}

/** Folder and name without extension, lowercased: "DCIM/IMG_0001.HEIC" → "dcim/img_0001". */
function stemKey (s: MediaSource): string {
  const full = (s.path ?? s.name).replace(/\\/g, '/')
  const dot = full.lastIndexOf('.')
  return (dot > full.lastIndexOf('/') ? full.slice(0, dot) : full).toLowerCase()
}

export interface PairOptions {
  signal?: AbortSignal
  /** Reads a file's metadata; `readMetadata` unless a test or platform supplies another. */
  read?: (source: MediaSource) => Promise<MediaMetadata>
}

/** Groups sources into upload units, keeping their order (a pair sits where its still was). */
export async function pairLivePhotos<S extends MediaSource> (sources: S[], options: PairOptions = {}): Promise<Array<UploadUnit<S>>> {
  const stills = sources.filter(isStill)
  const videos = sources.filter(isVideo)
  if (stills.length === 0 || videos.length === 0) return sources.map((source) => ({ source }))

  const read = options.read ?? (async (s: MediaSource) => await readMetadata(s, { signal: options.signal }))
  const metadata = new Map<S, MediaMetadata>()
  const readInto = async (list: S[]): Promise<void> => {
    for (const s of list) {
      options.signal?.throwIfAborted()
      if (!metadata.has(s)) metadata.set(s, await read(s).catch(() => ({})))
    }
  }
  // Videos are few; stills can be tens of thousands. Read the stills that share a video's name
  // first (an iPhone export), and the others only while some video's identifier is unmatched.
  await readInto(videos)
  const videoStems = new Set(videos.map(stemKey))
  await readInto(stills.filter((s) => videoStems.has(stemKey(s))))
  const wanted = new Set(videos.map((v) => metadata.get(v)?.contentIdentifier).filter((id) => id != null))
  for (const s of stills) if (metadata.has(s)) wanted.delete(metadata.get(s)?.contentIdentifier ?? '')
  for (const still of stills) {
    if (wanted.size === 0) break
    if (metadata.has(still)) continue
    await readInto([still])
    wanted.delete(metadata.get(still)?.contentIdentifier ?? '')
  }
  const motionOf = new Map<S, S>()
  const paired = new Set<S>()
  const pair = (still: S, video: S): void => { motionOf.set(still, video); paired.add(still); paired.add(video) }

  const byIdentifier = new Map<string, S>()
  for (const video of videos) {
    const id = metadata.get(video)?.contentIdentifier
    if (id != null && !byIdentifier.has(id)) byIdentifier.set(id, video)
  }
  for (const still of stills) {
    const id = metadata.get(still)?.contentIdentifier
    const video = id != null ? byIdentifier.get(id) : undefined
    if (video != null && !paired.has(video)) pair(still, video)
  }

  const videosByStem = new Map<string, S[]>()
  for (const video of videos) if (!paired.has(video)) videosByStem.set(stemKey(video), [...videosByStem.get(stemKey(video)) ?? [], video])
  for (const still of stills) {
    if (paired.has(still)) continue
    const video = videosByStem.get(stemKey(still))?.find((v) => !paired.has(v) && pairsByName(still, metadata.get(still) ?? {}, v, metadata.get(v) ?? {}))
    if (video != null) pair(still, video)
  }

  const units: Array<UploadUnit<S>> = []
  for (const source of sources) {
    const motion = motionOf.get(source)
    if (motion != null) units.push({ source, motion, motionMetadata: metadata.get(motion) })
    else if (!paired.has(source)) units.push({ source })
  }
  return units
}

function pairsByName (still: MediaSource, stillMeta: MediaMetadata, video: MediaSource, videoMeta: MediaMetadata): boolean {
  if (stillMeta.contentIdentifier != null && videoMeta.contentIdentifier != null) return false
  if (videoMeta.durationMs != null && videoMeta.durationMs > MAX_LIVE_DURATION_MS) return false
  const stillTime = stillMeta.takenAt?.utcMs
  const videoTime = videoMeta.takenAt?.utcMs
  const skew = stillTime != null && videoTime != null ? Math.abs(stillTime - videoTime) : Math.abs(still.mtime - video.mtime)
  return skew <= MAX_SKEW_MS
}
