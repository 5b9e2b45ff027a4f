/**
 * What a file is, from its first bytes rather than its name: phones export HEIC files named
 * `.JPG`, and a renamed file should still be read with the right parser.
 */
import { ascii } from './reader.ts'

export type MediaFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif' | 'avif' | 'mp4' | 'quicktime'

export const FORMAT_MIME: Record<MediaFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heif: 'image/heic',
  avif: 'image/avif',
  mp4: 'video/mp4',
  quicktime: 'video/quicktime'
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2'])
const AVIF_BRANDS = new Set(['avif', 'avis'])
/** Video brands; others in an `ftyp` (Canon's `crx ` raw files, JPEG 2000, audio-only M4A) are not video. */
const VIDEO_BRANDS = /^(isom|iso[2-9]|mp41|mp42|mp71|avc1|hvc1|M4V |M4VH|M4VP|3gp[4-9]|3g2[abc]|dash|mmp4|f4v |XAVC|MSNV|NDAS|qt  )$/

/** The format of a file from its first 32 bytes or more; undefined for anything else. */
export function sniffFormat (head: Uint8Array): MediaFormat | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png'
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp'
  if (ascii(head, 0, 4) === 'GIF8') return 'gif'
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return 'tiff'
  const box = ascii(head, 4, 8)
  if (box === 'ftyp') {
    const major = ascii(head, 8, 12)
    const size = Math.min(head.length, ((head[0] ?? 0) << 24 | (head[1] ?? 0) << 16 | (head[2] ?? 0) << 8 | (head[3] ?? 0)) >>> 0)
    const brands = [major]
    for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(head, at, at + 4))
    if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif'
    if (HEIF_BRANDS.has(major) || (brands.some((b) => HEIF_BRANDS.has(b)) && !brands.includes('qt  ') && !brands.includes('isom'))) return 'heif'
    if (major === 'qt  ') return 'quicktime'
    return VIDEO_BRANDS.test(major) ? 'mp4' : undefined
  }
  // Old QuickTime files start straight with an atom.
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(box)) return 'quicktime'
  return undefined
}

export function isVideoFormat (format: MediaFormat | undefined): boolean {
  return format === 'mp4' || format === 'quicktime'
}
