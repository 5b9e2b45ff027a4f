/**
 * Whose photos are in whose timeline, in chromium ([Note: whose photos are in whose timeline] in
 * webui/src/worker/views.ts): what a collaborator uploads to an album shared with him is in his
 * Photos and in the album, marked with his name for the owner and kept out of her Photos until
 * she saves it; a member saves a copy of the owner's photo into his own library.
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

describe('web UI: who added what, and whose Photos it is in', function () {
  this.timeout(180_000)
  let web: WebNode
  let browser: Browser
  let work: string
  let alice: Page
  let bob: Page

  const tiles = (page: Page) => page.locator('photo-tile')
  const photos = async (page: Page, count: number): Promise<void> => {
    await page.getByRole('link', { name: 'Photos' }).click()
    // Counts settle after the sync that follows each change.
    for (let i = 0; i < 100 && await tiles(page).count() !== count; i++) await page.waitForTimeout(100)
    expect(await tiles(page).count(), 'tiles in Photos').to.equal(count)
  }
  const select = async (page: Page, tile: ReturnType<typeof tiles>): Promise<void> => {
    await tile.hover()
    await tile.getByRole('button', { name: 'Select' }).click()
  }

  before(async function () {
    await ensureBuilt()
    work = await mkdtemp(join(tmpdir(), 'obscura-webui-attrib-'))
    for (const name of ['alice.png', 'bob.png']) await makePng(join(work, name))
    web = await startWebNode({ accounts: { openSignup: true } })
    const owner = await library(await account(web.url, 'alice'))
    await account(web.url, 'bob')
    const album = await owner.ensureAlbum('Trip')
    await uploadFiles(owner, [bytesSource('alice.png', new Uint8Array(await readFile(join(work, 'alice.png'))))], { targets: [album] })
    await shareCollection(owner, album, 'bob', 'collaborator')
    browser = await launchChromium()
    alice = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    bob = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await logIn(alice, web.url, 'alice')
    await logIn(bob, web.url, 'bob')
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it("puts a collaborator's upload to a shared album in his own Photos", async function () {
    await photos(bob, 0)
    await bob.getByRole('link', { name: 'Albums' }).click()
    await bob.getByText('Trip').first().click()
    await bob.locator('input#files').setInputFiles(join(work, 'bob.png'))
    await bob.getByText('1 uploaded', { exact: true }).waitFor()
    for (let i = 0; i < 100 && await tiles(bob).count() !== 2; i++) await bob.waitForTimeout(100)
    expect(await tiles(bob).count(), 'tiles in the shared album').to.equal(2)
    await photos(bob, 1)
  })

  it("marks it with his name in the owner's album, keeps it out of her Photos, and saves it there on request", async function () {
    await photos(alice, 1)
    await alice.getByRole('link', { name: 'Albums' }).click()
    await alice.getByText('Trip').first().click()
    await alice.getByText('1 added by others', { exact: false }).waitFor()
    const his = tiles(alice).filter({ has: alice.locator('.badge.by') })
    await his.waitFor()
    expect(await his.count()).to.equal(1)
    expect(await his.locator('.badge.by').textContent()).to.equal('bob')
    expect(await his.getByRole('button', { name: /added by bob/ }).count()).to.equal(1)
    await screenshot(alice, 'attribution-owner-album')
    await select(alice, his)
    await alice.getByRole('button', { name: 'Save to library' }).click()
    await alice.getByText('saved to your library').first().waitFor()
    await photos(alice, 2)
  })

  it("copies the owner's photo into a member's library when he saves it", async function () {
    await bob.getByRole('link', { name: 'Albums' }).click()
    await bob.getByText('Trip').first().click()
    const hers = tiles(bob).filter({ has: bob.locator('.badge.by') })
    await hers.waitFor()
    expect(await hers.locator('.badge.by').textContent()).to.equal('alice')
    await select(bob, hers)
    await bob.getByRole('button', { name: 'Save to library' }).click()
    await bob.getByText('saved to your library').first().waitFor()
    // The copy is decrypted here and uploaded again under Bob's keys: it lands in his Photos.
    await bob.getByRole('link', { name: 'Photos' }).click()
    for (let i = 0; i < 300 && await tiles(bob).count() !== 2; i++) await bob.waitForTimeout(100)
    await photos(bob, 2)
    await screenshot(bob, 'attribution-member-photos')
  })
})
