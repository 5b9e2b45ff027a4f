/**
 * Zip downloads in chromium against a real node: a selection of several items, and a whole album,
 * save as ONE zip that the Service Worker streams while the crypto worker decrypts, whose entries
 * are byte for byte the files uploaded, under their own names (a clash becomes "name (2).jpg"),
 * with a Live Photo as both its still and its motion video. The zip panel shows the progress.
 * A public link's "Download all" is the same zip (see link-page.test.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Download, Page } from 'playwright-core'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { bytesSource } from '../helpers/client.ts'
import { makeJpeg } from '../helpers/media.ts'
import { unzip } from '../helpers/unzip.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, logIn, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'
import type { CollectionState } from '../../src/client/collection.ts'

const USER = 'zelda'

/** The zip a download saved, as name → bytes. */
async function entriesOf (download: Download): Promise<Map<string, Buffer>> {
  const entries = unzip(await readFile(await download.path()))
  return new Map(entries.map((e) => [e.name, e.bytes]))
}

describe('web UI: zip downloads in chromium', function () {
  this.timeout(180_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let album: CollectionState
  let fixtures: string
  /** What each file in the album was, by the name it was uploaded under (the two clashing names apart). */
  const originals = new Map<string, Buffer>()

  before(async function () {
    await ensureBuilt()
    await makeFixtures()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-zip-'))
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    const owner = await library(await account(web.url, USER))
    album = await owner.ensureAlbum('Zip Trip')
    const paths = [FIXTURES.jpegGps.file, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.mov.file].map(fixturePath)
    await uploadFiles(owner, await collectFiles(paths), { targets: [album], media: createNodeMediaProcessor() })
    for (const path of paths) originals.set(path.split('/').pop() as string, await readFile(path))
    // Two different photos both called harbour.jpg.
    for (const n of [1, 2]) {
      const path = join(fixtures, `harbour-${n}.jpg`)
      await makeJpeg(path)
      const bytes = await readFile(path)
      originals.set(n === 1 ? 'harbour.jpg' : 'harbour (2).jpg', bytes)
      await uploadFiles(owner, [bytesSource('harbour.jpg', new Uint8Array(bytes))], { targets: [album] })
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    page = await context.newPage()
    await logIn(page, web.url, USER)
    // The Service Worker streams the zip once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { timeout: 20_000 })
    await page.goto(`${web.url}/albums/${album.id}`)
    await waitForDecodedTiles(page, 5)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('saves a selection of three items, a Live Photo among them, as one zip of the original files', async function () {
    const select = async (label: string): Promise<void> => {
      const tile = page.locator('photo-tile').filter({ has: page.getByRole('button', { name: label, exact: true }) })
      await tile.hover()
      await tile.getByRole('button', { name: 'Select' }).click()
    }
    await select(`Photo ${FIXTURES.jpegGps.file}`)
    await select(`Live photo ${FIXTURES.livePair.still}`)
    await select(`Video ${FIXTURES.mov.file}`)
    await page.locator('selection-bar').getByText('3 selected').waitFor()
    const downloads: Download[] = []
    page.on('download', (d) => { downloads.push(d) })
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('selection-bar').getByRole('button', { name: 'Download' }).click()])
    expect(download.suggestedFilename()).to.equal('Zip Trip.zip')
    const entries = await entriesOf(download)
    expect([...entries.keys()].sort()).to.deep.equal([FIXTURES.jpegGps.file, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.mov.file].sort())
    for (const [name, bytes] of entries) expect(bytes.equals(originals.get(name) as Buffer), `${name} is byte for byte the original`).to.equal(true)
    await page.locator('zip-panel').getByText('Zip saved: Zip Trip.zip').waitFor()
    await screenshot(page, 'zip-selection-saved')
    expect(downloads, 'one download, not one per item').to.have.length(1)
  })

  it('saves a whole album as one zip, clashing names told apart', async function () {
    await page.keyboard.press('Escape')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download album' }).click()])
    const entries = await entriesOf(download)
    expect([...entries.keys()].sort()).to.deep.equal([...originals.keys()].sort())
    for (const [name, bytes] of entries) expect(bytes.equals(originals.get(name) as Buffer), `${name} is byte for byte the original`).to.equal(true)
  })

  it('shows a zip in progress with a cancel button, and cancelling stops it', async function () {
    // Blocks held back: the zip waits on its first original, as on a slow connection.
    const held: Array<() => Promise<void>> = []
    await page.context().route('**/api/v1/blocks/**', async (route) => { held.push(async () => { await route.abort().catch(() => {}) }) })
    try {
      await page.getByRole('button', { name: 'Download album' }).click()
      const panel = page.locator('zip-panel')
      await panel.getByText('Preparing zip: Zip Trip.zip').waitFor()
      await panel.getByText(/0 of 5 items/).waitFor()
      await screenshot(page, 'zip-progress')
      await panel.getByRole('button', { name: 'Cancel' }).click()
      await panel.getByText('Zip cancelled: Zip Trip.zip').waitFor()
    } finally {
      await page.context().unroute('**/api/v1/blocks/**')
      for (const release of held) await release()
    }
  })
})
