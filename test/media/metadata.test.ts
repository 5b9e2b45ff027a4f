/**
 * The portable half of the media pipeline (src/media): metadata from every fixture, read by
 * ranges and from a plain stream alike; the date, offset and coordinate rules; Apple's
 * MakerNote; sniffing by content; motion photos in Google's and Samsung's layouts; and the
 * rules that pair Live Photo halves.
 */
import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import { parseExifDateTime, parseIso6709, parseIsoDateTime, toTakenAt } from '../../src/media/dates.ts'
import { appleContentIdentifier, fromRaw } from '../../src/media/exif.ts'
import { pairLivePhotos } from '../../src/media/live-photos.ts'
import { readMetadata } from '../../src/media/metadata.ts'
import { findEmbeddedVideo } from '../../src/media/motion-photo.ts'
import { topLevelBoxes } from '../../src/media/isobmff.ts'
import { bytesReader } from '../../src/media/reader.ts'
import { sniffFormat } from '../../src/media/sniff.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import type { MediaSource } from '../../src/media/index.ts'
import type { MediaMetadata } from '../../src/media/metadata-types.ts'

/** A source that can only be streamed, in small pieces (as a network upload would be). */
function streamOnly (bytes: Uint8Array): MediaSource {
  return {
    name: 'x', size: bytes.length, mtime: 0,
    open: async function * () { for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096) }
  }
}

