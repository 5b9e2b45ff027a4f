/**
 * The viewer's details, the phone layout and shared albums as a reader sees them, in chromium
 * against a real node and gateway. A Canon photo uploaded through the browser shows its camera
 * once ("Canon EOS R6", not "Canon Canon EOS R6"), its lens, its exposure in one line, and the
 * place it was taken, named from the gazetteer bundled with the app (no request carries the
 * coordinates). Timeline tiles take each photo's shape: a portrait (and a landscape photo
 * turned upright by its EXIF orientation) is taller than wide. On a 390x844 phone the bottom bar
 * reaches every section, and the viewer's actions go into a menu so that the file name keeps
 * its room. Albums other users share show as cards with cover, owner and role. Screenshots go
 * to test/artifacts/.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import sharp from 'sharp'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { shareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { makeJpeg } from '../helpers/media.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, logIn, recordRequests, screenshot, startWebNode, waitForDecodedTiles, type Recorded, type WebNode } from './helpers.ts'

const CANON = 'IMG_0420 harbour at dusk from the old lighthouse.jpg'
const TALL = 'tall.jpg'
const WIDE = ['wide-1.jpg', 'wide-2.jpg', 'wide-3.jpg']
/** The Eiffel Tower: within 5 km of Paris's centre, nearer still to smaller towns' (the gazetteer weighs by size). */
const EIFFEL = { lat: 48.8584, lon: 2.2945 }

async function jpeg (path: string, width: number, height: number): Promise<void> {
  await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality: 70 }).toFile(path)
}

/** The tile of the item named `name`: its box on screen. */
async function tileBox (page: Page, name: string): Promise<{ width: number, height: number }> {
  const box = await page.locator('photo-tile').filter({ has: page.locator(`[aria-label*="${name}"]`) }).first().boundingBox()
  if (box == null) throw new Error(`no tile for ${name}`)
  return box
}

