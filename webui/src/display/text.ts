/** Display helpers: counts, sizes, speeds, durations and dates in the reader's locale. */
import { formatBytes } from '../../../src/format/byte-size.ts'

/** `n` things, in the reader's digits and with the noun's plural when n is not 1: "1 item", "1,024 items". */
export function plural (n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`
}

/** Sizes in the same decimal units as the CLI and the node's messages. */
export const bytes = formatBytes

export function duration (seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 60) return `${Math.ceil(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`
}

/**
 * [Note: time as taken]
 * A photo's time shows as its camera clock read it, in the offset the file gave (EXIF 12:00
 * +01:00 is "12:00" wherever the browser is), and the timeline groups by that day. The instant
 * is moved by the offset and formatted in UTC; an item without an offset shows in the browser's
 * zone, as before: the same wall clock as `takenAtLocalIso` (src/media/dates.ts) gives the CLI,
 * computed here without a string per item since the timeline groups 100 000 of them. Every
 * photo date in the gallery goes through these functions: one format app-wide.
 */
function wallClock (ms: number, offsetMinutes?: number): number {
  return ms + (offsetMinutes ?? -new Date(ms).getTimezoneOffset()) * 60_000
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
const shortDayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' })
const shortMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' })

export const formatDay = (ms: number, offsetMinutes?: number): string => dayFormat.format(wallClock(ms, offsetMinutes))
export const formatShortDay = (ms: number, offsetMinutes?: number): string => shortDayFormat.format(wallClock(ms, offsetMinutes))
export const formatMonth = (ms: number, offsetMinutes?: number): string => monthFormat.format(wallClock(ms, offsetMinutes))
export const formatShortMonth = (ms: number, offsetMinutes?: number): string => shortMonth.format(wallClock(ms, offsetMinutes))
/** Date and time as taken, with the offset when known ("Monday, 3 June 2024 at 12:00 (UTC+01:00)"). */
export function formatFull (ms: number, offsetMinutes?: number): string {
  const text = fullFormat.format(wallClock(ms, offsetMinutes))
  if (offsetMinutes == null) return text
  const sign = offsetMinutes < 0 ? '−' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${text} (UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')})`
}

/** The day as taken, as a number of days since 1970-01-01 (groups the timeline). */
export function dayKey (ms: number, offsetMinutes?: number): number {
  return Math.floor(wallClock(ms, offsetMinutes) / 86_400_000)
}

/** The month as taken, as a number (yyyymm). */
export function monthKey (ms: number, offsetMinutes?: number): number {
  const d = new Date(wallClock(ms, offsetMinutes))
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1
}
