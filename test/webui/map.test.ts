/**
 * The map page in chromium, against a real node: ten geotagged photos on four continents, two of
 * them 2.7 m apart at the Eiffel tower. The world is drawn from the bundled Natural Earth data;
 * the markers on screen always count every photo once; the wheel and the buttons zoom; every
 * photo can be reached by clicking clusters (each zooms in until it splits) down to single
 * markers or, for the pair that never splits, a grid of exactly its photos, which opens the
 * viewer. No request leaves for a host other than the node, and none carries a coordinate.
 * Screenshots (world, zoomed, grid, dark, phone) go to test/artifacts/.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { makeJpeg } from '../helpers/media.ts'
import { ensureBuilt, findLeaks, launchChromium, recordRequests, screenshot, startWebNode, type Recorded, type WebNode } from './helpers.ts'

const PASSWORD = 'map-test-password-1'
const PLACES = [
  { name: 'eiffel-a.jpg', lat: 48.85837, lon: 2.29448 },
  { name: 'eiffel-b.jpg', lat: 48.85839, lon: 2.29451 },
  { name: 'louvre.jpg', lat: 48.86061, lon: 2.33764 },
  { name: 'montmartre.jpg', lat: 48.88672, lon: 2.34310 },
  { name: 'manhattan.jpg', lat: 40.75800, lon: -73.98550 },
  { name: 'brooklyn.jpg', lat: 40.67820, lon: -73.94420 },
  { name: 'tokyo.jpg', lat: 35.65860, lon: 139.74540 },
  { name: 'sydney.jpg', lat: -33.85680, lon: 151.21530 },
  { name: 'cape-town.jpg', lat: -33.92490, lon: 18.42410 },
  { name: 'reykjavik.jpg', lat: 64.14660, lon: -21.94260 }
]

interface Shown { label: string, count: number, x: number, y: number, w: number }

/** The markers whose centre is on the map, in reading order. */
async function markers (page: Page): Promise<Shown[]> {
  return await page.locator('world-map').evaluate((map) => {
    const box = map.getBoundingClientRect()
    return [...(map.shadowRoot?.querySelectorAll('button.marker') ?? [])].map((m) => {
      const r = m.getBoundingClientRect()
      return { label: m.getAttribute('aria-label') ?? '', count: Number(m.getAttribute('data-count')), x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width }
    }).filter((m) => m.x >= box.left && m.x <= box.right && m.y >= box.top && m.y <= box.bottom)
      .sort((a, b) => a.y - b.y || a.x - b.x)
  })
}

function signature (shown: Shown[]): string {
  return shown.map((m) => `${m.label}@${Math.round(m.x)},${Math.round(m.y)}`).join(' ')
}

async function marker (page: Page, label: string): Promise<Shown> {
  const shown = await markers(page)
  const found = shown.find((m) => m.label === label)
  if (found == null) throw new Error(`no marker "${label}" on the map, only ${signature(shown)}`)
  return found
}

/** Waits until the map's markers differ from `before` (the view changed) or a cluster's grid opened; says which. */
async function settled (page: Page, before: string): Promise<'moved' | 'grid'> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (await page.locator('section.cluster').count() > 0) return 'grid'
    if (signature(await markers(page)) !== before) return 'moved'
    if (Date.now() > deadline) throw new Error('the map neither moved nor opened a grid')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function changed (page: Page, before: string): Promise<void> {
  expect(await settled(page, before)).to.equal('moved')
}

/** Runs `check` until it stops throwing (the page catching up), for at most 10 s. */
async function eventually (check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await check()
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** Two frames, so that what the last update drew is on screen. */
async function frames (page: Page): Promise<void> {
  await page.evaluate(async () => { for (let i = 0; i < 2; i++) await new Promise(requestAnimationFrame) })
}

/** Fractions of the map's canvas pixels that are its water and its land colours. */
async function groundColours (page: Page): Promise<{ water: number, land: number, corner: number[] }> {
  return await page.locator('world-map').evaluate((map) => {
    const canvas = map.shadowRoot?.querySelector('canvas') as HTMLCanvasElement
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data
    const style = getComputedStyle(map)
    // (No named helper here: the test runner's transform would wrap it in a function the page lacks.)
    const [water, land] = ['--map-water', '--map-land'].map((name) => {
      const probe = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
      probe.fillStyle = style.getPropertyValue(name).trim()
      probe.fillRect(0, 0, 1, 1)
      return [...probe.getImageData(0, 0, 1, 1).data].slice(0, 3)
    }) as [number[], number[]]
    let [w, l] = [0, 0]
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === water[0] && data[i + 1] === water[1] && data[i + 2] === water[2]) w++
      else if (data[i] === land[0] && data[i + 1] === land[1] && data[i + 2] === land[2]) l++
    }
    return { water: w / (data.length / 4), land: l / (data.length / 4), corner: [...data.slice(0, 3)] }
  })
}

