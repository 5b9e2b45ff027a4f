/**
 * What an upload records for the gallery's layout and details panel (FORMAT.md 9.1 and 8,
 * revision 1.4): the add op carries the picture's width and height as shown (a photo stored
 * 900x600 with EXIF orientation 6 is listed 600x900), and the manifest its exposure (f-number,
 * shutter time, ISO, focal length) as EXIF states it. A photo that says none of them gets none.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'
import sharp from 'sharp'
import { openItem } from '../../src/client/download.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { openLibrary } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'
import type { Library } from '../../src/client/library.ts'

describe('media pipeline: exposure in the manifest, shown size in the add op', function () {
  this.timeout(60_000)
  let node: TestNode
  let library: Library
  let album: CollectionState
  let folder: string

  const item = (name: string): ItemEntry => {
    const found = [...album.items.values()].find((i) => i.name === name)
    if (found == null) throw new Error(`no item named ${name}`)
    return found
  }

  before(async function () {
    folder = await mkdtemp(join(tmpdir(), 'obscura-exposure-'))
    const solid = (width: number, height: number): ReturnType<typeof sharp> => sharp({ create: { width, height, channels: 3, background: '#468' } })
    await solid(900, 600).jpeg().toFile(join(folder, 'turned.jpg'))
    await solid(400, 300).jpeg().toFile(join(folder, 'plain.jpg'))
    await promisify(execFile)('exiftool', ['-q', '-overwrite_original', '-Make=Canon', '-Model=Canon EOS R6', '-LensModel=RF50mm F1.8 STM',
      '-FNumber=2.8', '-ExposureTime=1/250', '-ISO=400', '-FocalLength=50', '-Orientation#=6', join(folder, 'turned.jpg')])
    node = await startTestNode()
    const account = (await signup(node.url, 'exposure', 'exposure-password-1')).account
    library = await openLibrary(account)
    const target = await library.ensureAlbum('Shapes')
    await uploadFiles(library, await collectFiles([folder]), { targets: [target], media: createNodeMediaProcessor() })
    library = await openLibrary(account)
    album = library.resolve('Shapes')
  })

  after(async function () {
    await node?.stop()
    if (folder != null) await rm(folder, { recursive: true, force: true })
  })

  it('records the width and height as shown, turned for a quarter-turn orientation', function () {
    expect(item('turned.jpg')).to.include({ width: 600, height: 900 })
    expect(item('plain.jpg')).to.include({ width: 400, height: 300 })
  })

  it('keeps the manifest\'s stored size and orientation, and adds the exposure', async function () {
    const { manifest } = await openItem(library.account.api, album, item('turned.jpg'))
    expect(manifest).to.include({ width: 900, height: 600, orientation: 6 })
    expect(manifest.exposure).to.deep.equal({ fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 })
    expect(manifest.camera).to.deep.equal({ make: 'Canon', model: 'Canon EOS R6', lens: 'RF50mm F1.8 STM' })
  })

  it('adds no exposure to a photo whose EXIF states none', async function () {
    const { manifest } = await openItem(library.account.api, album, item('plain.jpg'))
    expect(manifest.exposure).to.equal(undefined)
  })
})
