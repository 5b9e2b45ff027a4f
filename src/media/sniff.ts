/**
 * What a file is, from its first bytes rather than its name: phones export HEIC files named
 * `.JPG`, and a renamed file should still be read with the right parser. This is also where a
 * photo library decides what it accepts (`refusalOf`): the web UI and the CLI both upload through
 * src/client/upload.ts, which asks here, so the two refuse the same files for the same reasons.
 *
 * [Note: what an upload accepts] A file is uploaded when its content (never its name) is a photo
 * or video format below; raw camera files count as photos. Everything else is refused with a
 * reason a person understands: empty (0 bytes), not a photo or video (saying what it is when the
 * bytes say so: a PDF, text, a web page, an archive, audio), or damaged. "Damaged" needs a
 * decoder: a file whose first bytes say JPEG, PNG, GIF or WebP but that the platform's decoder
 * (sharp in the CLI, the browser's in the web UI) cannot decode. Only those four: every decoder
 * reads them, so a failure means the bytes are bad. HEIF, AVIF, TIFF, raw files and videos that
 * fail to decode are kept (with a note): the decoder may simply lack the codec.
 */
import { ascii } from './reader.ts'

export type MediaFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp' | 'heif' | 'avif' | 'raw'
  | 'mp4' | 'quicktime' | 'webm' | 'matroska' | 'avi' | 'mpegts' | 'mpeg' | 'asf' | 'ogg'

export const FORMAT_MIME: Record<MediaFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  heif: 'image/heic',
  avif: 'image/avif',
  raw: 'image/x-camera-raw',
  mp4: 'video/mp4',
  quicktime: 'video/quicktime',
  webm: 'video/webm',
  matroska: 'video/x-matroska',
  avi: 'video/x-msvideo',
  mpegts: 'video/mp2t',
  mpeg: 'video/mpeg',
  asf: 'video/x-ms-asf',
  ogg: 'video/ogg'
}

/** Bytes `sniffFormat` and `refusalOf` want to see (more is fine). */
export const SNIFF_BYTES = 4096

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'mif2'])
const AVIF_BRANDS = new Set(['avif', 'avis'])
/** Video brands; others in an `ftyp` (JPEG 2000, audio-only M4A) are not video. */
const VIDEO_BRANDS = /^(isom|iso[2-9]|mp41|mp42|mp71|avc1|hvc1|M4V |M4VH|M4VP|3gp[4-9]|3g2[abc]|dash|mmp4|f4v |XAVC|MSNV|NDAS|qt  )$/
const AUDIO_BRANDS = /^(M4A |M4B |M4P |F4A |F4B )$/