describe('media metadata', function () {
  before(async function () {
    await makeFixtures()
  })

  it('reads the same metadata from bytes in memory and from a stream-only source', async function () {
    for (const name of [FIXTURES.jpegGps.file, FIXTURES.heic.file, FIXTURES.png.file, FIXTURES.webp.file, FIXTURES.mp4.file, FIXTURES.mov.file, FIXTURES.livePair.motion]) {
      const bytes = new Uint8Array(await readFile(fixturePath(name)))
      const fromBytes = await readMetadata(bytes)
      expect(fromBytes.mime, name).to.be.a('string')
      expect(await readMetadata(streamOnly(bytes)), name).to.deep.equal(fromBytes)
    }
  })

  it('finds a video\'s moov after its mdat, and Apple\'s keys: identifier, creation date with offset, make, model', async function () {
    const bytes = new Uint8Array(await readFile(fixturePath(FIXTURES.livePair.motion)))
    const order = (await topLevelBoxes(bytesReader(bytes))).map((b) => b.type)
    expect(order.indexOf('mdat')).to.be.lessThan(order.indexOf('moov'))
    const metadata = await readMetadata(bytes)
    expect(metadata).to.deep.include({
      mime: 'video/quicktime',
      contentIdentifier: FIXTURES.livePair.contentIdentifier,
      takenAt: FIXTURES.livePair.takenAt,
      camera: FIXTURES.livePair.camera,
      durationMs: 2000
    })
  })

  it('reads the content identifier from the HEIC still\'s Apple MakerNote', async function () {
    const metadata = await readMetadata(new Uint8Array(await readFile(fixturePath(FIXTURES.livePair.still))))
    expect(metadata.contentIdentifier).to.equal(FIXTURES.livePair.contentIdentifier)
    expect(metadata.mime).to.equal('image/heic')
  })

  it('reports damaged EXIF through onNote and keeps what the container says', async function () {
    const notes: string[] = []
    const metadata = await readMetadata(new Uint8Array(await readFile(fixturePath(FIXTURES.corruptExif.file))), { onNote: (n) => notes.push(n) })
    expect(metadata).to.deep.equal({ mime: 'image/jpeg', width: 160, height: 120 })
    expect(notes).to.have.length(1)
    expect(notes[0]).to.match(/^its EXIF metadata is damaged \(.+\); uploaded without it$/)
  })

  it('knows files by their bytes, not their names', async function () {
    const heic = new Uint8Array(await readFile(fixturePath(FIXTURES.heic.file)))
    expect(sniffFormat(heic)).to.equal('heif')
    expect(sniffFormat(new Uint8Array(await readFile(fixturePath(FIXTURES.mov.file))))).to.equal('quicktime')
    expect(sniffFormat(new Uint8Array(await readFile(fixturePath(FIXTURES.mp4.file))))).to.equal('mp4')
    expect(sniffFormat(new TextEncoder().encode('just some text, not media'))).to.equal(undefined)
    // A Canon CR3 raw photo is ISO BMFF too, but a photo, no video.
    expect(sniffFormat(new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypcrx \0\0\0\x01crx isom')]))).to.equal('raw')
    expect(await readMetadata(new TextEncoder().encode('plain text'))).to.deep.equal({})
  })
})

describe('media dates and places', function () {
  it('combines an EXIF local time with its offset tag and sub-seconds', function () {
    const clock = parseExifDateTime('2023:05:01 12:34:56', '5', '+08:00')!
    expect(toTakenAt(clock)).to.deep.equal({ utcMs: Date.UTC(2023, 4, 1, 4, 34, 56, 500), offsetMinutes: 480 })
    expect(toTakenAt(parseExifDateTime('2023:05:01 12:34:56', undefined, '-05:30')!)).to.deep.equal({ utcMs: Date.UTC(2023, 4, 1, 18, 4, 56), offsetMinutes: -330 })
  })

  it('reads a time without offset in this device\'s zone and leaves the offset out', function () {
    expect(toTakenAt(parseExifDateTime('2023:05:01 12:34:56')!)).to.deep.equal({ utcMs: new Date(2023, 4, 1, 12, 34, 56).getTime() })
  })

  it('treats blank and zeroed EXIF dates as no date', function () {
    for (const value of ['0000:00:00 00:00:00', '    :  :     :  :  ', '', 'garbage', '2023:13:01 00:00:00']) {
      expect(parseExifDateTime(value), value).to.equal(undefined)
    }
  })

  it('infers the offset from the GPS clock when the camera wrote none', function () {
    const metadata = fromRaw({ DateTimeOriginal: '2023:05:01 12:34:56', GPSDateStamp: '2023:05:01', GPSTimeStamp: [4, 34, 50] })
    expect(metadata.takenAt).to.deep.equal({ utcMs: Date.UTC(2023, 4, 1, 4, 34, 56), offsetMinutes: 480 })
  })

  it('applies hemisphere references and altitude below sea level, and drops a (0, 0) fix', function () {
    expect(fromRaw({ GPSLatitude: [33, 26, 56.0076], GPSLatitudeRef: 'S', GPSLongitude: [70, 40, 9.3576], GPSLongitudeRef: 'W', GPSAltitude: 3, GPSAltitudeRef: new Uint8Array([1]) }).gps)
      .to.deep.equal({ lat: -(33 + 26 / 60 + 56.0076 / 3600), lon: -(70 + 40 / 60 + 9.3576 / 3600), alt: -3 })
    expect(fromRaw({ GPSLatitude: [0, 0, 0], GPSLatitudeRef: 'N', GPSLongitude: [0, 0, 0], GPSLongitudeRef: 'E' }).gps).to.equal(undefined)
  })

  it('reads ISO 8601 with inline offsets and ISO 6709 coordinates', function () {
    expect(toTakenAt(parseIsoDateTime('2024-02-29T17:45:10-0500')!)).to.deep.equal({ utcMs: Date.UTC(2024, 1, 29, 22, 45, 10), offsetMinutes: -300 })
    expect(toTakenAt(parseIsoDateTime('2024-02-29T22:45:10Z')!)).to.deep.equal({ utcMs: Date.UTC(2024, 1, 29, 22, 45, 10), offsetMinutes: 0 })
    expect(parseIso6709('+31.2304+121.4737+012.500/')).to.deep.equal({ lat: 31.2304, lon: 121.4737, alt: 12.5 })
    expect(parseIso6709('-33.8568+151.2153/')).to.deep.equal({ lat: -33.8568, lon: 151.2153 })
    expect(parseIso6709('+95.0+10.0/')).to.equal(undefined)
  })

  it('finds the content identifier in Apple MakerNotes of either byte order', function () {
    const note = (little: boolean): Uint8Array => {
      const id = Buffer.from('ABCD-1234\0', 'latin1')
      const b = Buffer.alloc(16 + 12 + 4 + id.length)
      b.write('Apple iOS\0', 0, 'latin1'); b.writeUInt16BE(1, 10); b.write(little ? 'II' : 'MM', 12, 'latin1')
      const w16 = (v: number, at: number): number => little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at)
      const w32 = (v: number, at: number): number => little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at)
      w16(1, 14); w16(0x0011, 16); w16(2, 18); w32(id.length, 20); w32(32, 24)
      id.copy(b, 32)
      return new Uint8Array(b)
    }
    expect(appleContentIdentifier(note(false))).to.equal('ABCD-1234')
    expect(appleContentIdentifier(note(true))).to.equal('ABCD-1234')
    expect(appleContentIdentifier(new TextEncoder().encode('Nikon\0 something else entirely'))).to.equal(undefined)
  })
})

describe('motion photos', function () {
  before(async function () {
    await makeFixtures()
  })

  it('finds the MP4 of a Google motion photo from its XMP offset', async function () {
    const bytes = new Uint8Array(await readFile(fixturePath(FIXTURES.motionPhoto.file)))
    const found = findEmbeddedVideo(bytes, new TextDecoder().decode(bytes.subarray(0, 64 * 1024)))
    expect(found?.end).to.equal(bytes.length)
    expect(new TextDecoder().decode(bytes.subarray(found!.start + 4, found!.start + 8))).to.equal('ftyp')
  })

  it('finds the MP4 of a Samsung motion photo and leaves its trailer out', async function () {
    const jpeg = await readFile(fixturePath(FIXTURES.noExif.file))
    const video = await readFile(fixturePath(FIXTURES.mov.file))
    const trailer = Buffer.from('SEFHxxxxxxxxSEFT')
    const file = new Uint8Array(Buffer.concat([jpeg, Buffer.from('MotionPhoto_Data'), video, trailer]))
    const found = findEmbeddedVideo(file)
    expect(found).to.deep.equal({ start: jpeg.length + 16, end: jpeg.length + 16 + video.length })
  })

  it('finds nothing in a plain JPEG or in a file that is not one', async function () {
    expect(findEmbeddedVideo(new Uint8Array(await readFile(fixturePath(FIXTURES.jpegGps.file))))).to.equal(undefined)
    expect(findEmbeddedVideo(new Uint8Array(await readFile(fixturePath(FIXTURES.mp4.file))))).to.equal(undefined)
  })
})

