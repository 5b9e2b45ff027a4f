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

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' })
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' })
const shortMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' })
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })

export const formatDay = (ms: number): string => dayFormat.format(ms)
export const formatMonth = (ms: number): string => monthFormat.format(ms)
export const formatShortMonth = (ms: number): string => shortMonth.format(ms)
export const formatFull = (ms: number): string => fullFormat.format(ms)

/** Local calendar month as a number (yyyymm). */
export function monthKey (ms: number): number {
  const d = new Date(ms)
  return d.getFullYear() * 100 + d.getMonth() + 1
}
