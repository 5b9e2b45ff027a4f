/**
 * The media pipeline end to end, in-process against a real node: every fixture goes through
 * uploadFiles with the Node media processor and comes back through openItem/readPart. Checks
 * the manifests' metadata (GPS to 5 decimals, capture time with its offset), that thumbnails and
 * previews decode upright at the right size, that Live Photos become one item of two parts,
 * that a byte range from the middle of a video fetches and decrypts only its chunks, that broken
 * files upload with placeholders and notes, and that originals come back byte-identical.
 */
import { readFile, stat } from 'node:fs/promises'
import { expect } from 'chai'
import sharp from 'sharp'
import { openItem, readPart, readRange, type OpenedItem, type PartName } from '../../src/client/download.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles, type UploadProgressEvent, type UploadSource } from '../../src/client/upload.ts'
import { CHUNK_SIZE } from '../../src/crypto/stream.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { fileSource } from '../../node/cli/files.ts'
import { openLibrary } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { Library } from '../../src/client/library.ts'

async function source (name: string): Promise<UploadSource & { path: string }> {
  const path = fixturePath(name)
  const info = await stat(path)
  return { ...fileSource(path, info.size, Math.floor(info.mtimeMs)), path }
}

async function collect (stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = []
  for await (const piece of stream) pieces.push(piece)
  return Buffer.concat(pieces)
}

/** The colour of a pixel of a decoded rendition, as 'red', 'blue' or 'other'. */
async function colourAt (bytes: Uint8Array, x: number, y: number): Promise<string> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true })
  const at = (Math.floor(y) * info.width + Math.floor(x)) * info.channels
  const [r = 0, g = 0, b = 0] = [data[at], data[at + 1], data[at + 2]]
  if (r > 180 && g < 80 && b < 80) return 'red'
  if (b > 180 && r < 80 && g < 80) return 'blue'
  return `other(${r},${g},${b})`
}

const gps5 = (value: number): string => value.toFixed(5)

