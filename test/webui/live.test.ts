/**
 * Live updates in chromium: with the gallery open, a photo another device of the same user
 * uploads, an album another user shares, and a collaborator's addition to it appear within 2 s,
 * with no reload (node/changes.ts, src/client/live.ts). Reconnection after a node restart is
 * tested without a browser (test/gateway/events.test.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { shareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { bytesSource } from '../helpers/client.ts'
import { makePng } from '../helpers/media.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, logIn, screenshot, startWebNode, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

/** Within 2 s: what the issue asks of a live update (a reload or the 30 s refresh would miss it). */
const LIVE_MS = 2_000

describe('web UI: live updates in chromium', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let work: string
  let made = 0
  let otherDevice: Library
  let bob: Library

  /** Uploads a new picture (each one different, so that none is skipped as a duplicate). */
  const add = async (lib: Library, target: CollectionState, name: string): Promise<void> => {
    const path = join(work, `${++made}.png`)
    await makePng(path)
    await uploadFiles(lib, [bytesSource(name, new Uint8Array(await readFile(path)))], { targets: [target] })
  }
  const tiles = async (): Promise<number> => await page.locator('photo-tile').count()

  before(async function () {
    await ensureBuilt()
    work = await mkdtemp(join(tmpdir(), 'obscura-webui-live-'))
    web = await startWebNode({ accounts: { openSignup: true } })
    const lena = await account(web.url, 'lena')
    otherDevice = await library(lena)
    bob = await library(await account(web.url, 'bob'))
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await logIn(page, web.url, 'lena')
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it("shows a photo another device uploads within 2 s, without reload", async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    expect(await tiles()).to.equal(0)
    await add(otherDevice, otherDevice.root, 'from-phone.png')
    await page.locator('photo-tile').first().waitFor({ timeout: LIVE_MS })
    expect(await tiles()).to.equal(1)
    await screenshot(page, 'live-photo-from-other-device')
  })

  it('shows an album another user shares within 2 s, and what a collaborator adds to it', async function () {
    await page.getByRole('link', { name: 'Albums' }).click()
    const album = await bob.ensureAlbum('Bob’s trip')
    await add(bob, album, 'beach.png')
    await shareCollection(bob, album, 'lena', 'viewer')
    await page.getByText('Bob’s trip').first().waitFor({ timeout: LIVE_MS })
    await page.getByText('Bob’s trip').first().click()
    await page.locator('photo-tile').first().waitFor({ timeout: 10_000 })
    expect(await tiles()).to.equal(1)
    await add(bob, album, 'sunset.png')
    await page.locator('photo-tile').nth(1).waitFor({ timeout: LIVE_MS })
    await screenshot(page, 'live-shared-album')
  })
})
