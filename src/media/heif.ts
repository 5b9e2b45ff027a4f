/**
 * HEIF (HEIC, AVIF) structure (ISO/IEC 23008-12): the `meta` box lists items (`iinf`), where
 * their bytes are (`iloc`), and their properties (`iprp`/`ipma`). From it come the primary
 * image's size (`ispe`) and the bytes of its `Exif` item. An `Exif` item starts with a 4-byte
 * offset to the TIFF header: iPhones write 6 and "Exif\0\0", libheif's tools 0 — both are read.
 */
import { boxes, child, topLevelBoxes, type Box } from './isobmff.ts'
import { ascii, u16, u32, u64, type RandomAccess } from './reader.ts'

/** `meta` boxes larger than this are not read (an iPhone's is a few kilobytes). */
const MAX_META = 4 * 1024 * 1024
const MAX_EXIF = 1024 * 1024

export interface HeifInfo {
  width?: number
  height?: number
  /** The TIFF block of the primary image's EXIF. */
  exif?: Uint8Array
  /** The XMP packet, as text. */
  xmp?: string
}

export async function readHeif (file: RandomAccess): Promise<HeifInfo> {
  const head = await file.read(0, 64 * 1024)
  const ftyp = child(head, 'ftyp')
  let meta: Box | undefined
  for (const box of boxes(head, ftyp?.end ?? 0)) if (box.type === 'meta') meta = box
  if (meta != null) return await fromMeta(file, head, meta)
  // A `meta` that does not fit in the first 64 KiB: find its header, then read it whole.
  const top = (await topLevelBoxes(file, 50)).find((b) => b.type === 'meta')
  if (top == null || top.end - top.start > MAX_META) return {}
  const bytes = await file.read(top.start, top.end)
  return await fromMeta(file, bytes, { type: 'meta', start: 0, body: top.body - top.start, end: bytes.length })
}

interface Item { id: number, type: string, contentType?: string }
interface Extent { offset: number, length: number }

async function fromMeta (file: RandomAccess, bytes: Uint8Array, meta: Box): Promise<HeifInfo> {
  const from = meta.body + 4
  const items = itemInfos(bytes, child(bytes, 'iinf', from, meta.end))
  const locations = itemLocations(bytes, child(bytes, 'iloc', from, meta.end))
  const pitm = child(bytes, 'pitm', from, meta.end)
  const primary = pitm != null ? (bytes[pitm.body] === 0 ? u16(bytes, pitm.body + 4) : u32(bytes, pitm.body + 4)) : undefined
  const idat = child(bytes, 'idat', from, meta.end)
  const out: HeifInfo = {}

  const size = primary != null ? primarySize(bytes, child(bytes, 'iprp', from, meta.end), primary) : undefined
  if (size != null) Object.assign(out, size)

  const readItem = async (id: number, max: number): Promise<Uint8Array | undefined> => {
    const location = locations.get(id)
    if (location == null) return undefined
    const total = location.extents.reduce((sum, e) => sum + e.length, 0)
    if (total > max) return undefined
    const parts: Uint8Array[] = []
    for (const extent of location.extents) {
      if (location.method === 1) {
        if (idat == null) return undefined
        parts.push(bytes.subarray(idat.body + extent.offset, idat.body + extent.offset + extent.length))
      } else {
        parts.push(await file.read(extent.offset, extent.offset + extent.length))
      }
    }
    const joined = new Uint8Array(total)
    let at = 0
    for (const part of parts) { joined.set(part, at); at += part.length }
    return joined
  }

  const exifItem = items.find((i) => i.type === 'Exif')
  if (exifItem != null) {
    const exif = await readItem(exifItem.id, MAX_EXIF)
    if (exif != null && exif.length > 8) {
      const offset = 4 + u32(exif, 0)
      const tiffAt = [offset, 4, 10].find((at) => ['MM\0*', 'II*\0'].includes(ascii(exif, at, at + 4)))
      if (tiffAt != null) out.exif = exif.subarray(tiffAt)
    }
  }
  const xmpItem = items.find((i) => i.type === 'mime' && i.contentType === 'application/rdf+xml')
  if (xmpItem != null) {
    const xmp = await readItem(xmpItem.id, MAX_EXIF)
    if (xmp != null) out.xmp = new TextDecoder().decode(xmp)
  }
  return out
}

