/**
 * Stored XSS through decrypted media, attacked the way a collaborator would: Mallory, a
 * collaborator on Olive's album, uploads with her own client items whose manifests claim
 * `text/html` (also spelled `Text/HTML; charset=utf-8`), `image/svg+xml`,
 * `application/xhtml+xml` and `text/javascript`, each carrying a script that would call back
 * (an exposed function, localStorage of the app's origin, a request to `/xss-fired/...`); the
 * HTML one also loads the JavaScript item as a same-origin script, which `script-src 'self'`
 * alone would let through. Olive then opens them in every way the UI and a URL allow: the
 * viewer and its download button, the `/_media/` URLs typed into the address bar (with and
 * without `?download=1`), the viewer without a Service Worker (decrypted Blobs) with every
 * object URL the app made opened in a tab of its own, and the album's public link page, its
 * download and its object URLs. No script of Mallory's runs; every `/_media/` answer carries
 * an allowlisted type or is an attachment, with `nosniff` and a sandbox CSP; Olive's own
 * photo and video still show and play, also when typed as URLs; and the app's own pages log no
 * Content-Security-Policy violation along the way. With blocks in S3 in direct mode, the crypto
 * worker (held to the gateway's CSP, which names the bucket's origin) still reads them straight
 * from the bucket.
 */