/** The format of a file from its first 32 bytes or more (SNIFF_BYTES for MPEG-TS); undefined for anything else. */
export function sniffFormat (head: Uint8Array): MediaFormat | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg'
  if (ascii(head, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png'
  const riff = ascii(head, 8, 12)
  if (ascii(head, 0, 4) === 'RIFF' && riff === 'WEBP') return 'webp'
  if (ascii(head, 0, 4) === 'RIFF' && riff === 'AVI ') return 'avi'
  if (ascii(head, 0, 4) === 'GIF8') return 'gif'
  // Olympus (IIRO, IIRS) and Panasonic (IIU) raw files are TIFF with their own magic.
  if (['IIRO', 'IIRS', 'IIU\0'].includes(ascii(head, 0, 4)) || ascii(head, 0, 15) === 'FUJIFILMCCD-RAW') return 'raw'
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return 'tiff'
  if (ascii(head, 0, 2) === 'BM' && head.length >= 26 && head[14] != null && [12, 40, 52, 56, 64, 108, 124].includes(head[14])) return 'bmp'
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return ascii(head, 0, 64).includes('webm') ? 'webm' : 'matroska'
  if (ascii(head, 0, 4) === 'OggS' && /theora|\x80theora|fishead|Skeleton/i.test(ascii(head, 0, 128))) return 'ogg'
  if (head[0] === 0x30 && head[1] === 0x26 && head[2] === 0xb2 && head[3] === 0x75 && head[4] === 0x8e && head[5] === 0x66) return 'asf'
  if (head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0xba) return 'mpeg'
  // MPEG transport streams (camcorders' .MTS/.M2TS): a sync byte every 188 bytes, or every 192
  // after a 4-byte timestamp.
  if ([0, 4].some((skip) => [0, 1, 2].every((n) => head[skip + n * (188 + skip)] === 0x47)) && head.length >= 400) return 'mpegts'
  const box = ascii(head, 4, 8)
  if (box === 'ftyp') {
    const major = ascii(head, 8, 12)
    const size = Math.min(head.length, ((head[0] ?? 0) << 24 | (head[1] ?? 0) << 16 | (head[2] ?? 0) << 8 | (head[3] ?? 0)) >>> 0)
    const brands = [major]
    for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(head, at, at + 4))
    if (major === 'crx ') return 'raw' // Canon CR3
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
  return format != null && FORMAT_MIME[format].startsWith('video/')
}

/** Whether a failure to decode a file of this format means it is damaged; see [Note: what an upload accepts]. */
export function decodesEverywhere (format: MediaFormat | undefined): boolean {
  return format === 'jpeg' || format === 'png' || format === 'gif' || format === 'webp'
}

/** Why an upload refuses a file, with a stable code. */
export interface Refusal {
  code: 'ERR_EMPTY_FILE' | 'ERR_NOT_MEDIA' | 'ERR_DAMAGED_MEDIA'
  /** A sentence for a person, without the file's name: "the file is empty (0 bytes)". */
  reason: string
}

export const DAMAGED: Refusal = { code: 'ERR_DAMAGED_MEDIA', reason: 'the file is damaged: it could not be decoded' }

/**
 * Why a file of `size` bytes whose content starts with `head` is no photo or video (see
 * [Note: what an upload accepts]), or undefined when it is one. Damage is found later, by a decoder.
 */
export function refusalOf (head: Uint8Array, size: number): Refusal | undefined {
  if (size === 0) return { code: 'ERR_EMPTY_FILE', reason: 'the file is empty (0 bytes)' }
  if (sniffFormat(head) != null) return undefined
  const what = whatElse(head)
  return { code: 'ERR_NOT_MEDIA', reason: `${what != null ? `it is ${what}, ` : 'its content is '}not a photo or video${what != null ? '' : ' format Obscura knows'}` }
}

/** What a non-media file is, when its first bytes say so ("a PDF document"). */
function whatElse (head: Uint8Array): string | undefined {
  const start = ascii(head, 0, 16)
  if (start.startsWith('%PDF')) return 'a PDF document'
  if (start.startsWith('PK\x03\x04')) return 'a ZIP archive or an office document'
  if (start.startsWith('Rar!') || start.startsWith('7z\xbc\xaf') || (head[0] === 0x1f && head[1] === 0x8b)) return 'a compressed archive'
  if (start.startsWith('ID3') || start.startsWith('fLaC') || start.startsWith('OggS') || (start.startsWith('RIFF') && ascii(head, 8, 12) === 'WAVE') ||
    (ascii(head, 4, 8) === 'ftyp' && AUDIO_BRANDS.test(ascii(head, 8, 12))) || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return 'an audio file'
  const text = asText(head)
  if (text == null) return undefined
  const lead = text.trimStart().slice(0, 200).toLowerCase()
  if (lead.startsWith('<svg') || (lead.startsWith('<?xml') && lead.includes('<svg'))) return 'an SVG drawing'
  if (lead.startsWith('<!doctype html') || lead.startsWith('<html')) return 'a web page'
  if (lead.startsWith('<?xml') || lead.startsWith('<!doctype plist')) return 'an XML document'
  return 'a text file'
}

/** The head as text when it is UTF-8 without control characters other than tabs and line ends. */
function asText (head: Uint8Array): string | undefined {
  // A multi-byte character may be cut at the end of the head.
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, Math.max(0, head.length - 3)).length > 0 ? head.subarray(0, head.length - 3) : head)
  // eslint-disable-next-line no-control-regex -- control characters are what tell binary from text
  if (decoded.includes('\ufffd') || /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(decoded.replace(/^\ufeff/, ''))) return undefined
  return decoded.replace(/^\ufeff/, '')
}
