/**
 * Real camera files through the web UI in chromium (the media fixtures of test/fixtures):
 * EXIF orientation applied to the browser-made preview, a Live Photo uploaded as one item whose
 * motion plays on hover, a HEIC still whose thumbnail and preview the worker makes with libheif
 * in WebAssembly (and, for a HEIC stored without them, a thumbnail made on the fly from the
 * original), and no camera name, file name or other fixture marker in any request.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { login } from '../../src/client/session.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { FIXTURES, MARKERS, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { ensureBuilt, expectRedThenBlue, findLeaks, imageHalves, launchChromium, recordRequests, screenshot, startWebNode, type Halves, type Recorded, type WebNode } from './helpers.ts'
import { runTool } from '../helpers/tools.ts'

const FILES = [FIXTURES.jpegGps.file, FIXTURES.liveByName.still, FIXTURES.liveByName.motion, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.heic.file, FIXTURES.webp.file]

/** Size and colours of a tile's thumbnail once it decoded (see imageHalves). */
async function tileHalves (page: Page, label: string): Promise<Halves> {
  const img = await page.locator('photo-tile').filter({ has: page.getByRole('button', { name: label }) }).locator('img').elementHandle()
  return await imageHalves(page, img)
}

describe('web UI with camera files in chromium', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let folder: string
  let requests: Recorded[]

  before(async function () {
    await ensureBuilt()
    await makeFixtures()
    folder = join(await mkdtemp(join(tmpdir(), 'obscura-webui-media-')), 'Camera roll')
    await mkdir(folder)
    for (const file of FILES) await copyFile(fixturePath(file), join(folder, file))
    web = await startWebNode()
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    requests = recordRequests(context)
    page = await context.newPage()
    await page.goto(`${web.url}/signup`)
    await page.getByLabel('Username').fill('camille')
    await page.getByLabel('Password', { exact: true }).fill('media-test-password')
    await page.getByLabel('Repeat password').fill('media-test-password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Open my library' }).click()
    await page.locator('input#folder').setInputFiles(folder)
    await page.getByText('Upload complete').waitFor({ timeout: 60_000 })
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (folder != null) await rm(join(folder, '..'), { recursive: true, force: true })
  })

  it('makes one item of each Live Photo pair', async function () {
    await page.getByText('5 items', { exact: true }).waitFor()
    await page.getByRole('button', { name: `Live photo ${FIXTURES.liveByName.still}` }).waitFor()
    await page.getByRole('button', { name: `Live photo ${FIXTURES.livePair.still}` }).waitFor()
    await screenshot(page, 'photos-camera-files')
  })

  it('makes a HEIC still’s thumbnail and preview in the browser, with libheif in WebAssembly', async function () {
    const name = FIXTURES.heic.file
    const thumb = await tileHalves(page, `Photo ${name}`)
    expect([thumb.width, thumb.height]).to.deep.equal([256, 171])
    expectRedThenBlue(thumb)
    expect(await page.getByText('this browser cannot decode this image format', { exact: false }).count()).to.equal(0)

    await page.getByRole('button', { name: `Photo ${name}` }).click()
    const preview = await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img:not(.placeholder)')
      return img != null && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : false
    })
    expect(await preview.jsonValue(), 'the preview, full size for a photo this small').to.deep.equal([FIXTURES.heic.width, FIXTURES.heic.height])
    expect(await page.getByRole('button', { name: 'Load original', exact: true }).count(), 'an original the page cannot show is not offered').to.equal(0)
    await screenshot(page, 'viewer-heic')
    await page.keyboard.press('Escape')
  })

  it('makes a thumbnail on the fly for a HEIC stored without one', async function () {
    // Another copy (a new model name makes new bytes), uploaded by a client with no media back end.
    const bare = join(folder, '..', 'bare.heic')
    await copyFile(fixturePath(FIXTURES.heic.file), bare)
    await runTool('exiftool', ['-q', '-overwrite_original', '-Model=Bare', bare])
    const lib = await openLibrary(await login(web.url, 'camille', 'media-test-password'))
    await uploadFiles(lib, [bytesSource('bare.heic', new Uint8Array(await readFile(bare)))], { targets: [] })
    await page.reload()
    const thumb = await tileHalves(page, 'Photo bare.heic')
    expect(Math.min(thumb.width, thumb.height), 'made from the original, which is smaller than a thumbnail made on the fly').to.equal(FIXTURES.heic.height)
    expectRedThenBlue(thumb)
  })

  it('shows a rotated photo upright, with its capture date from EXIF', async function () {
    await page.getByRole('button', { name: `Photo ${FIXTURES.jpegGps.file}` }).click()
    const size = await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img:not(.placeholder)')
      return img != null && img.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight } : false
    })
    const { w, h } = await size.jsonValue() as { w: number, h: number }
    expect(h, 'portrait once orientation 6 is applied').to.be.greaterThan(w)
    await page.getByRole('button', { name: 'Load original', exact: true }).waitFor()
    await page.keyboard.press('i')
    await page.getByText(MARKERS.model, { exact: false }).waitFor()
    await page.getByText('2023', { exact: false }).first().waitFor()
    await page.keyboard.press('i')
    await page.keyboard.press('Escape')
  })

  it('plays a Live Photo’s motion while the pointer is on it', async function () {
    await page.getByRole('button', { name: `Live photo ${FIXTURES.liveByName.still}` }).click()
    await page.locator('photo-viewer img:not(.placeholder)').waitFor()
    await page.locator('photo-viewer .stage').hover()
    const motion = page.locator('photo-viewer video.motion')
    await motion.waitFor()
    await page.waitForFunction(() => {
      const v = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLVideoElement>('video.motion')
      return v != null && v.currentTime > 0.1
    }, undefined, { timeout: 20_000 })
    await screenshot(page, 'viewer-live-photo')
    await page.mouse.move(5, 400)
    await page.keyboard.press('Escape')
  })

  it('sent no camera name, file name or other marker to the node', async function () {
    const needles = [...Object.values(MARKERS), ...FILES, 'FXNAME', 'Camera roll'].map((m) => ({ what: `marker "${m}"`, bytes: Buffer.from(m) }))
    expect(findLeaks(requests.filter((r) => !r.url.includes('/_media/')), needles)).to.deep.equal([])
  })
})
