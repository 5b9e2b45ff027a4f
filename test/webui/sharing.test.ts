/**
 * Sharing in the web UI, in Debian's chromium against a real node and gateway. A public link
 * opens in a fresh browser context with no account: the album's photos are decrypted in the
 * worker, a HEIC shows its preview (or, stored without one, a picture drawn from it) while its
 * original still downloads, a password link asks for its password, a no-download link offers no
 * original, an allow-upload link takes photos, and expired or revoked links say so. No request carries the link's key (the URL fragment) or its
 * password. Sharing an album with another user through its share dialog lists them as a member
 * and puts the album in their "Shared with me", with their role; removing them takes it away,
 * and so does leaving it from there.
 * A link made and revoked in the album's link dialog opens, then stops opening, for a visitor.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createLink, revokeLink } from '../../src/client/links.ts'
import { listMembers, shareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { bytesSource } from '../helpers/client.ts'
import { makeJpeg, makePng } from '../helpers/media.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, expectRedThenBlue, findLeaks, imageHalves, launchChromium, logIn, recordRequests, screenshot, startWebNode, type Recorded, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'
import { runTool } from '../helpers/tools.ts'

const LINK_PASSWORD = 'Link-Pw-Ocelot-9083'

describe('web UI: sharing', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let owner: Library
  let album: CollectionState
  let fixtures: string
  const problems: string[] = []

  /** A fresh context with no account, recording every request. */
  async function visitor (): Promise<{ context: BrowserContext, page: Page, requests: Recorded[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 750 }, acceptDownloads: true })
    const requests = recordRequests(context)
    const page = await context.newPage()
    page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
    return { context, page, requests }
  }

  function expectNoLeak (requests: Recorded[], url: string, password?: string): void {
    const needles = [{ what: 'link key', bytes: Buffer.from(url.split('#')[1] as string) }]
    if (password != null) needles.push({ what: 'link password', bytes: Buffer.from(password) })
    expect(requests.length).to.be.greaterThan(3)
    expect(findLeaks(requests, needles)).to.deep.equal([])
  }

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-sharing-'))
    await makeJpeg(join(fixtures, 'harbour.jpg'))
    await makePng(join(fixtures, 'lighthouse.png'))
    await makePng(join(fixtures, 'added.png'))
    web = await startWebNode({ accounts: { openSignup: true } })
    browser = await launchChromium()
    owner = await library(await account(web.url, 'ottoline'))
    album = await owner.ensureAlbum('Harbour Days')
    const sources = await Promise.all(['harbour.jpg', 'lighthouse.png'].map(async (name) => bytesSource(name, new Uint8Array(await readFile(join(fixtures, name))))))
    await uploadFiles(owner, sources, { targets: [album] })
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('opens a public link without an account and shows the photos decrypted', async function () {
    const link = await createLink(owner, album)
    const { context, page, requests } = await visitor()
    await page.goto(link.url)
    await page.getByRole('heading', { name: 'Harbour Days' }).waitFor()
    await page.locator('link-page photo-tile img').nth(1).waitFor()
    // An <img> is in the page before its picture has loaded: wait for each to decode.
    const sizes = await page.locator('link-page photo-tile img').evaluateAll(async (imgs) => await Promise.all(imgs.map(async (img) => { await (img as HTMLImageElement).decode(); return (img as HTMLImageElement).naturalWidth })))
    expect(sizes).to.have.length(2)
    for (const width of sizes) expect(width).to.be.greaterThan(0)
    await screenshot(page, 'link-album')
    await page.getByRole('button', { name: 'harbour.jpg' }).click()
    const viewer = page.getByRole('dialog', { name: 'harbour.jpg' })
    await viewer.locator('img.picture').waitFor()
    expect(await viewer.locator('img.picture').evaluate(async (img) => { await (img as HTMLImageElement).decode(); return (img as HTMLImageElement).naturalWidth })).to.be.greaterThan(0)
    await viewer.getByRole('button', { name: 'Download original' }).waitFor()
    await screenshot(page, 'link-viewer')
    expectNoLeak(requests, link.url)
    await context.close()
  })

  it('shows a HEIC by its preview and downloads its original, also for a HEIC stored without a preview, on the link page and in the owner\'s app', async function () {
    await makeFixtures()
    const heic = fixturePath(FIXTURES.heic.file)
    // Another copy (a new model name makes new bytes), uploaded by a client with no media back end.
    const bare = join(fixtures, 'bare.heic')
    await copyFile(heic, bare)
    await runTool('exiftool', ['-q', '-overwrite_original', '-Model=Bare', bare])
    const leaves = await owner.ensureAlbum('Autumn Leaves')
    await uploadFiles(owner, await collectFiles([heic]), { targets: [leaves], media: createNodeMediaProcessor() })
    await uploadFiles(owner, [bytesSource('bare.heic', new Uint8Array(await readFile(bare)))], { targets: [leaves] })
    const link = await createLink(owner, leaves)
    const { context, page } = await visitor()
    await page.goto(link.url)
    await page.getByText(/^2 items/).waitFor()
    for (const [name, path] of [[FIXTURES.heic.file, heic], ['bare.heic', bare]] as const) {
      await page.getByRole('button', { name: `Photo ${name}`, exact: true }).click()
      const viewer = page.getByRole('dialog', { name })
      const shown = await imageHalves(page, await viewer.locator('img.picture').elementHandle())
      expect([shown.width, shown.height], name).to.deep.equal([FIXTURES.heic.width, FIXTURES.heic.height])
      expectRedThenBlue(shown)
      if (name === FIXTURES.heic.file) await screenshot(page, 'link-viewer-heic')
      const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('button', { name: 'Download original' }).click()])
      expect(download.suggestedFilename()).to.equal(name)
      expect((await readFile(await download.path())).equals(await readFile(path)), `${name} downloads byte for byte`).to.equal(true)
      await viewer.getByRole('button', { name: 'Back' }).click()
    }
    await context.close()
    // The owner's own viewer in the app draws the missing preview the same way.
    const owning = await loggedIn('ottoline')
    await owning.page.getByRole('link', { name: 'Albums' }).click()
    await owning.page.getByRole('link', { name: /Autumn Leaves/ }).click()
    for (const name of [FIXTURES.heic.file, 'bare.heic']) {
      await owning.page.getByRole('button', { name: `Photo ${name}`, exact: true }).click()
      const viewer = owning.page.getByRole('dialog', { name })
      const shown = await imageHalves(owning.page, await viewer.locator('img.picture').elementHandle())
      expect([shown.width, shown.height], `${name} in the app`).to.deep.equal([FIXTURES.heic.width, FIXTURES.heic.height])
      expectRedThenBlue(shown)
      if (name === 'bare.heic') await screenshot(owning.page, 'app-viewer-heic-without-preview')
      await viewer.getByRole('button', { name: 'Back' }).click()
    }
    await owning.context.close()
  })

  it('asks for the password of a password link, refuses a wrong one, and hides downloads of a no-download link', async function () {
    const link = await createLink(owner, album, { password: LINK_PASSWORD, noDownload: true })
    const { context, page, requests } = await visitor()
    await page.goto(link.url)
    await page.getByRole('heading', { name: 'This album is protected' }).waitFor()
    await screenshot(page, 'link-password')
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Open' }).click()
    await page.getByRole('alert').filter({ hasText: 'Wrong password.' }).waitFor()
    await screenshot(page, 'link-wrong-password')
    await page.getByLabel('Password').fill(LINK_PASSWORD)
    await page.getByRole('button', { name: 'Open' }).click()
    await page.getByRole('heading', { name: 'Harbour Days' }).waitFor()
    await page.getByRole('button', { name: 'lighthouse.png' }).click()
    const viewer = page.getByRole('dialog', { name: 'lighthouse.png' })
    await viewer.locator('img.picture').waitFor()
    expect(await viewer.getByRole('button', { name: 'Download original' }).count()).to.equal(0)
    expectNoLeak(requests, link.url, LINK_PASSWORD)
    await context.close()
  })

  it('adds photos through a link that allows it', async function () {
    const link = await createLink(owner, album, { allowUpload: true })
    const { context, page } = await visitor()
    await page.goto(link.url)
    await page.locator('link-page photo-tile').nth(1).waitFor()
    await page.getByText('Add photos').locator('input').setInputFiles(join(fixtures, 'added.png'))
    await page.locator('link-page photo-tile img').nth(2).waitFor()
    await screenshot(page, 'link-upload')
    await owner.sync()
    expect([...(owner.collections.get(album.id) as CollectionState).items.values()].map((i) => i.name)).to.include('added.png')
    await context.close()
  })

  it('says when a link has expired', async function () {
    const link = await createLink(owner, album, { expiresAt: Date.now() + 1000 })
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const { context, page } = await visitor()
    await page.goto(link.url)
    await page.getByRole('alert').filter({ hasText: 'This link has expired' }).waitFor()
    await screenshot(page, 'link-expired')
    await context.close()
  })

  it('says when a link was revoked', async function () {
    const link = await createLink(owner, album)
    await revokeLink(owner, link.url)
    const { context, page } = await visitor()
    await page.goto(link.url)
    await page.getByRole('alert').filter({ hasText: 'This link was revoked' }).waitFor()
    await screenshot(page, 'link-revoked')
    await context.close()
  })

  /** Logs `username` (made by account() in ../sharing/helpers.ts) in through the login page, in a fresh context. */
  async function loggedIn (username: string): Promise<{ context: BrowserContext, page: Page }> {
    const { context, page } = await visitor()
    await logIn(page, web.url, username)
    return { context, page }
  }

  it('shares an album through its dialog, and it appears in the other user’s "Shared with me"', async function () {
    await account(web.url, 'bartholomew')
    const owning = await loggedIn('ottoline')
    await owning.page.getByRole('link', { name: 'Albums' }).click()
    await owning.page.getByRole('link', { name: /Harbour Days/ }).click()
    await owning.page.getByRole('button', { name: 'Share', exact: true }).click()
    const dialog = owning.page.getByRole('dialog', { name: 'Share “Harbour Days”' })
    await dialog.getByLabel('Username').fill('nobody-by-this-name')
    await dialog.getByRole('button', { name: 'Share', exact: true }).click()
    await dialog.getByRole('alert').waitFor()
    await dialog.getByLabel('Username').fill('bartholomew')
    await dialog.getByLabel('Role').selectOption('collaborator')
    await dialog.getByRole('button', { name: 'Share', exact: true }).click()
    await dialog.getByRole('list', { name: 'Members' }).getByText('bartholomew').waitFor()
    expect(await dialog.getByLabel('Role of bartholomew').inputValue()).to.equal('collaborator')
    await screenshot(owning.page, 'share-dialog')

    const member = await loggedIn('bartholomew')
    await member.page.getByRole('link', { name: 'Albums' }).click()
    const sharedList = member.page.getByRole('list', { name: 'Shared with me' })
    await sharedList.getByText('Harbour Days').waitFor()
    const card = sharedList.locator('collection-card').filter({ hasText: 'Harbour Days' })
    expect(await card.locator('.owner').textContent()).to.equal('Shared by ottoline')
    expect(await card.locator('.role').textContent()).to.equal('Collaborator')
    expect(await card.locator('.count').textContent()).to.match(/3 items$/)
    await screenshot(member.page, 'shared-with-me')

    await dialog.getByRole('button', { name: 'Remove bartholomew' }).click()
    await dialog.getByText('Only you can see this album.').waitFor()
    await member.page.reload()
    // The storage bar is drawn from the library view, so once it shows, the view is the fresh one.
    await member.page.getByRole('progressbar', { name: 'Storage used' }).waitFor()
    await member.page.getByRole('heading', { name: 'Albums', exact: true }).waitFor()
    expect(await member.page.getByRole('list', { name: 'Shared with me' }).count()).to.equal(0)
    await owning.context.close()
    await member.context.close()
  })

  it('makes a password link in the link dialog, copies it, and revokes it', async function () {
    const { context, page } = await loggedIn('ottoline')
    const ownerRequests = recordRequests(context)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url })
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByRole('link', { name: /Harbour Days/ }).click()
    await page.getByRole('button', { name: 'Public link', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Public links to “Harbour Days”' })
    await dialog.getByLabel('Expires').selectOption('7')
    await dialog.getByLabel('Device limit').fill('3')
    await dialog.getByLabel('Password').fill(LINK_PASSWORD)
    await dialog.getByLabel('Allow downloading originals').uncheck()
    await dialog.getByRole('button', { name: 'Create link' }).click()
    // The only link with a device limit, among those the tests before this one made.
    const made = dialog.getByRole('listitem').filter({ hasText: / of 3 devices/ })
    await made.waitFor()
    const url = made.getByLabel('Link URL')
    const linkUrl = await url.inputValue()
    expect(linkUrl).to.match(new RegExp(`^${web.url}/s/[A-Za-z0-9_-]+#[A-Za-z0-9_-]{43}$`))
    expect(await made.textContent()).to.match(/until [\s\S]*password · 0 of 3 devices · no download/)
    // The dialog keeps its settings for the next link; only the password is cleared.
    expect(await dialog.getByLabel('Expires').inputValue()).to.equal('7')
    expect(await dialog.getByLabel('Device limit').inputValue()).to.equal('3')
    expect(await dialog.getByLabel('Allow downloading originals').isChecked()).to.equal(false)
    expect(await dialog.getByLabel('Password').inputValue()).to.equal('')
    await made.getByRole('button', { name: 'Copy' }).click()
    await made.getByRole('button', { name: 'Copied' }).waitFor()
    expect(await page.evaluate(async () => await navigator.clipboard.readText())).to.equal(linkUrl)
    await screenshot(page, 'link-dialog')

    const visiting = await visitor()
    await visiting.page.goto(linkUrl)
    await visiting.page.getByLabel('Password').fill(LINK_PASSWORD)
    await visiting.page.getByRole('button', { name: 'Open' }).click()
    await visiting.page.locator('link-page photo-tile img').nth(1).waitFor()

    await made.getByRole('button', { name: 'Revoke' }).click()
    await made.getByText('Revoked').waitFor()
    // A revoked link says so before asking for its password.
    await visiting.page.reload()
    await visiting.page.getByRole('alert').filter({ hasText: 'This link was revoked' }).waitFor()
    expectNoLeak(ownerRequests, linkUrl, LINK_PASSWORD)
    expectNoLeak(visiting.requests, linkUrl, LINK_PASSWORD)
    await visiting.context.close()
    await context.close()
  })

  it('lets a member leave an album shared with them', async function () {
    await owner.sync()
    await shareCollection(owner, owner.collections.get(album.id) as CollectionState, 'bartholomew', 'viewer')
    const { context, page } = await loggedIn('bartholomew')
    await page.getByRole('link', { name: 'Albums' }).click()
    const sharedList = page.getByRole('list', { name: 'Shared with me' })
    await sharedList.locator('collection-card .role').getByText('Viewer').waitFor()
    await sharedList.getByRole('button', { name: 'Leave Harbour Days' }).click()
    await page.getByRole('dialog', { name: 'Leave “Harbour Days”?' }).getByRole('button', { name: 'Leave' }).click()
    await page.getByText('You left “Harbour Days”').waitFor()
    expect(await sharedList.count()).to.equal(0)
    await owner.sync()
    expect(await listMembers(owner.account, owner.collections.get(album.id) as CollectionState)).to.deep.equal([])
    await context.close()
  })

  it('had no script errors', function () {
    expect(problems).to.deep.equal([])
  })
})