describe('media pipeline: upload and download', function () {
  let node: TestNode
  let account: Account
  let library: Library
  let album: CollectionState
  const notes: Array<{ name: string, note: string }> = []
  const all = [
    FIXTURES.jpegGps.file, FIXTURES.jpegSouth.file, FIXTURES.heic.file, FIXTURES.png.file, FIXTURES.webp.file,
    FIXTURES.mp4.file, FIXTURES.mov.file, FIXTURES.livePair.still, FIXTURES.livePair.motion,
    FIXTURES.liveByName.still, FIXTURES.liveByName.motion, FIXTURES.motionPhoto.file,
    FIXTURES.corruptExif.file, FIXTURES.noExif.file, FIXTURES.brokenJpeg.file, FIXTURES.brokenVideo.file
  ]

  const item = (name: string): ItemEntry => {
    const found = [...album.items.values()].find((i) => i.name === name)
    if (found == null) throw new Error(`no item named ${name}`)
    return found
  }
  const open = async (name: string): Promise<OpenedItem> => await openItem(library.account.api, album, item(name))
  const part = async (opened: OpenedItem, name: PartName): Promise<Buffer> => await collect(readPart(library.account.api, opened, name))

  before(async function () {
    await makeFixtures()
    node = await startTestNode()
    account = (await signup(node.url, 'media', 'media-password-1')).account
    library = await openLibrary(account)
    const target = await library.ensureAlbum('Media')
    // Reversed, so that a Live Photo's video comes before its still in the list.
    const sources = await Promise.all([...all].reverse().map(source))
    const result = await uploadFiles(library, sources, {
      targets: [target],
      media: createNodeMediaProcessor(),
      onProgress: (event: UploadProgressEvent) => { if (event.type === 'obscura:upload:note') notes.push({ name: event.name, note: event.note }) }
    })
    expect(result).to.include({ uploaded: all.length - 2, skipped: 0, live: 3 })
    library = await openLibrary(account)
    album = library.resolve('Media')
  })

  after(async function () {
    await node?.stop()
  })

  it('stores one item per file and one per Live Photo, whose video is not an item of its own', function () {
    const names = [...album.items.values()].map((i) => i.name).sort()
    expect(names).to.have.length(all.length - 2)
    expect(names).to.not.include.members([FIXTURES.livePair.motion, FIXTURES.liveByName.motion])
    expect(item(FIXTURES.livePair.still).kind).to.equal('live')
    expect(item(FIXTURES.liveByName.still).kind).to.equal('live')
    expect(item(FIXTURES.motionPhoto.file).kind).to.equal('live')
    expect(item(FIXTURES.mp4.file).kind).to.equal('video')
    expect(item(FIXTURES.heic.file)).to.include({ kind: 'photo', mime: 'image/heic' })
  })

  it('extracts capture time with offset, GPS to 5 decimals and camera from JPEG, HEIC, PNG, WebP and MP4', async function () {
    for (const fixture of [FIXTURES.jpegGps, FIXTURES.jpegSouth, FIXTURES.heic, FIXTURES.png, FIXTURES.webp, FIXTURES.mp4]) {
      const { manifest } = await open(fixture.file)
      expect(manifest.takenAt, fixture.file).to.deep.equal(fixture.takenAt)
      expect(gps5(manifest.gps!.lat), fixture.file).to.equal(gps5(fixture.gps.lat))
      expect(gps5(manifest.gps!.lon), fixture.file).to.equal(gps5(fixture.gps.lon))
      if ('alt' in fixture.gps) expect(manifest.gps!.alt, fixture.file).to.be.closeTo(fixture.gps.alt, 0.01)
      expect(manifest.camera, fixture.file).to.deep.equal(fixture.camera)
      expect([manifest.width, manifest.height], fixture.file).to.deep.equal([fixture.width, fixture.height])
      // The timeline orders by the capture instant, not by the file's time.
      expect(item(fixture.file).takenAt, fixture.file).to.equal(fixture.takenAt.utcMs)
    }
  })

  it('records orientation, dimensions and duration', async function () {
    expect((await open(FIXTURES.jpegGps.file)).manifest).to.include({ orientation: 6, width: 640, height: 480 })
    expect((await open(FIXTURES.jpegSouth.file)).manifest).to.include({ orientation: 8 })
    expect((await open(FIXTURES.mp4.file)).manifest).to.include({ durationMs: 3000, width: 640, height: 360 })
    expect((await open(FIXTURES.mov.file)).manifest).to.include({ durationMs: 2000, orientation: 6, width: 320, height: 240 })
    expect((await open(FIXTURES.mov.file)).manifest.takenAt).to.deep.equal(FIXTURES.mov.takenAt)
  })

  it('makes thumbnails (≤256 px) and previews (≤1440 px) that decode, turned upright', async function () {
    // Stored landscape 640×480, red left; Orientation 6 turns it a quarter clockwise: red on top.
    const upright = await open(FIXTURES.jpegGps.file)
    const thumb = await part(upright, 'thumbnail')
    expect(await sharp(thumb).metadata()).to.include({ format: 'jpeg', width: 192, height: 256 })
    expect(await colourAt(thumb, 96, 20)).to.equal('red')
    expect(await colourAt(thumb, 96, 236)).to.equal('blue')
    const preview = await part(upright, 'preview')
    expect(await sharp(preview).metadata()).to.include({ format: 'jpeg', width: 480, height: 640 })

    // 2400×1600 with Orientation 8 (a quarter anticlockwise): 960×1440 preview, red at the bottom.
    const south = await open(FIXTURES.jpegSouth.file)
    const big = await part(south, 'preview')
    expect(await sharp(big).metadata()).to.include({ width: 960, height: 1440 })
    expect(await colourAt(big, 480, 100)).to.equal('blue')
    expect(await colourAt(big, 480, 1340)).to.equal('red')
    expect(await sharp(await part(south, 'thumbnail')).metadata()).to.include({ width: 171, height: 256 })

    for (const [name, size] of [[FIXTURES.heic.file, [256, 171]], [FIXTURES.png.file, [256, 171]], [FIXTURES.webp.file, [256, 192]], [FIXTURES.mp4.file, [256, 144]], [FIXTURES.mov.file, [192, 256]]] as const) {
      const meta = await sharp(await part(await open(name), 'thumbnail')).metadata()
      expect([meta.width, meta.height], name).to.deep.equal(size)
    }
    // The HEIC (decoded by libheif in WebAssembly) keeps its colours where they were.
    const heicThumb = await part(await open(FIXTURES.heic.file), 'thumbnail')
    expect(await colourAt(heicThumb, 30, 85)).to.equal('red')
    expect(await colourAt(heicThumb, 226, 85)).to.equal('blue')
  })

  it('stores an iPhone Live Photo (HEIC + MOV with one content identifier) as one item of two parts', async function () {
    const opened = await open(FIXTURES.livePair.still)
    const { manifest } = opened
    expect(manifest).to.include({ kind: 'live', name: FIXTURES.livePair.still, motionName: FIXTURES.livePair.motion, durationMs: 2000 })
    expect(manifest.takenAt).to.deep.equal(FIXTURES.livePair.takenAt)
    expect(manifest.camera).to.deep.equal(FIXTURES.livePair.camera)
    expect(await part(opened, 'original')).to.deep.equal(await readFile(fixturePath(FIXTURES.livePair.still)))
    expect(await part(opened, 'motion')).to.deep.equal(await readFile(fixturePath(FIXTURES.livePair.motion)))
    expect(manifest.parts.thumbnail).to.not.equal(undefined)
  })

  it('pairs a Live Photo without identifier by base name and capture time', async function () {
    const opened = await open(FIXTURES.liveByName.still)
    expect(opened.manifest).to.include({ kind: 'live', motionName: FIXTURES.liveByName.motion })
    expect(await part(opened, 'motion')).to.deep.equal(await readFile(fixturePath(FIXTURES.liveByName.motion)))
  })

  it('splits an Android motion photo into a still and its embedded video, keeping the original whole', async function () {
    const opened = await open(FIXTURES.motionPhoto.file)
    const file = await readFile(fixturePath(FIXTURES.motionPhoto.file))
    const motion = await part(opened, 'motion')
    expect(opened.manifest).to.include({ kind: 'live', durationMs: 2000 })
    expect(opened.manifest.motionName).to.equal(undefined)
    expect(motion.subarray(4, 8).toString('latin1')).to.equal('ftyp')
    expect(motion).to.deep.equal(file.subarray(file.length - motion.length))
    expect(await part(opened, 'original')).to.deep.equal(file)
    expect(await sharp(await part(opened, 'thumbnail')).metadata()).to.include({ width: 256, height: 192 })
  })

  it('reads a byte range from the middle of a video, fetching only the chunks that cover it', async function () {
    const file = await readFile(fixturePath(FIXTURES.mp4.file))
    expect(file.length).to.be.greaterThan(2 * CHUNK_SIZE)
    const opened = await open(FIXTURES.mp4.file)
    const api = library.account.api
    const fetched: string[] = []
    const getBlock = api.getBlock.bind(api)
    api.getBlock = async (cid, options) => { fetched.push(cid); return await getBlock(cid, options) }
    try {
      const start = CHUNK_SIZE + 123_457
      const end = 2 * CHUNK_SIZE + 4_321
      expect(await readRange(api, opened, 'original', start, end)).to.deep.equal(new Uint8Array(file.subarray(start, end)))
      const chunks = opened.manifest.parts.original.chunks.map((c) => c.cid.toString())
      expect(fetched).to.deep.equal([chunks[1], chunks[2]])
      fetched.length = 0
      const inside = await readRange(api, opened, 'original', 1_500_000, 1_500_100)
      expect(inside).to.deep.equal(new Uint8Array(file.subarray(1_500_000, 1_500_100)))
      expect(fetched).to.deep.equal([chunks[1]])
    } finally {
      api.getBlock = getBlock
    }
  })

  it('uploads files with corrupt or missing EXIF without their metadata, and says so for the corrupt one', async function () {
    for (const name of [FIXTURES.corruptExif.file, FIXTURES.noExif.file]) {
      const entry = item(name)
      const { manifest } = await open(name)
      expect(manifest.takenAt, name).to.equal(undefined)
      expect(manifest.gps, name).to.equal(undefined)
      expect(manifest.camera, name).to.equal(undefined)
      expect(entry.takenAt, name).to.equal(Math.floor((await stat(fixturePath(name))).mtimeMs))
      expect(manifest.parts.thumbnail, name).to.not.equal(undefined)
    }
    expect(notes.filter((n) => n.name === FIXTURES.corruptExif.file).map((n) => n.note)).to.satisfy((list: string[]) => list.length === 1 && /EXIF metadata is damaged/.test(list[0]!))
    expect(notes.filter((n) => n.name === FIXTURES.noExif.file)).to.deep.equal([])
  })

  it('stores undecodable images and videos with a placeholder thumbnail and a note, not an error', async function () {
    for (const name of [FIXTURES.brokenJpeg.file, FIXTURES.brokenVideo.file]) {
      const opened = await open(name)
      expect(await sharp(await part(opened, 'thumbnail')).metadata(), name).to.include({ width: 256, height: 144 })
      expect(opened.manifest.parts.preview, name).to.equal(undefined)
      expect(notes.some((n) => n.name === name && /placeholder/.test(n.note)), name).to.equal(true)
    }
  })

  it('gives every original back byte-identical', async function () {
    for (const name of all) {
      if (name === FIXTURES.livePair.motion || name === FIXTURES.liveByName.motion) continue
      expect((await part(await open(name), 'original')).equals(await readFile(fixturePath(name))), name).to.equal(true)
    }
  })

  it('orders the timeline by capture time', function () {
    const order = library.timeline().map((r) => r.item.name).filter((n) => [FIXTURES.livePair.still, FIXTURES.mp4.file, FIXTURES.jpegGps.file, FIXTURES.heic.file, FIXTURES.webp.file].includes(n))
    expect(order).to.deep.equal([FIXTURES.livePair.still, FIXTURES.mp4.file, FIXTURES.jpegGps.file, FIXTURES.heic.file, FIXTURES.webp.file])
  })
})

