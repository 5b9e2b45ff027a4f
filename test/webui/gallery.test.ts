/**
 * The web gallery end to end in Debian's chromium, against a real node and gateway: signing up
 * (Argon2id in the worker, recovery key shown once), uploading a folder through the file input,
 * thumbnails decrypted in the browser, the viewer, a video that streams through the Service
 * Worker and seeks, albums, downloading an original byte for byte, logging out and back in.
 * Every request the page, its workers and its Service Worker make is recorded, and none may
 * carry the password, the master key, the recovery key, or any fixture's name.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { makeJpeg, makePng } from '../helpers/media.ts'
import { ensureBuilt, findLeaks, launchChromium, playVideo, recordRequests, screenshot, startWebNode, type Recorded, type WebNode } from './helpers.ts'
import { runTool } from '../helpers/tools.ts'

const USER = 'marguerite'
const PASSWORD = 'Pw-Tangerine-Otter-4417'
const FOLDER = 'Voyage Zanzibar Quetzal'
const ALBUM = 'Album Pangolin Nebula'
const FILES = ['beach-quetzal-01.jpg', 'market-quetzal-02.jpg', 'sunset-quetzal-03.png', 'dhow-quetzal-04.mp4']

describe('web UI in chromium', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fixtures: string
  let requests: Recorded[]
  const secrets: Array<{ what: string, bytes: Buffer }> = []
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-'))
    const dir = join(fixtures, FOLDER)
    await mkdir(dir)
    await makeJpeg(join(dir, FILES[0] as string), { make: 'Quetzalcam', model: 'Q1', gps: { latitude: -6.165, longitude: 39.199 } })
    await makeJpeg(join(dir, FILES[1] as string))
    await makePng(join(dir, FILES[2] as string))
    // ~4 MiB of H.264, so that seeking lands in a later encrypted chunk.
    await runTool('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=4:size=640x360:rate=25,noise=alls=40:allf=t',
      '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-b:v', '8M', '-g', '10', join(dir, FILES[3] as string)])
    web = await startWebNode()
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    requests = recordRequests(context)
    page = await context.newPage()
    page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
    page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text()) })
    for (const marker of [PASSWORD, FOLDER, ALBUM, 'quetzal', 'Quetzalcam', ...FILES]) {
      secrets.push({ what: `marker "${marker}"`, bytes: Buffer.from(marker) })
    }
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('signs up, showing the recovery key once, and opens an empty library', async function () {
    await page.goto(`${web.url}/`)
    await page.getByRole('heading', { name: 'Log in' }).waitFor()
    await screenshot(page, 'login')
    await page.getByRole('link', { name: 'Create an account' }).click()
    await page.getByLabel('Username').fill(USER)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Repeat password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    const recoveryKey = (await page.getByTestId('recovery-key').textContent())?.trim() ?? ''
    expect(recoveryKey.length).to.be.greaterThan(20)
    secrets.push({ what: 'recovery key', bytes: Buffer.from(recoveryKey) })
    await screenshot(page, 'signup-recovery-key')
    await page.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Open my library' }).click()
    await page.getByText('Your photos will appear here').waitFor()
    const saved = JSON.parse(await page.evaluate(() => sessionStorage.getItem('obscura.session') ?? '{}')) as { masterKey: string }
    secrets.push({ what: 'master key (base64)', bytes: Buffer.from(saved.masterKey) }, { what: 'master key', bytes: Buffer.from(saved.masterKey, 'base64') })
    await screenshot(page, 'photos-empty')
  })

  it('uploads a folder through the file input and shows decrypted thumbnails', async function () {
    await page.locator('input#folder').setInputFiles(join(fixtures, FOLDER))
    await page.getByText('Upload complete').waitFor({ timeout: 60_000 })
    await page.getByText(`${FILES.length} uploaded`, { exact: true }).waitFor()
    await page.waitForFunction(() => {
      const grid = document.querySelector('obscura-app')?.shadowRoot?.querySelector('main > *')?.shadowRoot?.querySelector('item-browser')?.shadowRoot?.querySelector('photo-grid')
      const imgs = [...(grid?.shadowRoot?.querySelectorAll('photo-tile') ?? [])].map((t) => t.shadowRoot?.querySelector('img'))
      return imgs.filter((img) => img != null && img.complete && img.naturalWidth > 0).length >= 4
    }, undefined, { timeout: 30_000 })
    expect(await page.locator('photo-tile').count()).to.equal(FILES.length)
    await screenshot(page, 'photos-timeline')
    await page.getByRole('link', { name: 'Folders' }).click()
    await page.getByText(FOLDER).waitFor()
    await screenshot(page, 'folders')
  })

  it('opens a photo in the viewer with its decrypted details', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.getByRole('button', { name: `Photo ${FILES[0] as string}` }).click()
    const img = page.locator('photo-viewer img:not(.placeholder)')
    await img.waitFor()
    await page.waitForFunction(() => {
      const viewer = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')
      const shown = viewer?.shadowRoot?.querySelector<HTMLImageElement>('img:not(.placeholder)')
      return shown != null && shown.complete && shown.naturalWidth === 96
    })
    await page.keyboard.press('i')
    await page.getByText('Details').waitFor()
    await page.getByText('Quetzalcam Q1').waitFor()
    await page.getByText('-6.16500, 39.19900').waitFor()
    await screenshot(page, 'viewer-photo-details')
    await page.keyboard.press('Escape')
  })

  it('plays a video while it streams and seeks into a later chunk', async function () {
    const video = await playVideo(page, FILES[3] as string)
    const seeked = await video.evaluate(async (element: HTMLVideoElement) => {
      element.pause()
      element.currentTime = 3.5
      await new Promise((resolve) => { element.addEventListener('seeked', resolve, { once: true }) })
      return { time: element.currentTime, duration: element.duration, ready: element.readyState }
    })
    expect(seeked.duration).to.be.closeTo(4, 0.3)
    expect(seeked.time).to.be.closeTo(3.5, 0.2)
    expect(seeked.ready).to.be.at.least(2)
    const ranges = requests.filter((r) => r.url.includes('/_media/') && r.range != null).map((r) => Number(/bytes=(\d+)/.exec(r.range ?? '')?.[1]))
    expect(Math.max(...ranges), 'a range request past the first 1 MiB chunk').to.be.greaterThan(1024 * 1024)
    await screenshot(page, 'viewer-video')
    await page.keyboard.press('Escape')
  })

  it('shows the decrypted GPS position on the map', async function () {
    await page.getByRole('link', { name: 'Map' }).click()
    await page.getByText('1 geotagged item').waitFor()
    await screenshot(page, 'map')
    await page.getByRole('link', { name: 'Photos' }).click()
  })

  it('creates an album and adds selected items to it', async function () {
    const tiles = page.locator('photo-tile')
    await tiles.nth(0).hover()
    await tiles.nth(0).getByRole('button', { name: 'Select' }).click()
    await tiles.nth(1).hover()
    await tiles.nth(1).getByRole('button', { name: 'Select' }).click()
    await page.getByText('2 selected').waitFor()
    await screenshot(page, 'photos-selection')
    await page.getByRole('button', { name: 'Add to album' }).click()
    await page.getByRole('button', { name: 'New album' }).click()
    await page.getByLabel('Name').fill(ALBUM)
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByText(`Added to ${ALBUM}`).waitFor()
    await page.getByRole('link', { name: 'Albums' }).click()
    const card = page.getByRole('link', { name: `${ALBUM} 2 items` })
    await card.waitFor()
    await screenshot(page, 'albums')
    await card.click()
    await page.getByRole('heading', { name: ALBUM }).waitFor()
    expect(await page.locator('photo-tile').count()).to.equal(2)
    await screenshot(page, 'album')
  })

  it('downloads an original that is byte-identical to the file uploaded', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.getByRole('button', { name: `Photo ${FILES[1] as string}` }).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download original' }).click()])
    expect(download.suggestedFilename()).to.equal(FILES[1])
    const got = await readFile(await download.path())
    expect(got.subarray(0, 40).toString('latin1')).to.equal((await readFile(join(fixtures, FOLDER, FILES[1] as string))).subarray(0, 40).toString('latin1'))
    expect(got.equals(await readFile(join(fixtures, FOLDER, FILES[1] as string)))).to.equal(true)
    await page.keyboard.press('Escape')
  })

  it('logs out, clearing the session and the thumbnail cache, and finds the same library after logging back in', async function () {
    await page.getByRole('link', { name: 'Settings' }).click()
    await screenshot(page, 'settings')
    const userId = (JSON.parse(await page.evaluate(() => sessionStorage.getItem('obscura.session') ?? '{}')) as { user: { id: string } }).user.id
    const countThumbs = `new Promise((resolve, reject) => {
      const open = indexedDB.open('obscura-${userId}')
      open.onsuccess = () => { const count = open.result.transaction('thumbs').objectStore('thumbs').count(); count.onsuccess = () => { open.result.close(); resolve(count.result) } }
      open.onerror = () => reject(open.error)
    })`
    expect(await page.evaluate(countThumbs), 'thumbnails cached (sealed) while logged in').to.be.greaterThan(0)
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('heading', { name: 'Log in' }).waitFor()
    expect(await page.evaluate(() => sessionStorage.getItem('obscura.session'))).to.equal(null)
    expect(await page.evaluate(countThumbs), 'thumbnails left after logout').to.equal(0)
    await page.getByLabel('Username').fill(USER)
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('Wrong username or password.').waitFor()
    await screenshot(page, 'login-wrong-password')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText(`${FILES.length} items`).waitFor()
    expect(await page.locator('photo-tile').count()).to.equal(FILES.length)
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByRole('link', { name: `${ALBUM} 2 items` }).waitFor()
  })

  it('sent no password, key, recovery key or file, folder or album name to the node', async function () {
    expect(requests.filter((r) => r.url.startsWith(web.url) && r.url.includes('/api/v1/blocks/') && r.method === 'PUT').length).to.be.greaterThan(4)
    expect(findLeaks(requests, secrets)).to.deep.equal([])
  })

  it('ran without a script error or a Content-Security-Policy violation', async function () {
    expect(problems).to.deep.equal([])
  })
})
