/**
 * Metadata of MP4 and QuickTime MOV files, from the `moov` box wherever it sits in the file:
 * duration (`mvhd`), the video track's size and rotation (`tkhd` and its matrix), the capture
 * time, place, camera and Apple's Live Photo identifier. Those last come from Apple's
 * `moov/meta` key/value list (`com.apple.quicktime.creationdate`, `...location.ISO6709`,
 * `...make`, `...model`, `...content.identifier`, as iPhones and ffmpeg's `use_metadata_tags`
 * write them) or from the classic `udta` atoms (`©xyz`, `©mak`, `©mod`, `©day`); else the
 * capture time is `mvhd`'s creation time (UTC, seconds since 1904).
 */
import { boxes, child, metaChildren, path, topLevelBoxes, type Box } from './isobmff.ts'
import { parseIso6709, parseIsoDateTime, toTakenAt, validGps } from './dates.ts'
import { ascii, i32, text, u16, u32, u64, type RandomAccess } from './reader.ts'
import type { Gps, MediaMetadata } from './metadata-types.ts'

/** Larger `moov` boxes are not read (real ones are kilobytes to a few megabytes). */
const MAX_MOOV = 64 * 1024 * 1024
/** Seconds from 1904-01-01 (QuickTime's epoch) to 1970-01-01. */
const EPOCH_1904 = 2_082_844_800

export async function readQuickTime (file: RandomAccess): Promise<MediaMetadata> {
  const moov = (await topLevelBoxes(file)).find((box) => box.type === 'moov')
  if (moov == null || moov.end - moov.start > MAX_MOOV) return {}
  const bytes = await file.read(moov.start, moov.end)
  return parseMoov(bytes, { type: 'moov', start: 0, body: moov.body - moov.start, end: bytes.length })
}

