/**
 * An album another user of the node shares with you, opened in the web gallery in Debian's
 * chromium against a real node and gateway. The owner uploads a photo, a PNG and a video into
 * an album with the command line's media pipeline and shares it; the member opens it from
 * "Shared with me", sees its thumbnails decrypted with the album's shared key, opens the viewer
 * (a photo, a video that streams), and downloads an original byte for byte. The album's photos
 * stay out of the member's own timeline and trash. A viewer gets no upload button, and files
 * they drop there are refused; once the owner makes them a collaborator, a photo they upload on
 * the album's page lands in the owner's album, and not in their own timeline. A selection of its
 * photos can be downloaded (and nothing else), the owner's favorites show no heart to the member,
 * and the album's thumbnails and details leave the member's local cache when they leave it or
 * when the owner removes them. An album of another node opens the same way through the member's
 * node, and a collaborator's upload there reaches the album on its home node.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { createInvitationText, shareWithInvitation } from '../../src/client/federation.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { makeJpeg, makeMp4, makePng } from '../helpers/media.ts'
import { account, library, uploadOne } from '../sharing/helpers.ts'
import { unzip } from '../helpers/unzip.ts'
import { ensureBuilt, launchChromium, logIn, playVideo, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

const ALBUM = 'Tidal Pools'
const SHARED = ['anemone.jpg', 'starfish.png', 'tide.mp4']

/** The album page of `name`, opened from the Albums page's "Shared with me" list. */
async function openShared (page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: 'Albums' }).click()
  await page.getByRole('list', { name: 'Shared with me' }).getByRole('link', { name }).click()
  await page.getByRole('heading', { name }).waitFor()
}

/** A logged-in page in a fresh context of `browser`, whose script errors land in `problems`. */
async function memberPage (browser: Browser, url: string, username: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  const page = await context.newPage()
  page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
  await logIn(page, url, username)
  return page
}

/** Polls `read` until `check` holds, or fails with what it last saw. */
async function until<T> (what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Which of `ids` have a thumbnail, and which details, in the user's sealed local cache (IndexedDB `obscura-<user id>`). */
async function cachedIds (page: Page, userId: string, ids: string[]): Promise<{ thumbs: string[], meta: string[] }> {
  return await page.evaluate(async ({ name, ids }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name)
      request.onsuccess = () => { resolve(request.result) }
      request.onerror = () => { reject(request.error) }
    })
    const [thumbs, meta] = await Promise.all(['thumbs', 'meta'].map(async (store) => await new Promise<IDBValidKey[]>((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAllKeys()
      request.onsuccess = () => { resolve(request.result) }
      request.onerror = () => { reject(request.error) }
    })))
    db.close()
    return { thumbs: ids.filter((id) => thumbs?.includes(id)), meta: ids.filter((id) => meta?.includes(id)) }
  }, { name: `obscura-${userId}`, ids })
}

/** Downloads the original of the item shown in the viewer; its bytes. */
async function downloadShown (page: Page): Promise<{ name: string, bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('dialog').getByRole('button', { name: 'Download original' }).click()])
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) }
}

