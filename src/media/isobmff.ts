/**
 * ISO base media file format boxes (ISO/IEC 14496-12), the container of MP4, QuickTime MOV,
 * HEIC/HEIF and AVIF: `size(4) type(4) [largesize(8)] payload`. The walkers here stop quietly at
 * the first box that does not fit its parent, so a truncated or corrupt file yields what could
 * be read and never throws.
 */
import { ascii, u32, u64, type RandomAccess } from './reader.ts'

export interface Box {
  type: string
  /** Offset of the box's first byte (in the buffer, or in the file for `topLevelBoxes`). */
  start: number
  /** Offset of the payload (after size, type and any largesize). */
  body: number
  end: number
}

const TYPE = /^[\x20-\x7e\xa9]{4}$/

/**
 * The child boxes of `bytes[start, end)`. Types must be printable unless `anyType` (QuickTime
 * `ilst` items are typed by a binary index).
 */
export function * boxes (bytes: Uint8Array, start = 0, end = bytes.length, anyType = false): Generator<Box> {
  let at = start
  while (at + 8 <= end) {
    let size = u32(bytes, at)
    const type = ascii(bytes, at + 4, at + 8)
    let body = at + 8
    if (size === 1) {
      if (at + 16 > end) return
      size = u64(bytes, at + 8)
      body = at + 16
    } else if (size === 0) {
      size = end - at
    }
    if ((!anyType && !TYPE.test(type)) || size < body - at || at + size > end) return
    yield { type, start: at, body, end: at + size }
    at += size
  }
}

/** The first child of type `type` in `bytes[start, end)`. */
export function child (bytes: Uint8Array, type: string, start = 0, end = bytes.length): Box | undefined {
  for (const box of boxes(bytes, start, end)) if (box.type === type) return box
  return undefined
}

/** Follows a path of box types from `bytes[start, end)`; `meta` boxes are entered either way they come. */
export function path (bytes: Uint8Array, types: string[], start = 0, end = bytes.length): Box | undefined {
  let box: Box | undefined
  let from = start
  let to = end
  for (const type of types) {
    box = child(bytes, type, from, to)
    if (box == null) return undefined
    from = type === 'meta' ? metaChildren(bytes, box) : box.body
    to = box.end
  }
  return box
}

/**
 * Where a `meta` box's children begin. ISO `meta` is a full box (4 bytes of version and flags
 * before its children); QuickTime's `moov/meta` is not. Telling them apart: QuickTime's starts
 * with its `hdlr` child straight away.
 */
export function metaChildren (bytes: Uint8Array, meta: Box): number {
  return ascii(bytes, meta.body + 4, meta.body + 8) === 'hdlr' ? meta.body : meta.body + 4
}

/**
 * The top-level boxes of a file, reading only their headers (16 bytes each), so that a `moov`
 * after gigabytes of `mdat` is found without reading the `mdat`.
 */
export async function topLevelBoxes (file: RandomAccess, limit = 1000): Promise<Box[]> {
  const found: Box[] = []
  let at = 0
  while (at + 8 <= file.size && found.length < limit) {
    const head = await file.read(at, at + 16)
    if (head.length < 8) break
    let size = u32(head, 0)
    const type = ascii(head, 4, 8)
    let body = at + 8
    if (size === 1) {
      if (head.length < 16) break
      size = u64(head, 8)
      body = at + 16
    } else if (size === 0) {
      size = file.size - at
    }
    if (!TYPE.test(type) || size < body - at || at + size > file.size) break
    found.push({ type, start: at, body, end: at + size })
    at += size
  }
  return found
}
