/**
 * What the web UI's upload accepts, in chromium ([Note: what an upload accepts],
 * src/media/sniff.ts): a text file, a PDF, an empty `.jpg`, a `.jpg` of noise and a damaged JPEG
 * are refused, each with its reason in the upload panel, and none is added; the photo among them
 * is. And the item count follows the files as they finish, not the end of the batch.
 * Screenshots: test/artifacts/refusals-*.png.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { signup } from '../helpers/signup.ts'
import { makePng, makeRefusedFiles, type RefusedFixture } from '../helpers/media.ts'
import { ensureBuilt, launchChromium, logIn, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'

const USER = 'rufus'

describe('web UI upload refusals in chromium', function () {
  this.timeout(180_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let fixtures: string
  let refused: RefusedFixture[]

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-refusals-'))
    refused = await makeRefusedFiles(fixtures)
    await makePng(join(fixtures, 'real.png'))
    web = await startWebNode()
    await signup(web.url, USER, `${USER}-password-1`)
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await logIn(page, web.url, USER)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('refuses a text file, a PDF, an empty and a damaged .jpg with their reasons, and adds only the photo', async function () {
    await page.locator('input#files').setInputFiles([...refused.map((r) => join(fixtures, r.name)), join(fixtures, 'real.png')])
    const panel = page.locator('upload-panel')
    await panel.getByText('1 uploaded, 5 not added', { exact: true }).waitFor({ timeout: 60_000 })
    for (const { name, reason } of refused) {
      const row = panel.locator('li', { hasText: name })
      await row.getByText('Not added').waitFor()
      expect(await row.locator('.reason').textContent(), name).to.equal(reason.charAt(0).toUpperCase() + reason.slice(1) + '.')
    }
    expect(await panel.textContent()).not.to.match(/cannot decode this image format|placeholder/)
    await page.getByText('1 item', { exact: true }).waitFor()
    await waitForDecodedTiles(page, 1)
    expect(await page.locator('photo-tile').count()).to.equal(1)
    expect(await page.getByRole('button', { name: 'Photo real.png' }).count()).to.equal(1)
    await screenshot(page, 'refusals-panel')
  })

  it('counts each item as its file finishes, not at the end of the upload', async function () {
    await makePng(join(fixtures, 'first.png'))
    // A second file that takes a while: an MP4 header and 24 MiB after it (kept: a video that
    // does not decode may be a codec the browser lacks).
    await writeFile(join(fixtures, 'second.mp4'), Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0isommp41'), randomBytes(24 * 1024 * 1024)]))
    // Once the first file is committed, hold every block upload until the page counts it.
    let committed = false
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => { release = resolve })
    await page.context().route('**/api/v1/**', async (route) => {
      const request = route.request()
      if (request.method() === 'PUT' && request.url().endsWith('/head')) committed = true
      else if (committed && request.method() === 'PUT' && request.url().includes('/api/v1/blocks/')) await held
      await route.continue()
    })
    try {
      await page.locator('input#files').setInputFiles([join(fixtures, 'first.png'), join(fixtures, 'second.mp4')])
      await page.getByText('2 items', { exact: true }).waitFor({ timeout: 60_000 })
      expect(await page.locator('upload-panel').getByText('Uploading 2 of 2').count(), 'the second file is still uploading').to.equal(1)
      await screenshot(page, 'refusals-count-while-uploading')
    } finally {
      release()
    }
    await page.locator('upload-panel').getByText('2 uploaded', { exact: true }).waitFor({ timeout: 120_000 })
    await page.getByText('3 items', { exact: true }).waitFor()
    await page.context().unroute('**/api/v1/**')
  })
})
