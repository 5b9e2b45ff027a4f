/**
 * EXIF, from a TIFF-structured block (what JPEG's APP1, HEIC's `Exif` item, PNG's `eXIf` and
 * WebP's `EXIF` chunk hold, and what TIFF-based raw files are). exifr walks the IFDs; this module
 * turns its raw values into the manifest's fields with our own rules: dates are kept as written
 * and combined with their offset tags (exifr would read them in the parsing machine's zone), the
 * offset falls back to the one implied by the GPS clock, GPS takes its hemisphere references and
 * altitude sign, and Apple's MakerNote yields the Live Photo content identifier.
 */
import exifr from 'exifr'
import { offsetFromGpsTime, parseExifDateTime, toTakenAt, validGps } from './dates.ts'
import { ascii, text, u16, u32 } from './reader.ts'
import type { MediaMetadata } from './metadata-types.ts'

/** exifr's defaults, except: raw values (no date revival), the MakerNote kept, no other segments. */
const OPTIONS = {
  tiff: true, exif: true, gps: true, interop: false, ifd1: false, makerNote: true, userComment: false,
  xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
  reviveValues: false, translateValues: false, translateKeys: true, mergeOutput: true, sanitize: true
}

type Raw = Record<string, unknown>

const str = (value: unknown): string | undefined => {
  if (typeof value === 'string') return text(new TextEncoder().encode(value))
  if (value instanceof Uint8Array) return text(value)
  return undefined
}
const num = (value: unknown): number | undefined => typeof value === 'number' && Number.isFinite(value) ? value : undefined

function degrees (value: unknown, ref: unknown, negative: string): number | undefined {
  const parts = Array.isArray(value) ? value : [value]
  if (parts.length === 0 || parts.some((p) => num(p) == null)) return undefined
  const [d = 0, m = 0, s = 0] = parts as number[]
  const abs = Math.abs(d) + m / 60 + s / 3600
  return str(ref)?.toUpperCase().startsWith(negative) === true || d < 0 ? -abs : abs
}

/** Reads a TIFF block. Throws only on a block so broken that not even IFD0 parses. */
export async function readExif (tiff: Uint8Array): Promise<MediaMetadata> {
  const raw = await exifr.parse(tiff, OPTIONS) as Raw | undefined
  if (raw == null) return {}
  if (Object.keys(raw).length === 1 && Array.isArray(raw.errors)) {
    const first = raw.errors[0] as unknown
    throw new Error((first instanceof Error ? first.message : String(first)).split('\n')[0])
  }
  return fromRaw(raw)
}

export function fromRaw (raw: Raw): MediaMetadata {
  const out: MediaMetadata = {}

  const clock = parseExifDateTime(str(raw.DateTimeOriginal), str(raw.SubSecTimeOriginal), str(raw.OffsetTimeOriginal)) ??
    parseExifDateTime(str(raw.CreateDate), str(raw.SubSecTimeDigitized), str(raw.OffsetTimeDigitized)) ??
    parseExifDateTime(str(raw.ModifyDate), str(raw.SubSecTime), str(raw.OffsetTime))
  if (clock != null) {
    if (clock.offsetMinutes == null) {
      const gpsUtc = gpsTime(raw.GPSDateStamp, raw.GPSTimeStamp)
      const offset = gpsUtc != null ? offsetFromGpsTime(clock, gpsUtc) : undefined
      if (offset != null) clock.offsetMinutes = offset
    }
    out.takenAt = toTakenAt(clock)
  }

  const lat = degrees(raw.GPSLatitude, raw.GPSLatitudeRef, 'S')
  const lon = degrees(raw.GPSLongitude, raw.GPSLongitudeRef, 'W')
  const altitude = num(raw.GPSAltitude)
  const below = raw.GPSAltitudeRef === 1 || (raw.GPSAltitudeRef instanceof Uint8Array && raw.GPSAltitudeRef[0] === 1)
  const gps = lat != null && lon != null ? validGps(lat, lon, altitude != null ? (below ? -altitude : altitude) : undefined) : undefined
  if (gps != null && str(raw.GPSStatus) !== 'V') out.gps = gps

  const make = str(raw.Make)
  const model = str(raw.Model)
  const lens = str(raw.LensModel) ?? str(raw.LensMake)
  if (make != null || model != null || lens != null) {
    out.camera = { ...(make != null ? { make } : {}), ...(model != null ? { model } : {}), ...(lens != null ? { lens } : {}) }
  }

  const exposure = exposureOf(raw)
  if (exposure != null) out.exposure = exposure

  const orientation = num(raw.Orientation)
  if (orientation != null && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8) out.orientation = orientation
  const width = num(raw.ExifImageWidth) ?? num(raw.ImageWidth)
  const height = num(raw.ExifImageHeight) ?? num(raw.ImageHeight)
  if (width != null && height != null && width > 0 && height > 0) {
    out.width = width
    out.height = height
  }

  if (raw.makerNote instanceof Uint8Array) {
    const id = appleContentIdentifier(raw.makerNote)
    if (id != null) out.contentIdentifier = id
  }
  return out
}

/** A positive number, or the first of an array of them (some cameras write ISO as two values). */
function positive (value: unknown): number | undefined {
  const n = num(Array.isArray(value) ? value[0] : value)
  return n != null && n > 0 ? n : undefined
}

/** Aperture, shutter time, ISO and focal length, when the file states any of them. */
function exposureOf (raw: Raw): MediaMetadata['exposure'] {
  const fields = {
    fNumber: positive(raw.FNumber),
    exposureTime: positive(raw.ExposureTime),
    iso: positive(raw.ISO) ?? positive(raw.ISOSpeedRatings) ?? positive(raw.PhotographicSensitivity),
    focalLength: positive(raw.FocalLength)
  }
  const present = Object.entries(fields).filter(([, v]) => v != null)
  return present.length > 0 ? Object.fromEntries(present) : undefined
}

function gpsTime (date: unknown, time: unknown): number | undefined {
  const d = /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(str(date) ?? '')
  if (d == null || !Array.isArray(time) || time.length < 3 || time.some((t) => num(t) == null)) return undefined
  const [h, m, s] = time as number[]
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), 0, 0, 0) + ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000
}

/**
 * Apple's MakerNote: "Apple iOS\0", a 2-byte version, a byte-order mark, then an IFD whose
 * offsets count from the MakerNote's start. Tag 0x0011 (a string) is the content identifier
 * that the Live Photo's video repeats as `com.apple.quicktime.content.identifier`.
 */
export function appleContentIdentifier (note: Uint8Array): string | undefined {
  if (ascii(note, 0, 9) !== 'Apple iOS' || note.length < 16) return undefined
  const little = ascii(note, 12, 14) === 'II'
  const r16 = (at: number): number => little ? (note[at] ?? 0) | ((note[at + 1] ?? 0) << 8) : u16(note, at)
  const r32 = (at: number): number => little ? (r16(at) + r16(at + 2) * 65536) : u32(note, at)
  const count = r16(14)
  for (let i = 0; i < count && 16 + i * 12 + 12 <= note.length; i++) {
    const entry = 16 + i * 12
    if (r16(entry) !== 0x0011 || r16(entry + 2) !== 2) continue
    const length = r32(entry + 4)
    const at = length <= 4 ? entry + 8 : r32(entry + 8)
    if (at + length > note.length) return undefined
    return text(note.subarray(at, at + length))
  }
  return undefined
}
