/**
 * The public link page in chromium, for a visitor with no account: the app's date-grouped
 * justified grid, a title that reads, the app's viewer (a video plays as it streams, a Live
 * Photo moves, arrow keys go to the previous and next items, Escape closes), "Download all" as
 * one zip whose files are byte for byte the originals, and a link used up by its device limit
 * that says so with no password form left on screen. Screenshots in test/artifacts/link-page-*.png.
 */
import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createLink } from '../../src/client/links.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { unzip } from '../helpers/unzip.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, playVideo, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

const PASSWORD = 'Link-Pw-Heron-5521'
const FILES = [FIXTURES.jpegGps.file, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.mov.file, FIXTURES.png.file]

describe('web UI: the public link page', function () {
  this.timeout(180_000)
  let web: WebNode
  let browser: Browser
  let owner: Library
  let album: CollectionState
  let url: string
  let context: BrowserContext
  let page: Page
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    await makeFixtures()
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    owner = await library(await account(web.url, 'odette'))
    album = await owner.ensureAlbum('Seaside Weekend')
    await uploadFiles(owner, await collectFiles(FILES.map(fixturePath)), { targets: [album], media: createNodeMediaProcessor() })
    url = (await createLink(owner, album)).url
    context = await browser.newContext({ viewport: { width: 1200, height: 800 }, acceptDownloads: true })
    page = await context.newPage()
    page.on('pageerror', (err) => { problems.push(err.message) })
    await page.goto(url)
    await page.getByRole('heading', { name: 'Seaside Weekend' }).waitFor()
    await waitForDecodedTiles(page, 3)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
  })

  afterEach(function () {
    expect(problems).to.deep.equal([])
  })

  it('shows the album as the app’s date-grouped grid under a title that reads, and who shared it', async function () {
    await page.getByText(/^4 items · shared by odette/).waitFor()
    // Day labels of the justified grid, as in the timeline.
    expect(await page.locator('link-page photo-grid .day').count()).to.be.greaterThan(1)
    const colours = await page.getByRole('heading', { name: 'Seaside Weekend' }).evaluate((h) => {
      const style = getComputedStyle(h)
      let el: Element | null = h
      let bg = 'rgba(0, 0, 0, 0)'
      while (el != null && /rgba\(0, 0, 0, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(el).backgroundColor
        el = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null)
      }
      return { fg: style.color, bg }
    })
    const luminance = (rgb: string): number => {
      const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => Number(v) / 255).map((c) => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
      return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number)
    }
    const [a, b] = [luminance(colours.fg), luminance(colours.bg)].sort((x, y) => y - x)
    expect(((a as number) + 0.05) / ((b as number) + 0.05), `title contrast of ${colours.fg} on ${colours.bg}`).to.be.greaterThan(7)
    await screenshot(page, 'link-page-grid')
    await page.setViewportSize({ width: 390, height: 800 })
    await screenshot(page, 'link-page-phone')
    await page.setViewportSize({ width: 1200, height: 800 })
  })

  it('plays a video in the viewer, moves with the arrow keys and closes with Escape', async function () {
    // The grid's order (newest first), as the viewer moves through it.
    const order = await page.locator('link-page photo-tile button.main').evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('aria-label') ?? '').replace(/^(Video|Live photo|Photo) /, '')))
    const before = order[order.indexOf(FIXTURES.mov.file) - 1] as string
    await playVideo(page, FIXTURES.mov.file)
    await page.getByRole('dialog', { name: FIXTURES.mov.file }).waitFor()
    await screenshot(page, 'link-page-video')
    await page.keyboard.press('ArrowLeft')
    await page.getByRole('dialog', { name: before }).locator('img.picture').waitFor()
    await page.keyboard.press('ArrowRight')
    await page.getByRole('dialog', { name: FIXTURES.mov.file }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
  })

  it('plays a Live Photo’s motion in the viewer', async function () {
    await page.getByRole('button', { name: `Live photo ${FIXTURES.livePair.still}` }).click()
    const viewer = page.getByRole('dialog', { name: FIXTURES.livePair.still })
    await viewer.locator('img.picture').waitFor()
    await viewer.locator('.stage').hover()
    const motion = viewer.locator('video.motion')
    await motion.waitFor()
    await page.waitForFunction((el) => (el as HTMLVideoElement).currentTime > 0.1 || (el as HTMLVideoElement).ended, await motion.elementHandle(), { timeout: 20_000 })
    await screenshot(page, 'link-page-live-photo')
    await page.mouse.move(5, 400)
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
  })

  it('downloads everything as one zip of the original files', async function () {
    await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { timeout: 20_000 })
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all' }).click()])
    expect(download.suggestedFilename()).to.equal('Seaside Weekend.zip')
    const entries = unzip(await readFile(await download.path()))
    expect(entries.map((e) => e.name).sort()).to.deep.equal([...FILES].sort())
    for (const entry of entries) expect(entry.bytes.equals(await readFile(fixturePath(entry.name))), `${entry.name} is byte for byte the original`).to.equal(true)
    await page.locator('zip-panel').getByText('Zip saved: Seaside Weekend.zip').waitFor()
    await screenshot(page, 'link-page-zip')
  })

  it('downloads a selection as one zip, and Escape clears a selection', async function () {
    const select = async (label: string): Promise<void> => {
      const tile = page.locator('photo-tile').filter({ has: page.getByRole('button', { name: label, exact: true }) })
      await tile.hover()
      await tile.getByRole('button', { name: 'Select' }).click()
    }
    await select(`Photo ${FIXTURES.png.file}`)
    await page.keyboard.press('Escape')
    await page.getByRole('toolbar', { name: 'Selection' }).waitFor({ state: 'detached' })
    await select(`Photo ${FIXTURES.png.file}`)
    await select(`Live photo ${FIXTURES.livePair.still}`)
    const bar = page.getByRole('toolbar', { name: 'Selection' })
    await bar.getByText('2 selected').waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), bar.getByRole('button', { name: 'Download' }).click()])
    const entries = unzip(await readFile(await download.path()))
    expect(entries.map((e) => e.name).sort()).to.deep.equal([FIXTURES.png.file, FIXTURES.livePair.still, FIXTURES.livePair.motion].sort())
    for (const entry of entries) expect(entry.bytes.equals(await readFile(fixturePath(entry.name))), entry.name).to.equal(true)
  })

  it('says a link was opened on too many devices, with no password form left', async function () {
    const limited = (await createLink(owner, album, { password: PASSWORD, deviceLimit: 1 })).url
    await page.goto(limited)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Open' }).click()
    await page.getByRole('heading', { name: 'Seaside Weekend' }).waitFor()
    const other = await browser.newContext({ viewport: { width: 1200, height: 800 } })
    const second = await other.newPage()
    await second.goto(limited)
    await second.getByLabel('Password').fill(PASSWORD)
    await second.getByRole('button', { name: 'Open' }).click()
    await second.getByRole('heading', { name: 'This link was opened on too many devices' }).waitFor()
    expect(await second.getByLabel('Password').count()).to.equal(0)
    await screenshot(second, 'link-page-device-limit')
    await other.close()
  })
})