describe('web UI: an album shared with you', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let owner: Library
  let album: CollectionState
  let rocks: CollectionState
  let memberId: string
  let fixtures: string
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-shared-'))
    const albumDir = join(fixtures, 'album')
    await mkdir(albumDir)
    await makeJpeg(join(albumDir, SHARED[0] as string))
    await makePng(join(albumDir, SHARED[1] as string))
    await makeMp4(join(albumDir, SHARED[2] as string))
    await makePng(join(fixtures, 'crab.png'))
    web = await startWebNode({ accounts: { openSignup: true } })
    owner = await library(await account(web.url, 'ondine'))
    album = await owner.ensureAlbum(ALBUM)
    await uploadFiles(owner, await collectFiles([albumDir]), { targets: [album], media: createNodeMediaProcessor() })
    const anemone = [...album.items.values()].find((i) => i.name === SHARED[0])
    await owner.commit(album, [{ op: 'flag', item: anemone?.id as string, flag: 'favorite', value: true }])
    rocks = await owner.ensureAlbum('Rock Pools')
    await uploadFiles(owner, await collectFiles([join(fixtures, 'crab.png')]), { targets: [rocks], media: createNodeMediaProcessor() })
    const member = await library(await account(web.url, 'marius'))
    memberId = member.account.user.id
    await uploadOne(member, member.root, 'own-photo.bin')
    await shareCollection(owner, album, 'marius', 'viewer')
    await shareCollection(owner, rocks, 'marius', 'viewer')
    browser = await launchChromium()
    page = await memberPage(browser, web.url, 'marius', problems)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('opens the album from "Shared with me" and shows its thumbnails decrypted', async function () {
    await openShared(page, ALBUM)
    await page.getByText('3 items · shared by ondine · you can view').waitFor()
    await waitForDecodedTiles(page, SHARED.length)
    expect(await page.locator('photo-tile').count()).to.equal(SHARED.length)
    expect(await page.getByRole('button', { name: 'Upload', exact: true }).count(), 'a viewer gets no upload button').to.equal(0)
    await screenshot(page, 'shared-album')
  })

  it('shows no heart on a photo the owner marked as a favorite: it is not the member’s favorite', async function () {
    expect(await page.locator('photo-tile .badge.fav').count()).to.equal(0)
  })

  it('downloads a selection as one zip of the originals, or saves it to one’s library: nothing else', async function () {
    const tiles = page.locator('photo-tile')
    const chosen = [SHARED[0], SHARED[1]] as string[]
    for (const name of chosen) await tiles.filter({ has: page.getByRole('button', { name: `Photo ${name}` }) }).getByRole('button', { name: 'Select' }).click()
    const bar = page.locator('selection-bar')
    await bar.getByText('2 selected').waitFor()
    expect(await bar.getByRole('button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')).sort())).to.deep.equal(['Clear selection', 'Download', 'Save to library'])
    const [download] = await Promise.all([page.waitForEvent('download'), bar.getByRole('button', { name: 'Download' }).click()])
    expect(download.suggestedFilename()).to.equal(`${ALBUM}.zip`)
    const saved = new Map(unzip(await readFile(await download.path())).map((e) => [e.name, e.bytes]))
    expect([...saved.keys()].sort()).to.deep.equal([...chosen].sort())
    for (const name of chosen) expect(saved.get(name)?.equals(await readFile(join(fixtures, 'album', name))), name).to.equal(true)
    await page.getByText('3 items · shared by ondine').waitFor()
  })

  it('shows a photo in the viewer, offering no changes to someone else’s item, and downloads its original byte for byte', async function () {
    await page.getByRole('button', { name: `Photo ${SHARED[0] as string}` }).click()
    const viewer = page.getByRole('dialog', { name: SHARED[0] })
    await page.waitForFunction(() => {
      const shown = document.querySelector('obscura-app')?.shadowRoot?.querySelector('photo-viewer')?.shadowRoot?.querySelector<HTMLImageElement>('img:not(.placeholder)')
      return shown != null && shown.complete && shown.naturalWidth === 96
    })
    for (const absent of ['Favorite', 'Add to album', 'Archive', 'Move to trash']) expect(await viewer.getByRole('button', { name: absent }).count(), absent).to.equal(0)
    await screenshot(page, 'shared-album-viewer')
    const { name, bytes } = await downloadShown(page)
    expect(name).to.equal(SHARED[0])
    expect(bytes.equals(await readFile(join(fixtures, 'album', SHARED[0] as string)))).to.equal(true)
    await page.keyboard.press('Escape')
  })

  it('plays a video of the shared album while it streams', async function () {
    await playVideo(page, SHARED[2] as string)
    await page.keyboard.press('Escape')
  })

  it('keeps the shared album’s items out of your own timeline and trash', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    await page.getByRole('button', { name: 'File own-photo.bin' }).waitFor()
    expect(await page.locator('photo-tile').count()).to.equal(1)
    await page.getByRole('link', { name: 'Trash' }).click()
    await page.getByRole('heading', { name: 'Trash is empty' }).waitFor()
  })

  it('refuses files dropped on the album while you may only view it', async function () {
    await openShared(page, ALBUM)
    await page.locator('input#files').setInputFiles(join(fixtures, 'crab.png'))
    await page.getByRole('alert').filter({ hasText: 'only collaborators can add to it' }).waitFor()
    await owner.sync()
    expect(album.items.size).to.equal(SHARED.length)
  })

  it('lets a collaborator upload into the album, where the owner finds the photo', async function () {
    await owner.sync()
    await shareCollection(owner, album, 'marius', 'collaborator')
    await page.reload()
    await page.getByRole('link', { name: 'Albums' }).waitFor()
    await openShared(page, ALBUM)
    await page.getByText('3 items · shared by ondine · you can add photos').waitFor()
    const crab = join(fixtures, 'crab.png')
    await page.locator('input#files').setInputFiles(crab)
    await page.getByText('Upload complete').waitFor({ timeout: 60_000 })
    await page.getByText('4 items · shared by ondine').waitFor()
    await waitForDecodedTiles(page, SHARED.length + 1)
    await screenshot(page, 'shared-album-collaborator-upload')

    await owner.sync()
    const added = [...album.items.values()].find((i) => i.name === 'crab.png')
    expect(added, 'the owner’s album has the photo').to.not.equal(undefined)
    expect(Buffer.from(await readItem(owner, album, added as NonNullable<typeof added>)).equals(await readFile(crab))).to.equal(true)

    await page.getByRole('link', { name: 'Photos' }).click()
    await page.getByRole('button', { name: 'File own-photo.bin' }).waitFor()
    // The uploader finds what they added in their own library too (issue 17 item 4, as Google Photos does).
    await page.getByRole('button', { name: 'Photo crab.png' }).waitFor()
    expect(await page.locator('photo-tile').count(), 'the member’s own photo and the one they added').to.equal(2)
  })

  it('forgets the album’s cached thumbnails and details when the owner removes you, at the next sync', async function () {
    await openShared(page, 'Rock Pools')
    await waitForDecodedTiles(page, 1)
    const ids = [...rocks.items.keys()]
    await until('thumbnail cached', async () => await cachedIds(page, memberId, ids), (c) => c.thumbs.length === 1)
    await unshareCollection(owner, rocks, 'marius')
    await page.reload()
    await page.getByRole('heading', { name: 'Not shared with you' }).waitFor()
    await until('cache after removal', async () => await cachedIds(page, memberId, ids), (c) => c.thumbs.length === 0 && c.meta.length === 0)
  })

  it('forgets the album’s cached thumbnails and details when you leave it', async function () {
    await owner.sync()
    // What the member added is theirs too (in their library), so it stays cached; the owner's photos go.
    const ids = [...album.items.keys()].filter((id) => album.items.get(id)?.name !== 'crab.png')
    await openShared(page, ALBUM)
    await waitForDecodedTiles(page, ids.length + 1)
    await page.getByRole('button', { name: `Photo ${SHARED[0] as string}` }).click()
    await page.getByRole('dialog', { name: SHARED[0] }).waitFor()
    const anemone = ids.find((id) => album.items.get(id)?.name === SHARED[0])
    await until('cached', async () => await cachedIds(page, memberId, ids), (c) => c.thumbs.length === ids.length && c.meta.includes(anemone as string))
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Leave' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Leave' }).click()
    await page.getByRole('heading', { name: 'Albums', exact: true }).waitFor()
    await until('cache after leaving', async () => await cachedIds(page, memberId, ids), (c) => c.thumbs.length === 0 && c.meta.length === 0)
  })

  it('had no script errors', function () {
    expect(problems).to.deep.equal([])
  })
})