describe('Live Photo pairing', function () {
  const src = (path: string, mtime = 0, size = 1000): MediaSource => ({ name: path.split('/').pop()!, path, size, mtime, open: async function * () {} })
  const pairWith = async (sources: MediaSource[], meta: Record<string, MediaMetadata>) =>
    await pairLivePhotos(sources, { read: async (s) => meta[s.path!] ?? {} })
  const at = (utcMs: number): MediaMetadata => ({ takenAt: { utcMs } })

  it('pairs by content identifier whatever the names, and keeps the list order', async function () {
    const a = src('x/IMG_1.HEIC')
    const b = src('x/other.jpg')
    const v = src('y/random-name.MOV')
    const units = await pairWith([v, a, b], { 'x/IMG_1.HEIC': { contentIdentifier: 'ID1' }, 'y/random-name.MOV': { contentIdentifier: 'ID1' } })
    expect(units.map((u) => [u.source.name, u.motion?.name])).to.deep.equal([['IMG_1.HEIC', 'random-name.MOV'], ['other.jpg', undefined]])
  })

  it('pairs by folder and base name when capture times are seconds apart', async function () {
    const units = await pairWith([src('d/IMG_2.JPG'), src('d/IMG_2.mov')], { 'd/IMG_2.JPG': at(1000), 'd/IMG_2.mov': at(3500) })
    expect(units).to.have.length(1)
    expect(units[0]!.motion?.name).to.equal('IMG_2.mov')
  })

  it('does not pair by name across folders, a minute apart, a long clip, or two different identifiers', async function () {
    const cases: Array<[MediaSource[], Record<string, MediaMetadata>]> = [
      [[src('a/IMG_3.JPG'), src('b/IMG_3.MOV')], {}],
      [[src('d/IMG_4.JPG'), src('d/IMG_4.MOV')], { 'd/IMG_4.JPG': at(0), 'd/IMG_4.MOV': at(60_000) }],
      [[src('d/IMG_5.JPG'), src('d/IMG_5.MOV')], { 'd/IMG_5.JPG': at(0), 'd/IMG_5.MOV': { ...at(0), durationMs: 30_000 } }],
      [[src('d/IMG_6.HEIC'), src('d/IMG_6.MOV')], { 'd/IMG_6.HEIC': { contentIdentifier: 'A' }, 'd/IMG_6.MOV': { contentIdentifier: 'B' } }]
    ]
    for (const [sources, meta] of cases) expect((await pairWith(sources, meta)).map((u) => u.motion), sources[0]!.path).to.deep.equal([undefined, undefined])
  })

  it('reads only the stills that share a video\'s name, unless a video\'s identifier is still unmatched', async function () {
    const stills = Array.from({ length: 50 }, (_, i) => src(`d/IMG_${1000 + i}.HEIC`))
    const read: string[] = []
    const meta: Record<string, MediaMetadata> = { 'd/IMG_1003.MOV': { contentIdentifier: 'X' }, 'd/IMG_1003.HEIC': { contentIdentifier: 'X' } }
    const units = await pairLivePhotos([...stills, src('d/IMG_1003.MOV')], { read: async (s) => { read.push(s.path!); return meta[s.path!] ?? {} } })
    expect(units).to.have.length(50)
    expect(read.sort()).to.deep.equal(['d/IMG_1003.HEIC', 'd/IMG_1003.MOV'])

    read.length = 0
    meta['d/clip.MOV'] = { contentIdentifier: 'Y' }
    meta['d/IMG_1040.HEIC'] = { contentIdentifier: 'Y' }
    const renamed = await pairLivePhotos([...stills, src('d/clip.MOV')], { read: async (s) => { read.push(s.path!); return meta[s.path!] ?? {} } })
    expect(renamed.find((u) => u.motion != null)?.source.path).to.equal('d/IMG_1040.HEIC')
    expect(read).to.have.length(42)
  })

  it('falls back to file times when the files carry no capture time', async function () {
    expect((await pairWith([src('d/IMG_7.JPG', 10_000), src('d/IMG_7.MOV', 11_000)], {}))[0]!.motion?.name).to.equal('IMG_7.MOV')
    expect(await pairWith([src('d/IMG_8.JPG', 10_000), src('d/IMG_8.MOV', 900_000)], {})).to.have.length(2)
  })
})
