/**
 * What an upload accepts, from the content and never the name ([Note: what an upload accepts],
 * src/media/sniff.ts): photo and video formats pass, everything else is refused with a reason that
 * says what it is, when the bytes say so.
 */
import { expect } from 'chai'
import { refusalOf, sniffFormat, SNIFF_BYTES } from '../../src/media/sniff.ts'

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p))
const ftyp = (major: string, ...compatible: string[]): Uint8Array => {
  const size = 16 + 4 * compatible.length
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'mdat')
}

describe('sniffing uploads', function () {
  it('knows photo, raw and video formats by their first bytes', function () {
    const cases: Array<[Uint8Array, string]> = [
      [bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
      [bytes('\x89PNG\r\n\x1a\n'), 'png'],
      [bytes('GIF89a'), 'gif'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'webp'],
      [bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'avi'],
      [ftyp('heic', 'mif1', 'heic'), 'heif'],
      [ftyp('avif', 'mif1', 'avif'), 'avif'],
      [ftyp('crx ', 'crx '), 'raw'],
      [ftyp('isom', 'isom', 'mp41'), 'mp4'],
      [ftyp('qt  ', 'qt  '), 'quicktime'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'webm'],
      [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), 'matroska'],
      [bytes('II*\0'), 'tiff'],
      [bytes('IIRO'), 'raw'],
      [Uint8Array.from({ length: 600 }, (_, i) => i % 188 === 0 ? 0x47 : 0), 'mpegts']
    ]
    for (const [head, format] of cases) expect(sniffFormat(head), format).to.equal(format)
  })

  it('accepts media whatever its name and refuses an empty file', function () {
    expect(refusalOf(bytes([0xff, 0xd8, 0xff, 0xe1]), 1000)).to.equal(undefined)
    expect(refusalOf(new Uint8Array(0), 0)).to.deep.equal({ code: 'ERR_EMPTY_FILE', reason: 'the file is empty (0 bytes)' })
  })

  it('refuses other files, saying what they are when the bytes say so', function () {
    const cases: Array<[Uint8Array, string]> = [
      [bytes('hello, these are my notes\nline two\n'), 'it is a text file, not a photo or video'],
      [bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), 'it is a PDF document, not a photo or video'],
      [bytes('<!DOCTYPE html><html><body>'), 'it is a web page, not a photo or video'],
      [bytes('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'), 'it is an SVG drawing, not a photo or video'],
      [bytes('PK\x03\x04', [20, 0, 0, 0]), 'it is a ZIP archive or an office document, not a photo or video'],
      [bytes('ID3', [4, 0, 0, 0, 0, 0]), 'it is an audio file, not a photo or video'],
      [ftyp('M4A ', 'M4A ', 'isom'), 'it is an audio file, not a photo or video'],
      [bytes([0x00, 0x01, 0x02, 0x9c, 0xe1, 0x00, 0x7f, 0x13]), 'its content is not a photo or video format Obscura knows']
    ]
    for (const [head, reason] of cases) expect(refusalOf(head, head.length + SNIFF_BYTES), reason).to.deep.equal({ code: 'ERR_NOT_MEDIA', reason })
  })
})
