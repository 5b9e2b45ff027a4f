/**
 * Where the metadata sits in still-image containers, and their pixel size: JPEG segments (EXIF
 * and XMP in APP1, size in the SOF segment), PNG chunks (`IHDR`, `eXIf`, XMP in `iTXt`), WebP
 * RIFF chunks (`VP8 `/`VP8L`/`VP8X`, `EXIF`, `XMP `) and GIF's screen descriptor. Only the
 * first 256 KiB are looked at: that is where every camera puts them.
 */
import { ascii, indexOf, u16, u24le, u16le, u32, u32le } from './reader.ts'
import type { MediaFormat } from './sniff.ts'

export const STILL_HEAD_BYTES = 256 * 1024

export interface StillInfo {
  width?: number
  height?: number
  /** The TIFF block of the EXIF data. */
  exif?: Uint8Array
  xmp?: string
}

const XMP_JPEG = 'http://ns.adobe.com/xap/1.0/\0'

export function readStill (format: MediaFormat, head: Uint8Array): StillInfo {
  switch (format) {
    case 'jpeg': return readJpeg(head)
    case 'png': return readPng(head)
    case 'webp': return readWebp(head)
    case 'gif': return { width: u16le(head, 6), height: u16le(head, 8) }
    case 'tiff': return { exif: head }
    default: return {}
  }
}

function withoutExifHeader (block: Uint8Array): Uint8Array {
  return ascii(block, 0, 6) === 'Exif\0\0' ? block.subarray(6) : block
}

function readJpeg (b: Uint8Array): StillInfo {
  const out: StillInfo = {}
  let at = 2
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) break
    const marker = b[at + 1] as number
    if (marker === 0xff) { at++; continue }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue }
    if (marker === 0xd9 || marker === 0xda) break
    const length = u16(b, at + 2)
    if (length < 2) break
    const body = b.subarray(at + 4, Math.min(b.length, at + 2 + length))
    if (marker === 0xe1 && ascii(body, 0, 6) === 'Exif\0\0' && out.exif == null) out.exif = body.subarray(6)
    if (marker === 0xe1 && ascii(body, 0, XMP_JPEG.length) === XMP_JPEG && out.xmp == null) out.xmp = new TextDecoder().decode(body.subarray(XMP_JPEG.length))
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isSof && out.width == null) {
      out.height = u16(body, 1)
      out.width = u16(body, 3)
    }
    at += 2 + length
  }
  return out
}

function readPng (b: Uint8Array): StillInfo {
  const out: StillInfo = {}
  let at = 8
  while (at + 12 <= b.length) {
    const length = u32(b, at)
    const type = ascii(b, at + 4, at + 8)
    const body = b.subarray(at + 8, Math.min(b.length, at + 8 + length))
    if (type === 'IHDR') {
      out.width = u32(body, 0)
      out.height = u32(body, 4)
    } else if (type === 'eXIf') {
      out.exif = withoutExifHeader(body)
    } else if (type === 'iTXt' && ascii(body, 0, 18) === 'XML:com.adobe.xmp\0') {
      // keyword\0, compression flag, method, language\0, translated keyword\0, text
      const compressed = body[18] === 1
      const language = body.indexOf(0, 20)
      const translated = language >= 0 ? body.indexOf(0, language + 1) : -1
      if (!compressed && translated >= 0) out.xmp = new TextDecoder().decode(body.subarray(translated + 1))
    } else if (type === 'IDAT' || type === 'IEND') {
      break
    }
    at += 12 + length
  }
  return out
}

function readWebp (b: Uint8Array): StillInfo {
  const out: StillInfo = {}
  let at = 12
  while (at + 8 <= b.length) {
    const type = ascii(b, at, at + 4)
    const length = u32le(b, at + 4)
    const body = b.subarray(at + 8, Math.min(b.length, at + 8 + length))
    if (type === 'VP8X') {
      out.width = u24le(body, 4) + 1
      out.height = u24le(body, 7) + 1
    } else if (type === 'VP8 ' && out.width == null && indexOf(body, new Uint8Array([0x9d, 0x01, 0x2a])) === 3) {
      out.width = u16le(body, 6) & 0x3fff
      out.height = u16le(body, 8) & 0x3fff
    } else if (type === 'VP8L' && out.width == null && body[0] === 0x2f) {
      const bits = u32le(body, 1)
      out.width = (bits & 0x3fff) + 1
      out.height = ((bits >>> 14) & 0x3fff) + 1
    } else if (type === 'EXIF') {
      out.exif = withoutExifHeader(body)
    } else if (type === 'XMP ') {
      out.xmp = new TextDecoder().decode(body)
    }
    at += 8 + length + (length & 1)
  }
  return out
}
