/**
 * Real camera files through the web UI in chromium (the media fixtures of test/fixtures):
 * EXIF orientation applied to the browser-made preview, a Live Photo uploaded as one item whose
 * motion plays on hover, a HEIC still stored without a thumbnail and saying why, and no camera
 * name, file name or other fixture marker in any request.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { FIXTURES, MARKERS, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { ensureBuilt, findLeaks, launchChromium, recordRequests, screenshot, startWebNode, type Recorded, type WebNode } from './helpers.ts'

const FILES = [FIXTURES.jpegGps.file, FIXTURES.liveByName.still, FIXTURES.liveByName.motion, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.heic.file, FIXTURES.webp.file]

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

  it('says why a HEIC still has no thumbnail in this browser', async function () {
    await page.getByText('this browser cannot decode this image format', { exact: false }).first().waitFor()
  })

  it('shows a rotated photo upright, with its capture date from EXIF', async function () {
    await page.getByRole('button', { name: `Photo ${FIXTURES.jpegGps.file}` }).click()
    const size = await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img:not(.placeholder)')
      return img != null && img.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight } : false
    })
    const { w, h } = await size.jsonValue() as { w: number, h: number }
    expect(h, 'portrait once orientation 6 is applied').to.be.greaterThan(w)
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
