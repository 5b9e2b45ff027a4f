/**
 * Selection arithmetic of the grid, apart from rendering: a shift-click selects every item from
 * the last one clicked (the anchor) to this one, as in Google Photos and Immich; a day's (or a
 * month's) check selects all its items, or clears them when all were selected already.
 */
import { dayKey } from '../display/text.ts'
import type { ItemView } from '../worker/protocol.ts'

/** The selection with every item between `anchor` and `index` (both included) added. */
export function withRange (selected: Set<string>, items: ItemView[], anchor: number, index: number): Set<string> {
  const next = new Set(selected)
  const [from, to] = anchor <= index ? [anchor, index] : [index, anchor]
  for (let i = Math.max(0, from); i <= to && i < items.length; i++) next.add((items[i] as ItemView).id)
  return next
}

/** Item indexes [start, end) of the day that starts at item `start` (items are grouped by day). */
export function dayRange (items: ItemView[], start: number): [number, number] {
  const first = items[start]
  if (first == null) return [start, start]
  const day = dayKey(first.takenAt, first.takenOffsetMinutes)
  let end = start + 1
  while (end < items.length && dayKey((items[end] as ItemView).takenAt, (items[end] as ItemView).takenOffsetMinutes) === day) end++
  return [start, end]
}

/** Whether every item of [start, end) is selected. */
export function allSelected (selected: Set<string>, items: ItemView[], [start, end]: [number, number]): boolean {
  for (let i = start; i < end; i++) if (!selected.has((items[i] as ItemView).id)) return false
  return end > start
}

/** The selection with the items of [start, end) all added, or all removed when all were in it. */
export function toggledGroup (selected: Set<string>, items: ItemView[], range: [number, number]): Set<string> {
  const next = new Set(selected)
  const remove = allSelected(selected, items, range)
  for (let i = range[0]; i < range[1]; i++) {
    const id = (items[i] as ItemView).id
    if (remove) next.delete(id)
    else next.add(id)
  }
  return next
}
