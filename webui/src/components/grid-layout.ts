/**
 * The arithmetic of the virtual grid, kept apart from rendering: a justified layout, as Google
 * Photos, Immich and Flickr's justified-layout draw a timeline. Items (newest first) flow into
 * rows filled edge to edge, each tile as wide as its aspect ratio at the row's height (the
 * record's width and height, FORMAT.md 9.1; square for items uploaded before records carried
 * them); the last row of a block is not stretched. Grouped by day, several days share a row,
 * each day's label above its first tile; a month header row starts each month (grouped by day
 * or month). Every row has a fixed top and height, computed once per width, size or items
 * change, so the grid finds the rows on screen by binary search and renders only those,
 * whatever the number of items (100 000 items lay out in a few milliseconds).
 */
import { dayKey, formatDay, formatShortDay, formatMonth, formatShortMonth, monthKey } from '../display/text.ts'
import type { ItemView } from '../worker/protocol.ts'

export type Grouping = 'day' | 'month' | 'none'

/** A day starting in a row: its first item, the short text shown (the month header gives the year) and the full date. */
export interface Label { index: number, text: string, title: string }

export interface Row {
  kind: 'header' | 'tiles'
  top: number
  height: number
  /** Item indexes [start, end) this row shows (a header: its whole month). */
  start: number
  end: number
  /** A header's text. */
  label?: string
  /** Tile rows: the height of their tiles, and the days that start in this row (grouped by day). */
  tileHeight?: number
  labels?: Label[]
  /** Tile rows: the room above the tiles for day labels (none in a row where no day starts). */
  band?: number
  /** Whether the row is stretched to the full width (false for a block's last, short row). */
  full?: boolean
}

export interface Mark { top: number, label: string, year: number }

export interface Layout {
  rows: Row[]
  /** The tile rows alone, for finding an item's row. */
  tileRows: Row[]
  width: number
  height: number
  /** One per month: where it starts, for the date scrubber. */
  marks: Mark[]
}

export const GAP = 4
export const HEADER = 46
/** Height of the band above a row's tiles that holds the day labels. */
export const LABEL = 26
/** Room at the top of the grid: the thumbnail-size control sits there, or beside the first month header. */
const PAD_TOP = 8
const PAD_TOP_UNGROUPED = 52
const PAD_BOTTOM = 96

/** Aspect ratio (width / height) used for an item. */
export type Aspect = (item: ItemView, index: number) => number

/** Panoramas and slivers are cropped to these ratios, as Google Photos does, so that no tile is a thread. */
const MIN_ASPECT = 0.5
const MAX_ASPECT = 3

/** The item's own ratio, within [MIN_ASPECT, MAX_ASPECT]; 1 when its record has no dimensions. */
export const itemAspect: Aspect = (item) => {
  const { width, height } = item
  if (width == null || height == null || width <= 0 || height <= 0) return 1
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, width / height))
}

export function layoutGrid (items: ItemView[], width: number, grouping: Grouping, target = 180, aspect: Aspect = itemAspect): Layout {
  const rows: Row[] = []
  const marks: Mark[] = []
  const band = grouping === 'day' ? LABEL : 0
  let top = grouping === 'none' ? PAD_TOP_UNGROUPED : PAD_TOP
  let row: { start: number, sum: number, labels: Label[] } | undefined
  // A short row (a month's last) is as tall as a full row of square tiles would be, not taller.
  const perRow = Math.max(1, Math.ceil((width + GAP) / (target + GAP)))
  const shortHeight = Math.min(target, (width - GAP * (perRow - 1)) / perRow)

  const close = (end: number, full: boolean): void => {
    if (row == null || end <= row.start) return
    const n = end - row.start
    const tileHeight = full ? (width - GAP * (n - 1)) / row.sum : Math.min(shortHeight, (width - GAP * (n - 1)) / row.sum)
    const room = row.labels.length > 0 ? band : 0
    const height = room + tileHeight + GAP
    rows.push({ kind: 'tiles', top, height, start: row.start, end, tileHeight, full, band: room, ...(row.labels.length > 0 ? { labels: row.labels } : {}) })
    top += height
    row = undefined
  }

  let lastDay = NaN
  let lastMonth = NaN
  let monthRow: Row | undefined
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as ItemView
    const day = grouping === 'none' ? 0 : dayKey(item.takenAt, item.takenOffsetMinutes)
    if (day !== lastDay) {
      lastDay = day
      const month = grouping === 'none' ? 0 : monthKey(item.takenAt, item.takenOffsetMinutes)
      if (month !== lastMonth) {
        lastMonth = month
        close(i, false)
        if (monthRow != null) monthRow.end = i
        if (grouping !== 'none') {
          marks.push({ top, label: formatShortMonth(item.takenAt, item.takenOffsetMinutes), year: Math.floor(month / 100) })
          monthRow = { kind: 'header', top, height: HEADER, start: i, end: items.length, label: formatMonth(item.takenAt, item.takenOffsetMinutes) }
          rows.push(monthRow)
          top += HEADER
        }
      }
      if (grouping === 'day') (row ??= { start: i, sum: 0, labels: [] }).labels.push({ index: i, text: formatShortDay(item.takenAt, item.takenOffsetMinutes), title: formatDay(item.takenAt, item.takenOffsetMinutes) })
    }
    row ??= { start: i, sum: 0, labels: [] }
    row.sum += aspect(item, i)
    const n = i + 1 - row.start
    if (row.sum * target + GAP * (n - 1) >= width) close(i + 1, true)
  }
  close(items.length, false)
  const tileRows = rows.filter((r) => r.kind === 'tiles')
  return { rows, tileRows, width, height: top + PAD_BOTTOM, marks }
}

/** Left edge and width of each tile of a tile row (computed for the rows on screen only). */
export function tileBoxes (row: Row, items: ItemView[], aspect: Aspect = itemAspect): Array<{ x: number, width: number }> {
  const boxes: Array<{ x: number, width: number }> = []
  const height = row.tileHeight ?? 0
  let x = 0
  for (let i = row.start; i < row.end; i++) {
    const width = aspect(items[i] as ItemView, i) * height
    boxes.push({ x, width })
    x += width + GAP
  }
  return boxes
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

/** Position in `tileRows` of the tile row that shows item `index` (ordered by their first item), or -1. */
export function rowIndexOfItem (tileRows: Row[], index: number): number {
  let lo = 0
  let hi = tileRows.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const row = tileRows[mid] as Row
    if (index < row.start) hi = mid - 1
    else if (index >= row.end) lo = mid + 1
    else return mid
  }
  return -1
}

/** The tile row that shows item `index`. */
export function rowOfItem (tileRows: Row[], index: number): Row | undefined {
  return tileRows[rowIndexOfItem(tileRows, index)]
}
