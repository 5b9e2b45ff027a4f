/**
 * The web UI says when direct S3 uploads fell back to the node's gateway: a bucket without the
 * CORS rule refuses the browser's PUTs (the preflight fails), every block goes through the
 * gateway instead, the upload still completes, and the upload panel shows fallbackNote's line
 * (src/client/blocks.ts) with the reason, as the CLI prints it. Reads (the viewer, a download)
 * fall back the same way and the page says so once, in a toast.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import { DEV_CREDENTIALS } from '../../node/cli/commands/s3-dev.ts'
import { makePng } from '../helpers/media.ts'
import { account } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, logIn, recordRequests, screenshot, startWebNode, type WebNode } from './helpers.ts'

describe('web UI: a note when direct S3 transfers fall back to the gateway', function () {
  this.timeout(180_000)
  let folder: string
  let s3: { endpoint: string, close: () => Promise<void> }
  let web: WebNode
  let browser: Browser

  before(async function () {
    await ensureBuilt()
    folder = await mkdtemp(join(tmpdir(), 'obscura-webui-note-'))
    const S3rver = (await import('@20minutes/s3rver')).default
    // The development server as `obscura s3-dev` runs it, but with no CORS rule on the bucket.
    const server = new S3rver({ address: '127.0.0.1', port: 0, directory: join(folder, 's3'), silent: true, vhostBuckets: false, configureBuckets: [{ name: 'obscura', configs: [] }] })
    const address = await server.run()
    s3 = {
      endpoint: `http://127.0.0.1:${address.port}`,
      close: async () => {
        server.httpServer?.removeAllListeners('close')
        const closed = server.close()
        server.httpServer?.closeAllConnections()
        await closed
      }
    }
    web = await startWebNode({
      storage: { type: 's3', endpoint: s3.endpoint, bucket: 'obscura', ...DEV_CREDENTIALS, direct: 'authorised' },
      accounts: { openSignup: true }
    })
    await account(web.url, 'nora')
    await makePng(join(folder, 'harbour.png'))
    browser = await launchChromium()
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    await s3?.close()
    if (folder != null) await rm(folder, { recursive: true, force: true })
  })

  it('uploads through the gateway and says why in the upload panel', async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const requests = recordRequests(context)
    const page = await context.newPage()
    await logIn(page, web.url, 'nora')
    await page.locator('input#files').setInputFiles(join(folder, 'harbour.png'))
    await page.getByText('1 uploaded', { exact: true }).waitFor({ timeout: 60_000 })
    const note = page.getByRole('note', { name: 'Transfer note' })
    await note.waitFor()
    expect(await note.isVisible()).to.equal(true)
    const text = await note.innerText()
    expect(text).to.match(/^Note: direct S3 transfers failed \(uploading to the bucket: .+\); \d+ blocks? went through the node's gateway instead\.$/)
    await screenshot(page, 'upload-transfer-note')
    expect(requests.some((r) => r.method === 'PUT' && r.url.includes('/api/v1/blocks/')), 'blocks sent through the gateway').to.equal(true)
    await context.close()
  })

  it('says so in a toast when the viewer and a download read through the gateway', async function () {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    const page = await context.newPage()
    await logIn(page, web.url, 'nora')
    await page.getByRole('button', { name: /^Photo harbour\.png/ }).click()
    const dialog = page.getByRole('dialog', { name: 'harbour.png' })
    await dialog.waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download original' }).click()])
    expect(await download.failure()).to.equal(null)
    const toast = page.getByRole('status').getByText(/^Note: direct S3 transfers failed \(reading from the bucket: .+\); \d+ blocks? went through the node's gateway instead\.$/)
    await toast.waitFor()
    expect(await toast.isVisible()).to.equal(true)
    await context.close()
  })
})
