/**
 * Capture times and places as cameras write them. EXIF dates are local wall-clock times
 * ("2023:05:01 12:34:56") with the UTC offset in a separate tag ("+08:00") since EXIF 2.31;
 * QuickTime and XMP use ISO 8601 with the offset inline. A local time without any offset is read
 * in the uploading device's time zone (the best guess: people mostly upload where they live)
 * and stored without `offsetMinutes`, which tells readers the zone was not known.
 * Places come as EXIF degrees/minutes/seconds or as ISO 6709 strings ("+31.2304+121.4737+4.5/").
 */
import type { Gps, TakenAt } from './metadata-types.ts'

/**
 * A reading of a camera's clock: `wallMs` is the wall-clock time written as if it were UTC, and
 * `offsetMinutes` the zone when the file says it.
 */
export interface WallClock { wallMs: number, offsetMinutes?: number }

/** Offsets beyond ±18 h do not exist; the manifest schema rejects them. */
const MAX_OFFSET_MINUTES = 1080

/** "+08:00", "-0530", "Z" → minutes east of UTC. */
export function parseOffset (value: string | undefined): number | undefined {
  const text = value?.trim()
  if (text == null || text === '') return undefined
  if (text === 'Z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text)
  if (m == null) return undefined
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
  return Math.abs(minutes) <= MAX_OFFSET_MINUTES ? minutes : undefined
}

function wallClock (m: RegExpExecArray, fractionDigits: string | undefined, offsetMinutes: number | undefined): WallClock | undefined {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number]
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return undefined
  const ms = fractionDigits == null || fractionDigits === '' ? 0 : Math.round(Number(`0.${fractionDigits}`) * 1000)
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  return offsetMinutes != null ? { wallMs, offsetMinutes } : { wallMs }
}

/**
 * An EXIF date ("YYYY:MM:DD HH:MM:SS", some writers use dashes), its sub-second digits and its
 * offset tag. Blank or zeroed dates ("0000:00:00 00:00:00") are no date.
 */
export function parseExifDateTime (value: string | undefined, subSeconds?: string, offset?: string): WallClock | undefined {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value?.trim() ?? '')
  if (m == null) return undefined
  return wallClock(m, m[7] ?? subSeconds?.trim(), parseOffset(offset) ?? parseOffset(m[8]))
}

/** ISO 8601 as QuickTime and XMP write it: "2023-05-01T12:34:56+0800", "...56.5+08:00", "...Z". */
export function parseIsoDateTime (value: string): WallClock | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim())
  if (m == null) return undefined
  return wallClock(m, m[7], parseOffset(m[8]))
}

/** The capture instant: with the file's offset when known, else the wall clock read in this device's zone. */
export function toTakenAt (clock: WallClock): TakenAt {
  if (clock.offsetMinutes != null) return { utcMs: clock.wallMs - clock.offsetMinutes * 60_000, offsetMinutes: clock.offsetMinutes }
  const d = new Date(clock.wallMs)
  return { utcMs: new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()).getTime() }
}

/**
 * The offset implied by a wall-clock capture time and the GPS receiver's UTC time of the same
 * moment, rounded to a quarter hour (the fix is taken seconds apart from the shot).
 */
export function offsetFromGpsTime (clock: WallClock, gpsUtcMs: number): number | undefined {
  const minutes = Math.round((clock.wallMs - gpsUtcMs) / 60_000 / 15) * 15
  return Math.abs(minutes) <= 14 * 60 ? minutes : undefined
}

/** A coordinate pair that means something: in range, and not the (0, 0) of a receiver without a fix. */
export function validGps (lat: number, lon: number, alt?: number): Gps | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined
  if (lat === 0 && lon === 0) return undefined
  return alt != null && Number.isFinite(alt) ? { lat, lon, alt } : { lat, lon }
}

/** ISO 6709 decimal degrees: "+31.2304+121.4737+010.000/" (altitude optional). */
export function parseIso6709 (value: string): Gps | undefined {
  const m = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?\/?$/.exec(value.trim())
  if (m == null) return undefined
  return validGps(Number(m[1]), Number(m[2]), m[3] != null ? Number(m[3]) : undefined)
}

/** "+08:00", "-05:30", "+00:00": an offset as ISO 8601 writes it. */
export function formatOffset (offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/**
 * A capture time as it was on the camera's clock: "2023-05-01T12:34:56+08:00" when the offset is
 * known, whatever zone the reader is in. Without one, the time in `fallbackOffsetMinutes` (the
 * reader's own zone at that instant, by default), with no offset written, since none is known.
 */
export function takenAtLocalIso (utcMs: number, offsetMinutes?: number, fallbackOffsetMinutes = -new Date(utcMs).getTimezoneOffset()): string {
  const shift = offsetMinutes ?? fallbackOffsetMinutes
  const wall = new Date(utcMs + shift * 60_000).toISOString().slice(0, 19)
  return offsetMinutes != null ? wall + formatOffset(offsetMinutes) : wall
}
