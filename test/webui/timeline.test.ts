/**
 * The timeline and the viewer as a reader sees them, in chromium at 1280x800 and 390x844, with
 * the browser in New York and the photos taken in Europe: justified rows that fill the screen
 * (60 photos on 60 days: several days share a row), a picture fitted to the window with no
 * placeholder over it, zoom by double-click and wheel, and times shown as taken, in the photo's
 * own offset. Screenshots go to test/artifacts/.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import sharp from 'sharp'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ensureBuilt, launchChromium, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'

const PASSWORD = 'timeline-test-password'
const DAYS = 60
const PORTRAIT = 'portrait-noon.jpg'

async function signUp (page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/signup`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Repeat password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Open my library' }).click()
  await page.getByText('Your photos will appear here').waitFor()
}

/** Runs `fn` in the page against the element under (x, y), looking through shadow roots. */
async function hitAt (page: Page, x: number, y: number): Promise<string> {
  return await page.evaluate(([px, py]) => {
    let element = document.elementFromPoint(px as number, py as number)
    while (element?.shadowRoot != null) {
      const inner = element.shadowRoot.elementFromPoint(px as number, py as number)
      if (inner == null || inner === element) break
      element = inner
    }
    return element == null ? 'nothing' : `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`
  }, [x, y])
}

/** The picture's transform as set (not as computed halfway through its transition). */
async function pictureTransform (page: Page): Promise<string> {
  return await page.locator('photo-viewer img.picture').evaluate((img) => (img as HTMLElement).style.transform)
}