function itemInfos (bytes: Uint8Array, iinf: Box | undefined): Item[] {
  if (iinf == null) return []
  const v0 = bytes[iinf.body] === 0
  const items: Item[] = []
  for (const infe of boxes(bytes, iinf.body + (v0 ? 6 : 8), iinf.end)) {
    if (infe.type !== 'infe') continue
    const version = bytes[infe.body] ?? 0
    if (version < 2) continue
    const id = version === 2 ? u16(bytes, infe.body + 4) : u32(bytes, infe.body + 4)
    const typeAt = infe.body + (version === 2 ? 8 : 10)
    const type = ascii(bytes, typeAt, typeAt + 4)
    let contentType: string | undefined
    if (type === 'mime') {
      const nameEnd = bytes.indexOf(0, typeAt + 4)
      const ctEnd = nameEnd >= 0 ? bytes.indexOf(0, nameEnd + 1) : -1
      if (nameEnd >= 0 && ctEnd > nameEnd && ctEnd <= infe.end) contentType = ascii(bytes, nameEnd + 1, ctEnd)
    }
    items.push({ id, type, ...(contentType != null ? { contentType } : {}) })
  }
  return items
}

function itemLocations (bytes: Uint8Array, iloc: Box | undefined): Map<number, { method: number, extents: Extent[] }> {
  const out = new Map<number, { method: number, extents: Extent[] }>()
  if (iloc == null) return out
  const version = bytes[iloc.body] ?? 0
  let at = iloc.body + 4
  const sizes = u16(bytes, at)
  const offsetSize = sizes >> 12
  const lengthSize = (sizes >> 8) & 15
  const baseSize = (sizes >> 4) & 15
  const indexSize = version === 1 || version === 2 ? sizes & 15 : 0
  at += 2
  const read = (n: number): number => {
    const value = n === 0 ? 0 : n === 4 ? u32(bytes, at) : n === 8 ? u64(bytes, at) : n === 2 ? u16(bytes, at) : NaN
    at += n
    return value
  }
  let count = version < 2 ? read(2) : read(4)
  while (count-- > 0 && at < iloc.end) {
    const id = version < 2 ? read(2) : read(4)
    const method = version === 1 || version === 2 ? read(2) & 15 : 0
    read(2)
    const baseOffset = read(baseSize)
    const extents: Extent[] = []
    for (let n = read(2); n > 0; n--) {
      read(indexSize)
      const offset = read(offsetSize)
      extents.push({ offset: baseOffset + offset, length: read(lengthSize) })
    }
    if (extents.every((e) => Number.isFinite(e.offset) && Number.isFinite(e.length))) out.set(id, { method, extents })
  }
  return out
}

function primarySize (bytes: Uint8Array, iprp: Box | undefined, primary: number): { width: number, height: number } | undefined {
  if (iprp == null) return undefined
  const ipco = child(bytes, 'ipco', iprp.body, iprp.end)
  const ipma = child(bytes, 'ipma', iprp.body, iprp.end)
  if (ipco == null || ipma == null) return undefined
  const properties = [...boxes(bytes, ipco.body, ipco.end)]
  const version = bytes[ipma.body] ?? 0
  const wide = ((bytes[ipma.body + 3] ?? 0) & 1) === 1
  let at = ipma.body + 8
  for (let n = u32(bytes, ipma.body + 4); n > 0 && at < ipma.end; n--) {
    const id = version < 1 ? u16(bytes, at) : u32(bytes, at)
    at += version < 1 ? 2 : 4
    const count = bytes[at++] ?? 0
    for (let i = 0; i < count; i++) {
      const index = (wide ? u16(bytes, at) & 0x7fff : (bytes[at] ?? 0) & 0x7f)
      at += wide ? 2 : 1
      const property = properties[index - 1]
      if (id === primary && property?.type === 'ispe') return { width: u32(bytes, property.body + 4), height: u32(bytes, property.body + 8) }
    }
  }
  return undefined
}