import { readFile, rm, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createLink } from '../../src/client/links.ts'
import { shareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { shownMime } from '../../src/client/mime.ts'
import { collectFiles } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { bytesSource } from '../helpers/client.ts'
import { makeJpeg, makeMp4 } from '../helpers/media.ts'
import { account, library, sharedAlbum } from '../sharing/helpers.ts'
import { s3StorageConfig, startTestS3, type TestS3 } from '../s3/helpers.ts'
import { ensureBuilt, launchChromium, logIn, recordRequests, screenshot, startWebNode, waitForDecodedTiles, watchCsp, type Recorded, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

const ALBUM = 'Harbour Walls'

/** A script that reports `what` every way it could: an exposed function, the origin's storage, a request. */
function mark (what: string): string {
  return `(function(){var w=${JSON.stringify(what)};try{window.xssFired(w)}catch(e){}try{localStorage.setItem('xss-fired',w)}catch(e){}try{fetch('/xss-fired/'+w)}catch(e){}})()`
}

/** An item Mallory planted; `label` is its tile's name without the ", added by mallory" the owner's tiles add. */
interface Planted { name: string, mime: string, label: string, id: string, bytes: Buffer }

/** The attacker's items, in upload order (the HTML one names the JavaScript item's id). */
function payloads (jsId: string): Array<Omit<Planted, 'id'>> {
  return [
    { name: 'invoice.html', mime: 'text/html', label: 'File invoice.html', bytes: Buffer.from(`<!doctype html><title>invoice</title><script>${mark('html')}</script><script src="/_media/${jsId}/original"></script>`) },
    { name: 'shout.htm', mime: 'Text/HTML; charset=utf-8', label: 'File shout.htm', bytes: Buffer.from(`<script>${mark('html-mixed-case')}</script>`) },
    { name: 'logo.svg', mime: 'image/svg+xml', label: 'Photo logo.svg', bytes: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>${mark('svg')}</script><rect width="40" height="40" fill="red"/></svg>`) },
    { name: 'page.xhtml', mime: 'application/xhtml+xml', label: 'File page.xhtml', bytes: Buffer.from(`<html xmlns="http://www.w3.org/1999/xhtml"><body><script>${mark('xhtml')}</script></body></html>`) }
  ]
}

/** Opens `url` in a new tab of `context`: a document, a download (what a refused type becomes), or gone (a revoked object URL). */
async function openInTab (context: BrowserContext, url: string): Promise<'document' | 'download' | 'gone'> {
  const tab = await context.newPage()
  try {
    return await tab.goto(url).then(() => 'document' as const, (err: Error) => {
      if (/Download is starting/.test(err.message)) return 'download' as const
      if (url.startsWith('blob:') && /ERR_FILE_NOT_FOUND/.test(err.message)) return 'gone' as const
      throw err
    })
  } finally {
    await tab.close()
  }
}

/** Every object URL a page of `context` makes, with its type (pages only: the worker makes Blobs, pages make URLs). */
async function recordObjectUrls (context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const made: Array<{ url: string, type: string }> = []
    Object.defineProperty(window, '__objectUrls', { value: made })
    const create = URL.createObjectURL.bind(URL)
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = create(object)
      made.push({ url, type: object instanceof Blob ? object.type : 'mediasource' })
      return url
    }
  })
}

/**
 * Opens, each in a tab of its own, the object URLs `page` made since the last call (the way
 * "Open image in new tab" would); answers those typed neither from the allowlist nor as
 * octet-stream, and those of a refused type that opened as a document rather than a download.
 */
async function openNewObjectUrls (page: Page, opened: Set<string>): Promise<string[]> {
  const made = await page.evaluate(() => (window as unknown as { __objectUrls: Array<{ url: string, type: string }> }).__objectUrls.slice())
  const mismatches: string[] = []
  for (const { url, type } of made.filter((m) => !opened.has(m.url))) {
    opened.add(url)
    const outcome = await openInTab(page.context(), url)
    if (type === 'application/octet-stream') {
      if (outcome === 'document') mismatches.push(`an octet-stream object URL opened as a document`)
    } else if (shownMime(type) !== type) {
      mismatches.push(`an object URL of type "${type}" (opened as a ${outcome})`)
    }
  }
  return mismatches
}

async function downloadFromViewer (page: Page, dialog: ReturnType<Page['getByRole']>): Promise<{ name: string, bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download original' }).click()])
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) }
}

describe('web UI: media a collaborator planted runs no script', function () {
  this.timeout(240_000)
  let web: WebNode
  let browser: Browser
  let owner: Library
  let album: CollectionState
  let fixtures: string
  let planted: Planted[]
  let photoId: string
  let videoId: string
  const fired: string[] = []
  const cspProblems: string[] = []
  const requests: Recorded[][] = []

  /** A context logged in as Olive that records script callbacks and requests; `serviceWorkers: 'block'` forces Blob URLs. */
  async function ownerContext (serviceWorkers: 'allow' | 'block'): Promise<{ context: BrowserContext, page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, serviceWorkers })
    await context.exposeBinding('xssFired', (_source, what: string) => { fired.push(what) })
    await recordObjectUrls(context)
    requests.push(recordRequests(context))
    const page = await context.newPage()
    page.on('dialog', (dialog) => { fired.push(`dialog: ${dialog.message()}`); void dialog.dismiss() })
    watchCsp(page, cspProblems)
    await logIn(page, web.url, 'olive')
    return { context, page }
  }

  async function openAlbum (page: Page): Promise<void> {
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByRole('link', { name: new RegExp(`^${ALBUM}`) }).click()
    await page.getByRole('heading', { name: ALBUM }).waitFor()
  }

  /** Opens item `label` in the viewer and waits until it shows something (a picture, a player or the file panel). */
  async function openViewer (page: Page, label: string): Promise<ReturnType<Page['getByRole']>> {
    await page.getByRole('button', { name: label, exact: true }).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.file, img:not(.placeholder), video').first().waitFor()
    return dialog
  }

  async function closeViewer (page: Page): Promise<void> {
    await page.keyboard.press('Escape')
    await page.locator('photo-viewer').waitFor({ state: 'detached' })
  }

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-security-'))
    await makeJpeg(join(fixtures, 'quay.jpg'))
    await makeMp4(join(fixtures, 'gulls.mp4'))
    web = await startWebNode({ accounts: { openSignup: true } })
    owner = await library(await account(web.url, 'olive'))
    album = await owner.ensureAlbum(ALBUM)
    await uploadFiles(owner, await collectFiles([fixtures]), { targets: [album], media: createNodeMediaProcessor() })
    const items = [...album.items.values()]
    photoId = items.find((i) => i.name === 'quay.jpg')?.id as string
    videoId = items.find((i) => i.name === 'gulls.mp4')?.id as string
    const malloryAccount = await account(web.url, 'mallory')
    await shareCollection(owner, album, 'mallory', 'collaborator')

    // Mallory's own client, writing whatever type it likes into the manifests.
    const mallory = await library(malloryAccount)
    const shared = await sharedAlbum(mallory, ALBUM)
    const upload = async (name: string, mime: string, bytes: Buffer): Promise<string> => {
      const result = await uploadFiles(mallory, [{ ...bytesSource(name, new Uint8Array(bytes)), mime }], { targets: [shared] })
      return result.items[0] as string
    }
    const js = { name: 'helper.js', mime: 'text/javascript', label: 'File helper.js', bytes: Buffer.from(mark('js-as-script')) }
    planted = [{ ...js, id: await upload(js.name, js.mime, js.bytes) }]
    for (const item of payloads(planted[0]?.id as string)) planted.push({ ...item, id: await upload(item.name, item.mime, item.bytes) })
    await owner.sync()
    browser = await launchChromium()
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  beforeEach(function () {
    fired.length = 0
    cspProblems.length = 0
    requests.length = 0
  })

  /**
   * The verdict, asked at the end of each test before anything else is checked, so that a run on
   * code that lets a script through fails on the script, not on a header checked earlier.
   */
  async function expectNoScriptRan (page: Page, mismatches: string[]): Promise<void> {
    const stored = await page.evaluate(() => localStorage.getItem('xss-fired'))
    const callbacks = requests.flat().filter((r) => r.url.includes('/xss-fired/')).map((r) => r.url)
    expect({ fired, stored, callbacks }, 'scripts of the planted items that ran').to.deep.equal({ fired: [], stored: null, callbacks: [] })
    expect(cspProblems, 'CSP violations on the app\'s own pages').to.deep.equal([])
    expect(mismatches).to.deep.equal([])
  }

  function check (mismatches: string[], ok: boolean, what: string): void {
    if (!ok) mismatches.push(what)
  }

  it('shows the planted items in the viewer as files, downloads them as attachments, and still shows real photos', async function () {
    const { context, page } = await ownerContext('allow')
    const mismatches: string[] = []
    await page.waitForFunction(() => navigator.serviceWorker.controller != null)
    await openAlbum(page)
    await waitForDecodedTiles(page, 2)
    await screenshot(page, 'security-album')
    const photo = await openViewer(page, 'Photo quay.jpg')
    const width = await photo.locator('img:not(.placeholder)').evaluate(async (img: HTMLImageElement) => { await img.decode(); return img.naturalWidth })
    expect(width, 'the owner\'s photo decodes in the viewer').to.be.greaterThan(0)
    await screenshot(page, 'security-viewer-photo')
    await closeViewer(page)
    for (const item of planted) {
      const dialog = await openViewer(page, `${item.label}, added by mallory`)
      check(mismatches, await dialog.locator('.file').count() === 1, `${item.name} is shown as a file, not rendered`)
      const saved = await downloadFromViewer(page, dialog)
      expect(saved.name).to.equal(item.name)
      expect(saved.bytes.equals(item.bytes), `${item.name} downloads byte for byte`).to.equal(true)
      await closeViewer(page)
    }
    await expectNoScriptRan(page, mismatches)
    await context.close()
  })

  it('answers /_media/ URLs typed into the address bar with an attachment, never a document, for refused types', async function () {
    const { context, page } = await ownerContext('allow')
    const mismatches: string[] = []
    await page.waitForFunction(() => navigator.serviceWorker.controller != null)
    for (const item of planted) {
      for (const suffix of ['', '?download=1']) {
        const outcome = await openInTab(context, `${web.url}/_media/${item.id}/original${suffix}`)
        check(mismatches, outcome === 'download', `${item.name}${suffix} opened as a ${outcome}`)
      }
      const headers = await page.evaluate(async (url) => Object.fromEntries((await fetch(url)).headers), `/_media/${item.id}/original`)
      check(mismatches, headers['content-type'] === 'application/octet-stream', `${item.name} served as ${headers['content-type']}`)
      check(mismatches, /^attachment;/.test(headers['content-disposition'] ?? ''), `${item.name} not an attachment`)
      check(mismatches, headers['x-content-type-options'] === 'nosniff', `${item.name} without nosniff`)
      check(mismatches, headers['content-security-policy'] === "sandbox; default-src 'none'", `${item.name} with CSP ${headers['content-security-policy']}`)
    }
    await expectNoScriptRan(page, mismatches)
    await context.close()
  })

  it('still shows a photo and plays a video opened by their /_media/ URLs, sandboxed', async function () {
    const { context, page } = await ownerContext('allow')
    await page.waitForFunction(() => navigator.serviceWorker.controller != null)
    const headers = await page.evaluate(async (url) => Object.fromEntries((await fetch(url)).headers), `/_media/${photoId}/original`)
    expect(headers['content-type']).to.equal('image/jpeg')
    expect(headers['x-content-type-options']).to.equal('nosniff')
    expect(headers['content-security-policy']).to.match(/^sandbox; default-src 'none'/)
    expect(headers['content-disposition']).to.equal(undefined)
    const tab = await context.newPage()
    await tab.goto(`${web.url}/_media/${photoId}/original`)
    expect(await tab.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).to.be.greaterThan(0)
    await screenshot(tab, 'security-typed-photo')
    await tab.goto(`${web.url}/_media/${videoId}/original`)
    await tab.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2, undefined, { timeout: 20_000 })
    await tab.close()
    await expectNoScriptRan(page, [])
    await context.close()
  })

  it('without a Service Worker makes object URLs only of allowlisted types or octet-stream, none of which runs script', async function () {
    const { context, page } = await ownerContext('block')
    const mismatches: string[] = []
    await openAlbum(page)
    const photo = await openViewer(page, 'Photo quay.jpg')
    expect(await photo.locator('img:not(.placeholder)').getAttribute('src')).to.match(/^blob:/)
    await closeViewer(page)
    const opened = new Set<string>()
    for (const item of planted) {
      const dialog = await openViewer(page, `${item.label}, added by mallory`)
      mismatches.push(...await openNewObjectUrls(page, opened))
      const saved = await downloadFromViewer(page, dialog)
      expect(saved.bytes.equals(item.bytes), `${item.name} downloads byte for byte`).to.equal(true)
      mismatches.push(...await openNewObjectUrls(page, opened))
      await closeViewer(page)
    }
    expect(opened.size, 'object URLs opened').to.be.greaterThan(planted.length)
    await expectNoScriptRan(page, mismatches)
    await context.close()
  })

  it('on the public link page shows, saves and opens the planted items without running them', async function () {
    const link = await createLink(owner, album)
    const { context, page } = await ownerContext('allow')
    const mismatches: string[] = []
    await page.goto(link.url)
    await page.getByRole('heading', { name: ALBUM }).waitFor()
    const opened = new Set<string>()
    for (const item of planted) {
      // The link page shows the album in the app's grid and viewer; its tiles name no adder.
      const dialog = await openViewer(page, item.label)
      check(mismatches, await dialog.locator('.file').count() === 1, `${item.name} is shown as a file, not rendered`)
      mismatches.push(...await openNewObjectUrls(page, opened))
      const saved = await downloadFromViewer(page, dialog)
      expect(saved.bytes.equals(item.bytes), `${item.name} saved byte for byte`).to.equal(true)
      mismatches.push(...await openNewObjectUrls(page, opened))
      await closeViewer(page)
    }
    await expectNoScriptRan(page, mismatches)
    await context.close()
  })
})

describe('web UI: the app\'s CSP with blocks read straight from S3', function () {
  this.timeout(180_000)
  let s3: TestS3
  let web: WebNode
  let browser: Browser

  before(async function () {
    await ensureBuilt()
    s3 = await startTestS3()
    web = await startWebNode({ storage: s3StorageConfig(s3, { direct: 'authorised' }), accounts: { openSignup: true } })
    const owner = await library(await account(web.url, 'olive'))
    const folder = await mkdtemp(join(tmpdir(), 'obscura-webui-security-s3-'))
    await makeJpeg(join(folder, 'pier.jpg'))
    await uploadFiles(owner, await collectFiles([folder]), { targets: [owner.root], media: createNodeMediaProcessor() })
    await rm(folder, { recursive: true, force: true })
    browser = await launchChromium()
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    await s3?.destroy()
  })

  it('lets the crypto worker fetch blocks from the bucket, and from nowhere else', async function () {
    const csp = (await fetch(`${web.url}/login`)).headers.get('content-security-policy') ?? ''
    expect(csp).to.match(new RegExp(`connect-src 'self' ${new URL(s3.endpoint).origin}(;|$)`))
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const requests = recordRequests(context)
    const page = await context.newPage()
    const problems: string[] = []
    watchCsp(page, problems)
    await logIn(page, web.url, 'olive')
    await waitForDecodedTiles(page, 1)
    const origins = new Set(requests.filter((r) => /^https?:/.test(r.url)).map((r) => new URL(r.url).origin))
    expect([...origins].sort()).to.deep.equal([new URL(s3.endpoint).origin, web.url].sort())
    expect(requests.filter((r) => r.url.startsWith(s3.endpoint)).length, 'block reads from the bucket').to.be.greaterThan(0)
    expect(requests.filter((r) => r.url.includes('/api/v1/blocks/')).map((r) => r.url), 'block reads that fell back to the gateway').to.deep.equal([])
    expect(problems).to.deep.equal([])
    await context.close()
  })
})
