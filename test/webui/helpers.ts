/**
 * What the browser tests share: the built web UI (built here only when webui/dist is missing or
 * older than webui/src), a real node with the gateway serving that build on 127.0.0.1, Chromium
 * (npm's or Debian's: test/helpers/chromium.ts) through playwright-core with the flags DESIGN.md
 * gives, a recorder of every request the page, its workers and its Service Worker make, with
 * bodies, logging in through the login page, waiting for tiles whose thumbnails really decoded,
 * reading the colours of a decoded picture (the HEIC fixture's red and blue halves), and collecting
 * the Content-Security-Policy violations of a page and its workers.
 */
import { execFile } from 'node:child_process'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { chromium, type Browser, type BrowserContext, type ElementHandle, type Locator, type Page } from 'playwright-core'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { requireChromium } from '../helpers/chromium.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import type { NodeConfigInput } from '../../node/config.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
export const webuiDir = join(root, 'webui/dist')
export const artifacts = join(root, 'test/artifacts')

async function newestMtime (dir: string): Promise<number> {
  let newest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs)
  }
  return newest
}

/** Builds webui/dist unless it is newer than every source file (npm test builds first anyway). */
export async function ensureBuilt (): Promise<void> {
  const built = await stat(join(webuiDir, 'index.html')).then((s) => s.mtimeMs, () => 0)
  const sources = Math.max(await newestMtime(join(root, 'webui/src')), (await stat(join(root, 'webui/index.html'))).mtimeMs)
  if (built > sources) return
  await promisify(execFile)(process.execPath, [join(root, 'bin/run.mjs'), 'build'], { cwd: root })
}

export interface WebNode { url: string, node: TestNode, gateway: Gateway, stop: () => Promise<void> }

/** A real node and a gateway in front of it that serves the built web UI. */
export async function startWebNode (config: Partial<NodeConfigInput> = {}): Promise<WebNode> {
  const node = await startTestNode(config)
  const gateway = await startGateway(node.node, '127.0.0.1', 0, { webuiDir })
  return {
    url: gateway.url,
    node,
    gateway,
    async stop () {
      await gateway.close()
      await node.stop()
    }
  }
}

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

/** Chromium, headless, each launch with a fresh profile (playwright makes a new user-data-dir). */
export async function launchChromium (): Promise<Browser> {
  const found = await requireChromium()
  return await chromium.launch({ executablePath: found.path, env: { ...process.env, ...found.env }, headless: true, args: CHROMIUM_FLAGS })
}

/**
 * Logs in through the login page, with the password `account()` of test/sharing/helpers.ts
 * gives `username`, and waits for the library to open.
 */
export async function logIn (page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/login`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(`${username}-password-1`)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByRole('link', { name: 'Albums' }).waitFor()
}

/** Waits until `count` grid tiles show a thumbnail the browser decoded (not the neutral placeholder). */
export async function waitForDecodedTiles (page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const decoded = await page.locator('photo-tile img').evaluateAll((imgs) => imgs.filter((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).length)
    if (decoded >= count) return
    if (Date.now() > deadline) throw new Error(`${decoded} of ${count} thumbnails decoded after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export interface Halves { width: number, height: number, left: number[], right: number[] }

/**
 * Size and colours (at 20 % and 80 % of the width, mid-height) of an <img> once it decoded. The
 * HEIC fixture is red on its left half and blue on its right: only a real decode gives both.
 */
export async function imageHalves (page: Page, img: ElementHandle | null): Promise<Halves> {
  const drawn = await page.waitForFunction((element) => {
    const image = element as HTMLImageElement | null
    if (image == null || !image.complete || image.naturalWidth === 0) return false
    const canvas = Object.assign(document.createElement('canvas'), { width: image.naturalWidth, height: image.naturalHeight })
    const context = canvas.getContext('2d') as CanvasRenderingContext2D
    context.drawImage(image, 0, 0)
    // (No named helper here: the test runner's transform would wrap it in a function the page lacks.)
    const [left, right] = [0.2, 0.8].map((x) => [...context.getImageData(Math.round(x * canvas.width), canvas.height >> 1, 1, 1).data].slice(0, 3))
    return { width: image.naturalWidth, height: image.naturalHeight, left, right }
  }, img, { timeout: 30_000 })
  return await drawn.jsonValue() as Halves
}

export function expectRedThenBlue ({ left, right }: Pick<Halves, 'left' | 'right'>): void {
  expect(left[0], 'red left half').to.be.greaterThan(200)
  expect(left[2]).to.be.lessThan(60)
  expect(right[2], 'blue right half').to.be.greaterThan(200)
  expect(right[0]).to.be.lessThan(60)
}

export interface Recorded { url: string, method: string, body: Buffer | null, range?: string }

/** Records every request of a context (pages, dedicated workers, service workers) with its body. */
export function recordRequests (context: BrowserContext): Recorded[] {
  const seen: Recorded[] = []
  context.on('request', (request) => { seen.push({ url: request.url(), method: request.method(), body: request.postDataBuffer(), range: request.headers().range }) })
  return seen
}

/** Collects Content-Security-Policy complaints of a page of the app and of its workers. */
export function watchCsp (page: Page, into: string[]): void {
  const note = (where: () => string) => (message: { text: () => string }) => {
    if (/Content.Security.Policy/i.test(message.text())) into.push(`${where()}: ${message.text()}`)
  }
  page.on('console', note(() => page.url()))
  page.on('worker', (worker) => {
    worker.on('console', note(() => `worker ${worker.url()}`))
    // Chromium reports a worker's violations to no console playwright sees; the event it does fire.
    void worker.evaluate(() => {
      self.addEventListener('securitypolicyviolation', (e) => { console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`) })
    }).catch(() => {})
  })
}

export async function screenshot (page: Page, name: string): Promise<string> {
  await mkdir(artifacts, { recursive: true })
  const path = join(artifacts, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** Every place `needle` (as bytes) occurs in the recorded URLs and bodies. */
export function findLeaks (requests: Recorded[], needles: Array<{ what: string, bytes: Buffer }>): string[] {
  const leaks: string[] = []
  for (const request of requests) {
    const url = Buffer.from(decodeURIComponent(request.url))
    for (const { what, bytes } of needles) {
      if (bytes.length === 0) continue
      if (url.includes(bytes) || request.body?.includes(bytes) === true) leaks.push(`${what} in ${request.method} ${request.url}`)
    }
  }
  return leaks
}

/**
 * Opens the viewer on the video tile `name`, starts it muted and waits until it has played past
 * 0.2 s: proof that it streams and decodes. Returns the viewer's <video>.
 */
export async function playVideo (page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: `Video ${name}` }).click()
  const video = page.locator('photo-viewer video')
  await video.waitFor()
  await video.evaluate(async (element: HTMLVideoElement) => {
    element.muted = true
    if (element.readyState < 2) await new Promise((resolve) => { element.addEventListener('loadeddata', resolve, { once: true }) })
    await element.play()
  })
  // The element itself, not a path from obscura-app: the link page shows the same viewer.
  await page.waitForFunction((el) => (el as HTMLVideoElement).currentTime > 0.2, await video.elementHandle(), { timeout: 20_000 })
  return video
}