describe('media pipeline: without a processor, and without ffmpeg', function () {
  let node: TestNode
  let library: Library

  before(async function () {
    await makeFixtures()
    node = await startTestNode()
    library = await openLibrary((await signup(node.url, 'plain', 'plain-password-1')).account)
  })

  after(async function () {
    await node?.stop()
  })

  it('uploads originals alone when no processor is given: no thumbnails, no pairing', async function () {
    const names = [FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.jpegGps.file]
    const result = await uploadFiles(library, await Promise.all(names.map(source)), { targets: [await library.ensureAlbum('Plain')] })
    expect(result).to.include({ uploaded: 3, live: 0 })
    const album = (await openLibrary(library.account)).resolve('Plain')
    for (const entry of album.items.values()) {
      const { manifest } = await openItem(library.account.api, album, entry)
      expect(Object.keys(manifest.parts)).to.deep.equal(['original'])
      expect(manifest.takenAt).to.equal(undefined)
    }
  })

  it('turns a still uploaded alone into a Live Photo once its video comes, then skips the pair', async function () {
    const album = await library.ensureAlbum('Plain')
    const pair = await Promise.all([FIXTURES.livePair.still, FIXTURES.livePair.motion].map(source))
    const media = createNodeMediaProcessor()
    expect(await uploadFiles(library, pair, { targets: [album], media })).to.include({ uploaded: 1, live: 1, skipped: 0 })
    const fresh = await openLibrary(library.account)
    expect(await uploadFiles(fresh, pair, { targets: [fresh.resolve('Plain')], media })).to.include({ uploaded: 0, skipped: 1 })
    const kinds = [...(await openLibrary(library.account)).resolve('Plain').items.values()].filter((i) => i.name === FIXTURES.livePair.still).map((i) => i.kind).sort()
    expect(kinds).to.deep.equal(['live', 'photo'])
  })

  it('stores a placeholder poster and a clear note for a video when ffmpeg is missing', async function () {
    const notes: string[] = []
    const media = createNodeMediaProcessor({ ffmpeg: { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' } })
    await uploadFiles(library, [await source(FIXTURES.mov.file)], {
      targets: [await library.ensureAlbum('No ffmpeg')],
      media,
      onProgress: (event) => { if (event.type === 'obscura:upload:note') notes.push(event.note) }
    })
    const album = (await openLibrary(library.account)).resolve('No ffmpeg')
    const opened = await openItem(library.account.api, album, [...album.items.values()][0]!)
    expect(opened.manifest).to.include({ kind: 'video', durationMs: 2000 })
    expect(await sharp(await collect(readPart(library.account.api, opened, 'thumbnail'))).metadata()).to.include({ width: 256, height: 144 })
    expect(notes).to.have.length(1)
    expect(notes[0]).to.match(/no video frame extractor \(ffmpeg\) was found/)
  })
})