describe('web UI: an album shared with you from another node', function () {
  this.timeout(120_000)
  let home: TestNode
  let web: WebNode
  let browser: Browser
  let page: Page
  let owner: Library
  let album: CollectionState
  let fixtures: string
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-federated-'))
    await makeJpeg(join(fixtures, 'ferry.jpg'))
    await makePng(join(fixtures, 'gull.png'))
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 5 } }
    home = await startTestNode(config)
    web = await startWebNode(config)
    owner = await library(await account(home.url, 'alba'))
    album = await owner.ensureAlbum('Ferry Crossing')
    await uploadFiles(owner, await collectFiles([join(fixtures, 'ferry.jpg')]), { targets: [album], media: createNodeMediaProcessor() })
    const member = await account(web.url, 'benedikt')
    await shareWithInvitation(owner, album, await createInvitationText(member), 'collaborator')
    browser = await launchChromium()
    page = await memberPage(browser, web.url, 'benedikt', problems)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    await home?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('opens it through the member’s own node, decrypts its thumbnail and downloads its original', async function () {
    await openShared(page, 'Ferry Crossing')
    await page.getByText('1 item · shared by alba · you can add photos').waitFor()
    await waitForDecodedTiles(page, 1)
    await page.getByRole('button', { name: 'Photo ferry.jpg' }).click()
    const { bytes } = await downloadShown(page)
    expect(bytes.equals(await readFile(join(fixtures, 'ferry.jpg')))).to.equal(true)
    await page.keyboard.press('Escape')
  })

  it('adds a collaborator’s upload to the album on its home node', async function () {
    await page.locator('input#files').setInputFiles(join(fixtures, 'gull.png'))
    await page.getByText('Upload complete').waitFor({ timeout: 60_000 })
    await page.getByText('2 items · shared by alba').waitFor()
    await waitForDecodedTiles(page, 2)
    await owner.sync()
    const added = [...album.items.values()].find((i) => i.name === 'gull.png')
    expect(added, 'the album on its home node has the photo').to.not.equal(undefined)
    expect(Buffer.from(await readItem(owner, album, added as NonNullable<typeof added>)).equals(await readFile(join(fixtures, 'gull.png')))).to.equal(true)
  })

  it('had no script errors', function () {
    expect(problems).to.deep.equal([])
  })
})
