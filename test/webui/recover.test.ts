/**
 * The password reset with the recovery key in Debian's chromium, against a real node: from the
 * login page's "forgot your password" link, a wrong key is refused in words, the right one sets a
 * new password (the crypto in the worker), opens the same library, and ends the sessions the
 * account had. Neither the recovery key nor the new password is ever sent to the node.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { login } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { ApiError } from '../../src/client/errors.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { call } from '../helpers/http.ts'
import { ensureBuilt, findLeaks, launchChromium, recordRequests, screenshot, startWebNode, type Recorded, type WebNode } from './helpers.ts'

const USER = 'ottoline'
const ALBUM = 'Album Recovered Heron'
const NEW_PASSWORD = 'Pw-Lantern-Walrus-9021'

describe('web UI password reset with the recovery key', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let requests: Recorded[]
  let recoveryKey: string
  let otherKey: string
  let oldToken: string
  const problems: string[] = []

  before(async function () {
    await ensureBuilt()
    web = await startWebNode({ accounts: { openSignup: true } })
    const created = await signup(web.url, USER, 'ottoline-old-password')
    recoveryKey = created.recoveryKey
    oldToken = created.account.api.token as string
    otherKey = (await signup(web.url, 'someone-else', 'someone-else-password')).recoveryKey
    const library = await openLibrary(created.account)
    const album = await library.ensureAlbum(ALBUM)
    await uploadFiles(library, [bytesSource('heron.bin', new Uint8Array(randomBytes(50_000)))], { targets: [album] })
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    requests = recordRequests(context)
    page = await context.newPage()
    page.on('pageerror', (err) => { problems.push(`page error: ${err.message}`) })
    page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) problems.push(message.text()) })
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
  })

  async function fill (key: string): Promise<void> {
    await page.getByLabel('Username').fill(USER)
    await page.getByLabel('Recovery key').fill(key)
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: 'Set new password and log in' }).click()
  }

  it('refuses a wrong recovery key in words', async function () {
    await page.goto(`${web.url}/login`)
    await page.getByRole('link', { name: 'Forgot your password? Use your recovery key' }).click()
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor()
    await fill(otherKey)
    await page.getByText('Wrong username or recovery key.').waitFor()
    await screenshot(page, 'recover-wrong-key')
  })

  it('sets a new password with the right key and opens the same library', async function () {
    await fill(recoveryKey)
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByRole('link', { name: new RegExp(ALBUM) }).waitFor()
    await screenshot(page, 'recover-done')
    expect((await call(web.url, 'GET', '/api/v1/me', { token: oldToken })).status).to.equal(401)
    let old: unknown
    try {
      await login(web.url, USER, 'ottoline-old-password')
    } catch (err) {
      old = err
    }
    expect((old as ApiError)?.code).to.equal('LOGIN_FAILED')
    expect((await login(web.url, USER, NEW_PASSWORD)).user.username).to.equal(USER)
  })

  it('sent neither the recovery key nor the new password to the node', async function () {
    expect(requests.some((r) => r.url.endsWith('/api/v1/auth/recover'))).to.equal(true)
    expect(findLeaks(requests, [
      { what: 'recovery key', bytes: Buffer.from(recoveryKey) },
      { what: 'recovery key without dashes', bytes: Buffer.from(recoveryKey.replace(/-/g, '')) },
      { what: 'new password', bytes: Buffer.from(NEW_PASSWORD) }
    ])).to.deep.equal([])
  })

  it('ran without a script error or a Content-Security-Policy violation', async function () {
    expect(problems).to.deep.equal([])
  })
})
