/**
 * The arithmetic of the virtual grid, kept apart from rendering: items (newest first) are cut
 * into groups by day or month, each group into a header row and rows of square tiles. Every row
 * has a fixed top and height, so the grid finds the rows on screen by binary search and renders
 * only those, whatever the number of items (100 000 items lay out in a few milliseconds).
 */
import { formatDay, formatMonth, formatShortMonth, monthKey } from './format.ts'
import type { ItemView } from '../worker/protocol.ts'

export type Grouping = 'day' | 'month' | 'none'

export interface Row {
  kind: 'header' | 'tiles'
  top: number
  height: number
  /** Item indexes [start, end) this row shows (a header: its whole group). */
  start: number
  end: number
  label?: string
}

export interface Mark { top: number, label: string, year: number }

export interface Layout {
  rows: Row[]
  /** The tile rows alone, for finding an item's row. */
  tileRows: Row[]
  columns: number
  size: number
  height: number
  /** One per month: where it starts, for the date scrubber. */
  marks: Mark[]
}

export const GAP = 4
export const HEADER = 48
const PAD_TOP = 8
const PAD_BOTTOM = 96

/** The local calendar day or month containing `ms`, as [start, end) in ms. */
function periodOf (ms: number, grouping: Grouping): [number, number] {
  const d = new Date(ms)
  if (grouping === 'month') return [new Date(d.getFullYear(), d.getMonth(), 1).getTime(), new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()]
  if (grouping === 'day') return [new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(), new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime()]
  return [-Infinity, Infinity]
}

export function layoutGrid (items: ItemView[], width: number, grouping: Grouping, target = 180): Layout {
  const columns = Math.max(3, Math.floor((width + GAP) / (target + GAP)))
  const size = Math.max(40, (width - GAP * (columns - 1)) / columns)
  const rows: Row[] = []
  const marks: Mark[] = []
  let top = PAD_TOP
  let lastMonth = -1
  for (let i = 0; i < items.length;) {
    const takenAt = (items[i] as ItemView).takenAt
    // One Date per group, not per item: items are in order, so a group ends where one leaves its period.
    const [start, end] = periodOf(takenAt, grouping)
    let j = i + 1
    while (j < items.length && (items[j] as ItemView).takenAt >= start && (items[j] as ItemView).takenAt < end) j++
    const month = grouping === 'none' ? lastMonth : monthKey(takenAt)
    if (month !== lastMonth || marks.length === 0) {
      marks.push({ top, label: formatShortMonth(takenAt), year: Math.floor(monthKey(takenAt) / 100) })
      lastMonth = month
    }
    if (grouping !== 'none') {
      rows.push({ kind: 'header', top, height: HEADER, start: i, end: j, label: grouping === 'day' ? formatDay(takenAt) : formatMonth(takenAt) })
      top += HEADER
    }
    for (let k = i; k < j; k += columns) {
      rows.push({ kind: 'tiles', top, height: size + GAP, start: k, end: Math.min(k + columns, j) })
      top += size + GAP
    }
    i = j
  }
  return { rows, tileRows: rows.filter((r) => r.kind === 'tiles'), columns, size, height: top + PAD_BOTTOM, marks }
}

/** Index of the first row whose bottom is below `y`. */
export function firstRowAt (rows: Row[], y: number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const row = rows[mid] as Row
    if (row.top + row.height <= y) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The tile row that shows item `index` (tile rows only, ordered by their first item). */
export function rowOfItem (tileRows: Row[], index: number): Row | undefined {
  let lo = 0
  let hi = tileRows.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const row = tileRows[mid] as Row
    if (index < row.start) hi = mid - 1
    else if (index >= row.end) lo = mid + 1
    else return row
  }
  return undefined
}