describe('web UI timeline and viewer in chromium', function () {
  this.timeout(240_000)
  let web: WebNode
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fixtures: string

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-timeline-'))
    // 60 small landscape photos, each on its own day (every third day from 2024-01-01, at 09:00 +02:00)...
    const args: string[] = []
    const files: string[] = []
    for (let i = 0; i < DAYS; i++) {
      const name = `day-${String(i).padStart(2, '0')}.jpg`
      const path = join(fixtures, name)
      await sharp(randomBytes(96 * 64 * 3), { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 70 }).toFile(path)
      const day = new Date(Date.UTC(2024, 0, 1 + i * 3))
      const stamp = `${day.getUTCFullYear()}:${String(day.getUTCMonth() + 1).padStart(2, '0')}:${String(day.getUTCDate()).padStart(2, '0')} 09:00:00`
      args.push(`-DateTimeOriginal=${stamp}`, '-OffsetTimeOriginal=+02:00', '-overwrite_original', path, '-execute')
      files.push(path)
    }
    // ...and a large portrait one taken at 12:00 +01:00 (11:00 UTC, 07:00 in New York).
    const portrait = join(fixtures, PORTRAIT)
    await sharp(randomBytes(600 * 800 * 3), { raw: { width: 600, height: 800, channels: 3 } }).resize(1500, 2000).jpeg({ quality: 70 }).toFile(portrait)
    args.push('-DateTimeOriginal=2024:12:20 12:00:00', '-OffsetTimeOriginal=+01:00', '-overwrite_original', portrait, '-execute')
    files.push(portrait)
    await writeFile(join(fixtures, 'exif.args'), args.join('\n') + '\n')
    await promisify(execFile)('exiftool', ['-q', '-@', join(fixtures, 'exif.args')])
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York', locale: 'en-US' })
    page = await context.newPage()
    await signUp(page, web.url, 'tilda')
    await page.locator('input#files').setInputFiles(files)
    await page.getByText(`${DAYS + 1} uploaded`, { exact: true }).waitFor({ timeout: 180_000 })
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('fills the first screen with thumbnails of photos from many days (justified rows, days sharing a row)', async function () {
    await page.keyboard.press('Escape')
    await waitForDecodedTiles(page, 15)
    await screenshot(page, 'timeline-1280x800')
    const inView = await page.locator('photo-tile').evaluateAll((tiles) => tiles.filter((tile) => {
      const r = tile.getBoundingClientRect()
      return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth
    }).length)
    expect(inView, 'thumbnails wholly on the first screen').to.be.at.least(15)
    // The scrubber has a column of its own: no tile lies under it.
    const overlap = await page.evaluate(() => {
      const grid = document.querySelector('obscura-app')?.shadowRoot?.querySelector('main > *')?.shadowRoot?.querySelector('item-browser')?.shadowRoot?.querySelector('photo-grid')
      const scrubber = grid?.shadowRoot?.querySelector('date-scrubber')?.getBoundingClientRect()
      if (scrubber == null) return -1
      return [...(grid?.shadowRoot?.querySelectorAll('photo-tile') ?? [])].filter((t) => t.getBoundingClientRect().right > scrubber.left).length
    })
    expect(overlap, 'tiles under the scrubber (-1: no scrubber, the library is short)').to.be.at.most(0)
  })

  it('groups by the day as taken, in the photo\'s own offset', async function () {
    // 2024-12-20 12:00 +01:00 is the 20th wherever the browser is; the day label says so.
    await page.locator('photo-grid .day[title="Fri, Dec 20, 2024"]').waitFor()
    expect(await page.locator('photo-grid .day[title="Fri, Dec 20, 2024"]').textContent()).to.equal('Fri, Dec 20')
  })

  it('fits the picture inside the window, on top, with no placeholder over it once loaded', async function () {
    await page.getByRole('button', { name: `Photo ${PORTRAIT}` }).click()
    await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img.picture')
      return img != null && img.complete && img.naturalWidth > 0
    }, undefined, { timeout: 30_000 })
    const box = await page.locator('photo-viewer img.picture').boundingBox()
    expect(box).to.not.equal(null)
    const { x, y, width, height } = box as { x: number, y: number, width: number, height: number }
    expect(x).to.be.at.least(0)
    expect(y).to.be.at.least(0)
    expect(x + width).to.be.at.most(1280)
    expect(y + height).to.be.at.most(800)
    expect(await hitAt(page, x + width / 2, y + height / 2)).to.match(/^img\.picture/)
    expect(await page.locator('photo-viewer .placeholder').count(), 'placeholder once loaded').to.equal(0)
    await screenshot(page, 'viewer-1280x800')
  })

  it('zooms by double-click and by the wheel, and back', async function () {
    const box = await page.locator('photo-viewer img.picture').boundingBox() as { x: number, y: number, width: number, height: number }
    const before = await pictureTransform(page)
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 3)
    expect(before).to.equal('')
    expect(await pictureTransform(page)).to.match(/scale\(2\.5\)/)
    await page.keyboard.press('0')
    expect(await pictureTransform(page)).to.equal('')
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.wheel(0, -400)
    await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLElement>('img.picture')
      return Number(/scale\(([\d.]+)\)/.exec(img?.style.transform ?? '')?.[1]) > 1.5
    })
    await screenshot(page, 'viewer-zoomed-1280x800')
    await page.keyboard.press('0')
  })

  it('shows the time as taken (12:00 at +01:00) with the browser in New York', async function () {
    await page.keyboard.press('i')
    const taken = page.locator('viewer-info dd').nth(1)
    await taken.waitFor()
    expect(await taken.textContent()).to.match(/December 20, 2024.*12:00\sPM.*UTC\+01:00/)
    await screenshot(page, 'viewer-info-1280x800')
    await page.keyboard.press('i')
    await page.keyboard.press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await page.keyboard.press('Escape')
  })

  it('fits the viewer and fills the timeline on a phone (390x844), four thumbnails a row', async function () {
    await page.keyboard.press('0')
    await page.setViewportSize({ width: 390, height: 844 })
    const box = await page.locator('photo-viewer img.picture').boundingBox() as { x: number, y: number, width: number, height: number }
    expect(box.x + box.width).to.be.at.most(390)
    expect(box.y + box.height).to.be.at.most(844)
    await screenshot(page, 'viewer-390x844')
    await page.keyboard.press('Escape')
    await page.locator('photo-viewer').waitFor({ state: 'detached' })
    await waitForDecodedTiles(page, 10)
    await screenshot(page, 'timeline-390x844')
    const inView = await page.locator('photo-tile').evaluateAll((tiles) => tiles.filter((tile) => {
      const r = tile.getBoundingClientRect()
      return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth
    }).length)
    expect(inView).to.be.at.least(10)
  })
})