function parseMoov (bytes: Uint8Array, moov: Box): MediaMetadata {
  const out: MediaMetadata = {}
  const tags = { ...udtaTags(bytes, moov), ...appleKeys(bytes, moov) }

  const mvhd = child(bytes, 'mvhd', moov.body, moov.end)
  let createdUtcMs: number | undefined
  if (mvhd != null) {
    const v1 = bytes[mvhd.body] === 1
    const created = v1 ? u64(bytes, mvhd.body + 4) : u32(bytes, mvhd.body + 4)
    const timescale = u32(bytes, mvhd.body + (v1 ? 20 : 12))
    const duration = v1 ? u64(bytes, mvhd.body + 24) : u32(bytes, mvhd.body + 16)
    if (timescale > 0 && duration > 0 && duration !== 0xffffffff) out.durationMs = Math.round(duration / timescale * 1000)
    // 0 means unset; anything before 1990 is a camera that never set its clock.
    if (created - EPOCH_1904 > 631_152_000) createdUtcMs = (created - EPOCH_1904) * 1000
  }

  for (const trak of boxes(bytes, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue
    const hdlr = path(bytes, ['mdia', 'hdlr'], trak.body, trak.end)
    if (hdlr == null || ascii(bytes, hdlr.body + 8, hdlr.body + 12) !== 'vide') continue
    const tkhd = child(bytes, 'tkhd', trak.body, trak.end)
    if (tkhd == null) continue
    const v1 = bytes[tkhd.body] === 1
    const matrix = tkhd.body + (v1 ? 52 : 40)
    const width = Math.round(u32(bytes, matrix + 36) / 65536)
    const height = Math.round(u32(bytes, matrix + 40) / 65536)
    if (width > 0 && height > 0) {
      out.width = width
      out.height = height
    }
    const orientation = orientationOf(i32(bytes, matrix) / 65536, i32(bytes, matrix + 4) / 65536)
    if (orientation !== 1) out.orientation = orientation
    break
  }

  const taken = parseIsoDateTime(tags.creationdate ?? tags.day ?? '')
  if (taken != null) out.takenAt = toTakenAt(taken)
  else if (createdUtcMs != null) out.takenAt = { utcMs: createdUtcMs }
  const gps = parseIso6709(tags.location ?? '') ?? loci(bytes, moov)
  if (gps != null) out.gps = gps
  const make = tags.make
  const model = tags.model
  if (make != null || model != null) out.camera = { ...(make != null ? { make } : {}), ...(model != null ? { model } : {}) }
  if (tags.contentIdentifier != null) out.contentIdentifier = tags.contentIdentifier
  return out
}

/** The rotation in a track matrix's first row `[a b]`, as an EXIF orientation. */
function orientationOf (a: number, b: number): number {
  const degrees = ((Math.round(Math.atan2(b, a) * 180 / Math.PI) % 360) + 360) % 360
  return ({ 90: 6, 180: 3, 270: 8 } as Record<number, number>)[degrees] ?? 1
}

interface Tags { creationdate?: string, day?: string, location?: string, make?: string, model?: string, contentIdentifier?: string }

const APPLE_KEYS: Record<string, keyof Tags> = {
  'com.apple.quicktime.creationdate': 'creationdate',
  'com.apple.quicktime.location.ISO6709': 'location',
  'com.apple.quicktime.make': 'make',
  'com.apple.quicktime.model': 'model',
  'com.apple.quicktime.content.identifier': 'contentIdentifier'
}

/** Apple's `moov/meta` (and `moov/udta/meta`): `keys` names the entries of `ilst` by index. */
function appleKeys (bytes: Uint8Array, moov: Box): Tags {
  const tags: Tags = {}
  const metas = [child(bytes, 'meta', moov.body, moov.end), path(bytes, ['udta', 'meta'], moov.body, moov.end)]
  for (const meta of metas) {
    if (meta == null) continue
    const from = metaChildren(bytes, meta)
    const keys = child(bytes, 'keys', from, meta.end)
    const ilst = child(bytes, 'ilst', from, meta.end)
    if (keys == null || ilst == null) continue
    const names: string[] = []
    let at = keys.body + 8
    for (let n = u32(bytes, keys.body + 4); n > 0 && at + 8 <= keys.end; n--) {
      const size = u32(bytes, at)
      if (size < 8 || at + size > keys.end) break
      names.push(ascii(bytes, at + 8, at + size))
      at += size
    }
    for (const item of boxes(bytes, ilst.body, ilst.end, true)) {
      const index = u32(bytes, item.start + 4)
      const name = APPLE_KEYS[names[index - 1] ?? '']
      const data = child(bytes, 'data', item.body, item.end)
      if (name == null || data == null) continue
      const value = text(bytes.subarray(data.body + 8, data.end))
      if (value != null) tags[name] ??= value
    }
  }
  return tags
}

/**
 * 3GPP's `udta/loci` (ffmpeg's MP4 muxer writes it): language, a name, a role, then longitude,
 * latitude and altitude as signed 16.16 fixed point (about 1.5e-5 degree steps).
 */
function loci (bytes: Uint8Array, moov: Box): Gps | undefined {
  const box = path(bytes, ['udta', 'loci'], moov.body, moov.end)
  if (box == null) return undefined
  const nameEnd = bytes.indexOf(0, box.body + 6)
  if (nameEnd < 0 || nameEnd + 14 > box.end) return undefined
  const at = nameEnd + 2
  return validGps(i32(bytes, at + 4) / 65536, i32(bytes, at) / 65536, i32(bytes, at + 8) / 65536)
}

const UDTA: Record<string, keyof Tags> = { '©xyz': 'location', '©mak': 'make', '©mod': 'model', '©day': 'day' }

/** Classic QuickTime text atoms in `moov/udta`: `size(2) language(2) text`. */
function udtaTags (bytes: Uint8Array, moov: Box): Tags {
  const tags: Tags = {}
  const udta = child(bytes, 'udta', moov.body, moov.end)
  if (udta == null) return tags
  for (const atom of boxes(bytes, udta.body, udta.end)) {
    const name = UDTA[atom.type]
    if (name == null) continue
    const length = u16(bytes, atom.body)
    const value = text(bytes.subarray(atom.body + 4, Math.min(atom.end, atom.body + 4 + length)))
    if (value != null) tags[name] = value
  }
  return tags
}
