/**
 * The Node media back end on its own: sources with and without a local path, HEIC's own
 * transforms taking precedence over EXIF Orientation, transparency kept, size limits and
 * cancellation.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import sharp from 'sharp'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import type { MediaSource } from '../../src/media/index.ts'
import { runTool } from '../helpers/tools.ts'


/** A source with neither a path nor ranged reads: only a stream, as a browser upload might be. */
function streamOnly (name: string, bytes: Uint8Array): MediaSource {
  return { name, size: bytes.length, mtime: 0, open: async function * () { yield bytes } }
}

describe('node media processor', function () {
  const media = createNodeMediaProcessor()
  let work: string

  before(async function () {
    await makeFixtures()
    work = await mkdtemp(join(tmpdir(), 'obscura-media-processor-'))
  })

  after(async function () {
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('describes a HEIC and a video given only as streams (ffmpeg reads a temporary copy)', async function () {
    const heic = await media.describe(streamOnly('x.heic', new Uint8Array(await readFile(fixturePath(FIXTURES.heic.file)))))
    expect(heic.notes).to.deep.equal([])
    expect([heic.thumbnail?.width, heic.thumbnail?.height]).to.deep.equal([256, 171])
    expect(heic.metadata.takenAt).to.deep.equal(FIXTURES.heic.takenAt)

    const mov = await media.describe(streamOnly('x.mov', new Uint8Array(await readFile(fixturePath(FIXTURES.mov.file)))))
    expect(mov.notes).to.deep.equal([])
    expect([mov.thumbnail?.width, mov.thumbnail?.height]).to.deep.equal([192, 256])
    expect(mov.metadata).to.include({ durationMs: 2000, orientation: 6 })
  })

  it('follows a HEIC\'s own transforms, not a contradicting EXIF Orientation', async function () {
    const path = join(work, 'rotated-exif.heic')
    await copyFile(fixturePath(FIXTURES.heic.file), path)
    await runTool('exiftool', ['-q', '-overwrite_original', '-Orientation#=6', path])
    const bytes = new Uint8Array(await readFile(path))
    const described = await media.describe({ ...streamOnly('rotated-exif.heic', bytes), path })
    expect(described.metadata.orientation).to.equal(6)
    // No irot box: libheif, libvips and browsers show it as stored, and so do we.
    expect([described.thumbnail?.width, described.thumbnail?.height]).to.deep.equal([256, 171])
  })

  it('keeps transparency as WebP and makes opaque images JPEG', async function () {
    const transparent = await sharp({ create: { width: 400, height: 300, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).png().toBuffer()
    const described = await media.describe(streamOnly('logo.png', new Uint8Array(transparent)))
    expect(described.thumbnail?.mime).to.equal('image/webp')
    expect(await sharp(described.thumbnail!.bytes).metadata()).to.include({ format: 'webp', hasAlpha: true })
    const opaque = await media.describe(streamOnly('plain.png', new Uint8Array(await readFile(fixturePath(FIXTURES.png.file)))))
    expect(opaque.thumbnail?.mime).to.equal('image/jpeg')
  })

  it('stores an image over the size limit without renditions, with a note', async function () {
    const small = createNodeMediaProcessor({ maxImageBytes: 1000 })
    const described = await small.describe(streamOnly('big.jpg', new Uint8Array(await readFile(fixturePath(FIXTURES.jpegSouth.file)))))
    expect(described.thumbnail).to.equal(undefined)
    expect(described.metadata.camera).to.deep.equal(FIXTURES.jpegSouth.camera)
    expect(described.notes[0]).to.match(/too large to make a thumbnail/)
  })

  it('leaves files that are not media alone', async function () {
    const described = await media.describe(streamOnly('notes.txt', new TextEncoder().encode('hello')))
    expect(described).to.deep.include({ metadata: {}, notes: [] })
    expect(described.thumbnail).to.equal(undefined)
  })

  it('rejects with the abort reason when cancelled', async function () {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    let caught: unknown
    try {
      await media.describe(streamOnly('x.jpg', new Uint8Array(await readFile(fixturePath(FIXTURES.jpegGps.file)))), { signal: controller.signal })
    } catch (err) {
      caught = err
    }
    expect((caught as Error)?.message).to.equal('stop')
  })
})