describe('web UI map in chromium', function () {
  this.timeout(240_000)
  let web: WebNode
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fixtures: string
  let requests: Recorded[]
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-map-'))
    const files: string[] = []
    for (const place of PLACES) {
      const path = join(fixtures, place.name)
      await makeJpeg(path, { gps: { latitude: place.lat, longitude: place.lon } })
      files.push(path)
    }
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    // Reduced motion: the map jumps where it would glide, so each click's result is there at once.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
    requests = recordRequests(context)
    page = await context.newPage()
    page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
    await page.goto(`${web.url}/signup`)
    await page.getByLabel('Username').fill('mapper')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Repeat password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Open my library' }).click()
    await page.locator('input#files').setInputFiles(files)
    await page.getByText(`${PLACES.length} uploaded`, { exact: true }).waitFor({ timeout: 180_000 })
    await page.locator('upload-panel').getByRole('button', { name: 'Close' }).click()
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('draws the world from the bundled atlas and counts every photo once in the markers', async function () {
    await page.getByRole('link', { name: 'Map' }).click()
    await page.getByText(`${PLACES.length} geotagged items`).waitFor()
    await page.waitForFunction(() => {
      const map = document.querySelector('obscura-app')?.shadowRoot?.querySelector('map-page')?.shadowRoot?.querySelector('world-map')
      return (map?.shadowRoot?.querySelectorAll('button.marker img').length ?? 0) >= 5
    }, undefined, { timeout: 30_000 })
    await screenshot(page, 'map-world')
    const ground = await groundColours(page)
    expect(ground.water, 'water').to.be.greaterThan(0.2)
    expect(ground.land, 'land').to.be.greaterThan(0.1)
    const shown = await markers(page)
    expect(shown.reduce((sum, m) => sum + m.count, 0), 'photos counted by the markers').to.equal(PLACES.length)
    for (const [i, a] of shown.entries()) {
      for (const b of shown.slice(i + 1)) {
        expect(Math.hypot(a.x - b.x, a.y - b.y), `${a.label} and ${b.label} apart`).to.be.at.least((a.w + b.w) / 2 - 4)
      }
    }
  })

  it('zooms with the wheel about the cursor, and with its buttons', async function () {
    // Reykjavik and the four photos in Paris: close enough to stay on screen at twice the scale.
    const [iceland, france] = [await marker(page, 'Photo reykjavik.jpg'), await marker(page, '4 photos')]
    const apart = Math.hypot(iceland.x - france.x, iceland.y - france.y)
    const before = signature(await markers(page))
    await page.mouse.move((iceland.x + france.x) / 2, (iceland.y + france.y) / 2)
    await page.mouse.wheel(0, -200)
    await changed(page, before)
    const [iceland2, france2] = [await marker(page, 'Photo reykjavik.jpg'), await marker(page, '4 photos')]
    expect(Math.hypot(iceland2.x - france2.x, iceland2.y - france2.y) / apart, 'scale after one wheel step in').to.be.closeTo(2, 0.1)
    const after = signature(await markers(page))
    await page.getByRole('button', { name: 'Zoom out' }).click()
    await changed(page, after)
    const [iceland3, france3] = [await marker(page, 'Photo reykjavik.jpg'), await marker(page, '4 photos')]
    expect(Math.hypot(iceland3.x - france3.x, iceland3.y - france3.y) / apart, 'scale after the zoom-out button').to.be.closeTo(1, 0.1)
  })

  it('reaches every photo: a cluster zooms in until it splits, one that never splits opens a grid of its photos', async function () {
    const reached = new Set<string>()
    const grids: string[][] = []
    const follow = async (path: number[]): Promise<void> => {
      await page.getByRole('button', { name: 'Show all places' }).click()
      for (const i of path) {
        const before = signature(await markers(page))
        const target = (await markers(page))[i] as Shown
        await page.mouse.click(target.x, target.y)
        await changed(page, before)
      }
    }
    const explore = async (path: number[], depth: number): Promise<void> => {
      expect(depth, 'clicks to reach a photo').to.be.below(8)
      await follow(path)
      const shown = await markers(page)
      expect(shown.reduce((sum, m) => sum + m.count, 0), 'photos counted, and none counted twice, in each view').to.be.at.most(PLACES.length)
      for (const [i, m] of shown.entries()) {
        if (m.count === 1) { reached.add(m.label.replace(/^Photo /, '')); continue }
        await follow(path)
        const before = signature(await markers(page))
        await page.mouse.click(m.x, m.y)
        if (await settled(page, before) === 'grid') {
          const tiles = page.locator('section.cluster photo-tile button.main')
          await tiles.nth(m.count - 1).waitFor()
          const names = (await tiles.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''))).map((l) => l.replace(/^Photo /, ''))
          expect(names, `the grid of a cluster of ${m.count}`).to.have.length(m.count)
          expect(await page.locator('section.cluster h1').textContent()).to.equal(`${m.count} photos`)
          for (const name of names) reached.add(name)
          grids.push(names.sort())
          await page.getByRole('button', { name: 'Close the photos taken here' }).click()
          await page.locator('section.cluster').waitFor({ state: 'detached' })
        } else {
          await explore([...path, i], depth + 1)
        }
      }
    }
    await explore([], 0)
    expect([...reached].sort()).to.deep.equal(PLACES.map((p) => p.name).sort())
    expect(grids, 'clusters that opened as a grid').to.deep.equal([['eiffel-a.jpg', 'eiffel-b.jpg']])
  })

  it('shows the zoomed-in city with the finer borders, and a cluster\'s grid that opens the viewer', async function () {
    await page.getByRole('button', { name: 'Show all places' }).click()
    let paris = (await markers(page)).find((m) => m.count === 4) as Shown
    expect(paris, 'the four Paris photos as one cluster').to.not.equal(undefined)
    await page.mouse.click(paris.x, paris.y)
    await page.getByRole('button', { name: 'Photo louvre.jpg' }).waitFor()
    for (let i = 0; i < 8; i++) await page.getByRole('button', { name: 'Zoom out' }).click()
    await eventually(async () => { expect(requests.some((r) => r.url.includes('countries-50m')), 'finer atlas fetched').to.equal(true) })
    await frames(page)
    await screenshot(page, 'map-zoomed-europe')
    await page.getByRole('button', { name: 'Show all places' }).click()
    paris = (await markers(page)).find((m) => m.count === 4) as Shown
    await page.mouse.click(paris.x, paris.y)
    await page.getByRole('button', { name: 'Photo louvre.jpg' }).waitFor()
    await screenshot(page, 'map-zoomed-paris')
    await page.getByRole('button', { name: '2 photos' }).click()
    await page.locator('section.cluster photo-tile img').nth(1).waitFor()
    await screenshot(page, 'map-cluster-grid')
    await page.locator('section.cluster photo-tile button.main').first().click()
    await page.locator('photo-viewer').waitFor()
    await page.waitForFunction(() => {
      const img = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img.picture')
      return img != null && img.complete && img.naturalWidth > 0
    }, undefined, { timeout: 30_000 })
    await page.keyboard.press('Escape')
    await page.locator('photo-viewer').waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Close the photos taken here' }).click()
  })

  it('follows the dark colour scheme, and fits a phone', async function () {
    const light = await groundColours(page)
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.getByRole('button', { name: 'Show all places' }).click()
    await eventually(async () => {
      const dark = await groundColours(page)
      expect(dark.water + dark.land, 'the dark palette covers the map').to.be.greaterThan(0.5)
      expect(dark.corner.reduce((a, b) => a + b, 0), 'dark water is darker').to.be.lessThan(light.corner.reduce((a, b) => a + b, 0) / 2)
    })
    await screenshot(page, 'map-dark')
    await page.setViewportSize({ width: 390, height: 844 })
    await eventually(async () => {
      expect((await page.locator('world-map').boundingBox())?.width).to.be.at.most(390)
      expect((await markers(page)).length, 'markers on a phone').to.be.greaterThan(0)
    })
    await frames(page)
    await screenshot(page, 'map-dark-390x844')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('sends nothing about the places anywhere: every request goes to the node and none carries a coordinate', async function () {
    const elsewhere = requests.filter((r) => /^https?:/.test(r.url) && new URL(r.url).hostname !== '127.0.0.1')
    expect(elsewhere.map((r) => r.url)).to.deep.equal([])
    const needles = PLACES.flatMap((p) => [p.lat, p.lon].flatMap((v) => [v.toFixed(3), v.toFixed(4)]))
      .map((text) => ({ what: `coordinate ${text}`, bytes: Buffer.from(text) }))
    expect(findLeaks(requests, needles)).to.deep.equal([])
    expect(requests.filter((r) => r.url.includes('countries-')).length, 'atlas files fetched from the node').to.be.at.least(1)
    expect(problems).to.deep.equal([])
  })
})
