/**
 * The rest of the gallery in chromium: keyboard use of the grid, favorites, archive, trash with
 * restore and deleting for good, renaming an album, the phone-sized layout, an upload that a
 * reload interrupts and that resumes without re-sending the blocks the node already confirmed,
 * and the messages for a full quota and an unreachable node.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { makePng } from '../helpers/media.ts'
import { startGateway } from '../../gateway/server.ts'
import { ensureBuilt, launchChromium, recordRequests, screenshot, startWebNode, webuiDir, type WebNode } from './helpers.ts'

const PASSWORD = 'library-test-password'

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

describe('web UI library pages in chromium', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let fixtures: string
  const pngs = ['one.png', 'two.png', 'three.png']

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-lib-'))
    for (const name of pngs) await makePng(join(fixtures, name))
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await context.newPage()
    await signUp(page, web.url, 'lena')
    await page.locator('input#files').setInputFiles(pngs.map((n) => join(fixtures, n)))
    await page.getByText('3 uploaded', { exact: true }).waitFor()
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('uploads files dropped on the page', async function () {
    await makePng(join(fixtures, 'dropped.png'))
    const png = (await readFile(join(fixtures, 'dropped.png'))).toString('base64')
    const transfer = await page.evaluateHandle((b64) => {
      const data = new DataTransfer()
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }))
      return data
    }, png)
    await page.dispatchEvent('obscura-app', 'dragover', { dataTransfer: transfer })
    await page.getByText('Drop photos and folders').waitFor()
    await page.dispatchEvent('obscura-app', 'drop', { dataTransfer: transfer })
    await page.getByText('4 items', { exact: true }).waitFor()
    await page.locator('photo-tile').first().hover()
    await page.locator('photo-tile').first().getByRole('button', { name: 'Select' }).click()
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByText('3 items', { exact: true }).waitFor()
    await page.getByRole('link', { name: 'Trash' }).click()
    await page.getByRole('button', { name: 'Empty trash' }).click()
    await page.getByRole('button', { name: 'Delete forever' }).click()
    await page.getByText('Trash is empty').waitFor()
    await page.getByRole('link', { name: 'Photos' }).click()
  })

  it('moves through the grid with the arrow keys and opens an item with Enter', async function () {
    const tiles = page.locator('photo-tile button.main')
    await tiles.first().focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Enter')
    await page.locator('photo-viewer').waitFor()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Escape')
    await page.locator('photo-viewer').waitFor({ state: 'detached' })
  })

  it('marks a favorite from the viewer and lists it under Favorites', async function () {
    await page.locator('photo-tile').first().click()
    await page.getByRole('button', { name: 'Favorite' }).click()
    await page.getByRole('button', { name: 'Favorite', pressed: true }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('link', { name: 'Favorites' }).click()
    await page.getByRole('heading', { name: 'Favorites' }).waitFor()
    expect(await page.locator('photo-tile').count()).to.equal(1)
  })

  it('archives an item out of the timeline and back', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.locator('photo-tile').nth(1).hover()
    await page.locator('photo-tile').nth(1).getByRole('button', { name: 'Select' }).click()
    await page.getByRole('button', { name: 'Archive' }).click()
    await page.getByText('2 items', { exact: true }).waitFor()
    await page.getByRole('link', { name: 'Archive' }).click()
    await page.locator('photo-tile').first().hover()
    await page.locator('photo-tile').first().getByRole('button', { name: 'Select' }).click()
    await page.getByRole('button', { name: 'Unarchive' }).click()
    await page.getByText('Nothing archived').waitFor()
  })

  it('moves items to the trash, restores one and deletes the other for good', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    for (const n of [0, 1]) {
      await page.locator('photo-tile').nth(n).hover()
      await page.locator('photo-tile').nth(n).getByRole('button', { name: 'Select' }).click()
    }
    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByText('1 item', { exact: true }).waitFor()
    await page.getByRole('link', { name: 'Trash' }).click()
    await page.getByRole('heading', { name: 'Trash' }).waitFor()
    expect(await page.locator('photo-tile').count()).to.equal(2)
    await screenshot(page, 'trash')
    await page.locator('photo-tile').first().hover()
    await page.locator('photo-tile').first().getByRole('button', { name: 'Select' }).click()
    await page.getByRole('button', { name: 'Restore' }).click()
    await page.waitForFunction(() => document.querySelector('obscura-app')?.shadowRoot?.querySelector('trash-page')?.shadowRoot
      ?.querySelector('item-browser')?.shadowRoot?.querySelector('photo-grid')?.shadowRoot?.querySelectorAll('photo-tile').length === 1)
    await page.getByRole('button', { name: 'Empty trash' }).click()
    await page.getByRole('button', { name: 'Delete forever' }).click()
    await page.getByText('Trash is empty').waitFor()
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.getByText('2 items', { exact: true }).waitFor()
  })

  it('renames and deletes an album, keeping its photos', async function () {
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByRole('button', { name: 'New album' }).click()
    await page.getByLabel('Album name').fill('Before')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('heading', { name: 'Before' }).waitFor()
    await page.getByText('This album is empty').waitFor()
    await page.getByRole('button', { name: 'Rename album' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('After')
    await page.getByRole('button', { name: 'Rename', exact: true }).click()
    await page.getByRole('heading', { name: 'After' }).waitFor()
    await page.getByRole('button', { name: 'Delete album' }).click()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await page.getByText('No albums yet').waitFor()
  })

  it('fits a phone-sized screen with navigation along the bottom', async function () {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.locator('photo-tile').first().waitFor()
    const nav = await page.locator('app-nav').boundingBox()
    expect(nav?.y ?? 0).to.be.greaterThan(700)
    const tile = await page.locator('photo-tile').first().boundingBox()
    expect(tile?.width ?? 0).to.be.within(90, 140)
    await screenshot(page, 'phone-photos')
    await page.locator('photo-tile').first().click()
    await page.locator('photo-viewer img:not(.placeholder)').waitFor()
    await screenshot(page, 'phone-viewer')
    await page.keyboard.press('Escape')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('resumes an upload interrupted by a reload without re-sending confirmed blocks', async function () {
    // A 64 MiB "video": an MP4 file-type box, then noise. Uploads take a video its player cannot
    // decode (with a placeholder poster), and refuse bytes that are no media at all.
    const big = join(fixtures, 'big.mp4')
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp42')])
    await writeFile(big, Buffer.concat([ftyp, randomBytes(64 * 1024 * 1024 - ftyp.length)]))
    const confirmed = new Set<string>()
    const sentAfter: string[] = []
    let reloaded = false
    context.on('requestfinished', (request) => {
      const cid = /\/api\/v1\/blocks\/(bafk[a-z0-9]+)$/.exec(request.url())?.[1]
      if (request.method() !== 'PUT' || cid == null) return
      if (reloaded) sentAfter.push(cid)
      else void request.response().then((r) => { if (r?.status() === 201) confirmed.add(cid) })
    })
    await page.locator('input#files').setInputFiles(big)
    await page.waitForFunction(() => true)
    for (let i = 0; i < 400 && confirmed.size < 20; i++) await page.waitForTimeout(25)
    reloaded = true
    await page.reload()
    const before = confirmed.size
    expect(before).to.be.greaterThan(0)
    await page.getByText('Upload interrupted').waitFor()
    await screenshot(page, 'upload-interrupted')
    await page.locator('input#files').setInputFiles(big)
    await page.getByText('1 uploaded', { exact: true }).waitFor({ timeout: 60_000 })
    expect(sentAfter.filter((cid) => confirmed.has(cid)), 'blocks sent again').to.deep.equal([])
    expect(sentAfter.length).to.be.lessThan(64 + 4 - before + 1)
  })

  it('changes the password: the new one logs in, the library is unchanged', async function () {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Current password').fill(PASSWORD)
    await page.getByLabel('New password', { exact: true }).fill('a brand new password')
    await page.getByLabel('Repeat new password').fill('a brand new password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Password changed').waitFor()
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByLabel('Username').fill('lena')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('Wrong username or password.').waitFor()
    await page.getByLabel('Password').fill('a brand new password')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByText('3 items', { exact: true }).waitFor()
  })

  it('says so when the quota is full', async function () {
    const saved = JSON.parse(await page.evaluate(() => sessionStorage.getItem('obscura.session') ?? '{}')) as { token: string }
    const res = await fetch(`${web.url}/api/v1/admin/users/lena/quota`, { method: 'PUT', headers: { authorization: `Bearer ${saved.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ quotaBytes: 1 }) })
    expect(res.status).to.equal(200)
    await makePng(join(fixtures, 'four.png'))
    await page.locator('input#files').setInputFiles(join(fixtures, 'four.png'))
    await page.getByText('Your storage is full', { exact: false }).first().waitFor()
    await screenshot(page, 'upload-quota-full')
  })

  it('says so when the node cannot be reached', async function () {
    const gateway = await startGateway(web.node.node, '127.0.0.1', 0, { webuiDir })
    const other = await browser.newContext()
    const login = await other.newPage()
    recordRequests(other)
    await login.goto(`${gateway.url}/login`)
    await login.getByLabel('Username').fill('lena')
    await login.getByLabel('Password').fill(PASSWORD)
    await gateway.close()
    await login.getByRole('button', { name: 'Log in' }).click()
    await login.getByText('Can’t reach your Obscura node').waitFor()
    await screenshot(login, 'login-node-unreachable')
    await other.close()
  })
})
