/**
 * Android motion photos: a JPEG with an MP4 appended after its end. Google's format names the
 * video's length in XMP (`GCamera:MicroVideoOffset`, counted from the end of the file, or the
 * `Container:Directory` item with semantic `MotionPhoto`); Samsung's puts `MotionPhoto_Data`
 * before the video and its own `SEFH…SEFT` trailer after it. Wherever the start comes from, it
 * is accepted only if an MP4 really begins there (`ftyp`, then boxes up to a `moov`), and the
 * video ends where its boxes end, which leaves out any trailer.
 */
import { boxes } from './isobmff.ts'
import { ascii, indexOf, u16 } from './reader.ts'
import { xmpContainerItems, xmpValue } from './xmp.ts'

const SAMSUNG_MARKER = new TextEncoder().encode('MotionPhoto_Data')
const FTYP = new TextEncoder().encode('ftyp')

/** Where the image data of a JPEG begins (its first SOS segment), or 2 when it cannot tell. */
function jpegScanStart (b: Uint8Array): number {
  let at = 2
  while (at + 4 <= b.length && b[at] === 0xff) {
    const marker = b[at + 1] as number
    if (marker === 0xda) return at
    at += 2 + u16(b, at + 2)
  }
  return 2
}

/** The MP4 inside `bytes`, if it is a JPEG motion photo; `xmp` is its XMP packet if known. */
export function findEmbeddedVideo (bytes: Uint8Array, xmp?: string): { start: number, end: number } | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined
  const candidates: number[] = []
  if (xmp != null) {
    const offset = Number(xmpValue(xmp, 'GCamera:MicroVideoOffset'))
    if (Number.isInteger(offset) && offset > 0) candidates.push(bytes.length - offset)
    const items = xmpContainerItems(xmp)
    const video = items.find((i) => i.semantic === 'MotionPhoto')
    if (video?.length != null && Number.isInteger(video.length)) candidates.push(bytes.length - video.length)
  }
  const scan = jpegScanStart(bytes)
  const samsung = indexOf(bytes, SAMSUNG_MARKER, scan)
  if (samsung >= 0) candidates.push(samsung + SAMSUNG_MARKER.length)
  for (let at = indexOf(bytes, FTYP, scan); at >= 0 && candidates.length < 20; at = indexOf(bytes, FTYP, at + 1)) candidates.push(at - 4)
  for (const start of candidates) {
    const end = mp4End(bytes, start)
    if (end != null) return { start, end }
  }
  return undefined
}

/** The end of an MP4 starting at `start` (its last box), or undefined if none starts there. */
function mp4End (bytes: Uint8Array, start: number): number | undefined {
  if (start <= 2 || start >= bytes.length || ascii(bytes, start + 4, start + 8) !== 'ftyp') return undefined
  let end = start
  let moov = false
  for (const box of boxes(bytes, start)) {
    if (box.type === 'moov') moov = true
    end = box.end
  }
  return moov ? end : undefined
}