describe('web UI details panel, phone layout and shared albums in chromium', function () {
  this.timeout(240_000)
  let web: WebNode
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fixtures: string
  let requests: Recorded[]

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-info-'))
    // A Canon photo stored 900x600 with orientation 6 (turned a quarter: shown 600x900), with its exposure and place.
    const canon = join(fixtures, CANON)
    await jpeg(canon, 900, 600)
    await promisify(execFile)('exiftool', ['-q', '-overwrite_original', '-Make=Canon', '-Model=Canon EOS R6', '-LensModel=RF50mm F1.8 STM',
      '-FNumber=2.8', '-ExposureTime=1/250', '-ISO=400', '-FocalLength=50', '-Orientation#=6',
      '-DateTimeOriginal=2024:06:01 20:15:00', '-OffsetTimeOriginal=+02:00',
      `-GPSLatitude=${EIFFEL.lat}`, '-GPSLatitudeRef=N', `-GPSLongitude=${EIFFEL.lon}`, '-GPSLongitudeRef=E', canon])
    await jpeg(join(fixtures, TALL), 600, 900)
    for (const name of WIDE) await jpeg(join(fixtures, name), 900, 600)

    web = await startWebNode({ accounts: { openSignup: true } })
    // otto shares an album with ines, who may add photos to it.
    const otto = await library(await account(web.url, 'otto'))
    const album = await otto.ensureAlbum('Harbour Walk')
    const albumPhoto = join(fixtures, 'album')
    await promisify(execFile)('mkdir', [albumPhoto])
    await makeJpeg(join(albumPhoto, 'boats.jpg'))
    await uploadFiles(otto, await collectFiles([albumPhoto]), { targets: [album], media: createNodeMediaProcessor() })
    await library(await account(web.url, 'ines'))
    await shareCollection(otto, album, 'ines', 'collaborator')

    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Paris', locale: 'en-US' })
    requests = recordRequests(context)
    page = await context.newPage()
    await logIn(page, web.url, 'ines')
    await page.locator('input#files').setInputFiles([canon, join(fixtures, TALL), ...WIDE.map((n) => join(fixtures, n))])
    await page.getByText('5 uploaded', { exact: true }).waitFor({ timeout: 120_000 })
    await page.keyboard.press('Escape')
    await waitForDecodedTiles(page, 5)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('lays out tiles at the photos\' own shape: portraits (and upright-turned photos) taller than wide', async function () {
    await screenshot(page, 'info-timeline-1280x800')
    const tall = await tileBox(page, TALL)
    expect(tall.height / tall.width, 'portrait 600x900').to.be.closeTo(1.5, 0.05)
    const turned = await tileBox(page, 'IMG_0420')
    expect(turned.height / turned.width, 'stored 900x600, orientation 6').to.be.closeTo(1.5, 0.05)
    const wide = await tileBox(page, WIDE[0] as string)
    expect(wide.width / wide.height, 'landscape 900x600').to.be.closeTo(1.5, 0.05)
  })

  it('shows the camera once, the lens, the exposure in one line and a place name looked up on the device', async function () {
    const before = requests.length
    await page.locator('photo-tile').filter({ has: page.locator('[aria-label*="IMG_0420"]') }).first().click()
    await page.locator('photo-viewer img.picture').waitFor()
    await page.keyboard.press('i')
    const info = page.locator('viewer-info')
    await info.locator('dd.place .name').waitFor()
    expect(await info.locator('dd.camera').textContent()).to.equal('Canon EOS R6')
    const all = await info.locator('dl').textContent() ?? ''
    expect(all).not.to.contain('Canon Canon')
    expect(await info.locator('dd.lens').textContent()).to.equal('RF50mm F1.8 STM')
    expect(await info.locator('dd.exposure').textContent()).to.equal('f/2.8 · 1/250 s · ISO 400 · 50 mm')
    expect(await info.locator('dd.place .name').textContent()).to.equal('Paris, France')
    expect(await info.locator('dd.place .coords').textContent()).to.equal('48.85840, 2.29450')
    expect(all).to.match(/900 × 600/)
    expect(all).to.contain(CANON)
    // The lookup is local: nothing sent since the viewer opened carries the coordinates, and nothing left for another host.
    const sent = requests.slice(before)
    expect(sent.filter((r) => /48\.85|2\.294/.test(r.url) || (r.body?.toString('latin1') ?? '').includes('48.85'))).to.deep.equal([])
    expect(sent.filter((r) => !r.url.startsWith(web.url) && !r.url.startsWith('blob:') && !r.url.startsWith('data:')).map((r) => r.url)).to.deep.equal([])
    await screenshot(page, 'info-panel-1280x800')
    await page.keyboard.press('i')
  })

  it('keeps the file name readable on a phone: the viewer\'s actions go into a "More options" menu', async function () {
    await page.setViewportSize({ width: 390, height: 844 })
    const toolbar = page.locator('viewer-toolbar')
    const name = await toolbar.locator('.name').boundingBox()
    expect(name?.width ?? 0, 'room for the file name').to.be.at.least(150)
    expect(await toolbar.getByRole('button', { name: 'Move to trash' }).isVisible()).to.equal(false)
    await screenshot(page, 'info-viewer-390x844')
    await toolbar.getByRole('button', { name: 'More options' }).click()
    const menu = toolbar.getByRole('menu', { name: 'More options' })
    const items = await menu.getByRole('menuitem').allTextContents()
    expect(items.map((t) => t.trim())).to.deep.equal(['Download original', 'Add to album', 'Archive', 'Move to trash'])
    await screenshot(page, 'info-viewer-menu-390x844')
    await menu.getByRole('menuitem', { name: 'Archive' }).click()
    await page.getByText('Archived').first().waitFor()
    await page.keyboard.press('Escape')
    await page.locator('photo-viewer').waitFor({ state: 'detached' })
  })

  it('reaches every section from the bottom bar on a phone, through its "More" menu', async function () {
    await waitForDecodedTiles(page, 4)
    await screenshot(page, 'info-timeline-390x844')
    const nav = page.locator('app-nav')
    const bar = await nav.boundingBox()
    expect(bar?.y ?? 0, 'the bar lies along the bottom').to.be.greaterThan(760)
    const visit = async (label: string, path: string, viaMore: boolean): Promise<void> => {
      if (viaMore) {
        await nav.getByRole('button', { name: 'More' }).click()
        await nav.getByRole('menu').getByRole('menuitem', { name: label }).click()
      } else {
        await nav.getByRole('link', { name: label }).click()
      }
      await page.waitForURL(`${web.url}${path}`)
      expect(await nav.getByRole('menu').count(), 'the menu closes').to.equal(0)
    }
    await visit('Albums', '/albums', false)
    await visit('Shared', '/shared', false)
    await page.getByRole('list', { name: 'Shared with me' }).getByRole('link', { name: 'Harbour Walk' }).waitFor()
    await visit('Favorites', '/favorites', true)
    await nav.getByRole('button', { name: 'More' }).click()
    await screenshot(page, 'info-nav-menu-390x844')
    await page.keyboard.press('Escape')
    await visit('Archive', '/archive', true)
    await page.locator('photo-tile').first().waitFor()
    await visit('Trash', '/trash', true)
    await visit('Folders', '/folders', true)
    await visit('Settings', '/settings', true)
    await visit('Photos', '/', false)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('shows albums shared with you as cards with cover, owner and role', async function () {
    await page.getByRole('link', { name: 'Albums' }).click()
    const list = page.getByRole('list', { name: 'Shared with me' })
    const card = list.locator('collection-card').first()
    await card.locator('.cover img').waitFor()
    expect(await card.locator('.name').textContent()).to.equal('Harbour Walk')
    expect(await card.locator('.owner').textContent()).to.equal('Shared by otto')
    expect(await card.locator('.count').textContent()).to.equal('Collaborator1 item')
    expect(await card.locator('.role').textContent()).to.equal('Collaborator')
    const cover = await card.locator('.cover').boundingBox()
    expect(cover?.width ?? 0, 'a card with its cover, like own albums').to.be.greaterThan(120)
    await screenshot(page, 'info-shared-cards-1280x800')
    await list.getByRole('link', { name: 'Harbour Walk' }).click()
    await page.getByRole('heading', { name: 'Harbour Walk' }).waitFor()
  })
})
