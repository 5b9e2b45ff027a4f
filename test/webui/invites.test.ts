/**
 * The admin's invites in Settings, in chromium: each code is listed with its expiry and can be
 * copied again or revoked; a used one says who used it. And an album's members get a role picker
 * in the share dialog.
 */
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { listMembers, shareCollection } from '../../src/client/sharing.ts'
import { signup } from '../helpers/signup.ts'
import { account, library } from '../sharing/helpers.ts'
import { ensureBuilt, launchChromium, logIn, screenshot, startWebNode, type WebNode } from './helpers.ts'
import type { Library } from '../../src/client/library.ts'

describe('web UI: invites and member roles in chromium', function () {
  this.timeout(120_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let owner: Library

  before(async function () {
    await ensureBuilt()
    web = await startWebNode()
    const alice = await account(web.url, 'alice')
    owner = await library(alice)
    const { code } = await alice.api.createInvite()
    await signup(web.url, 'bob', 'bob-password-1', { invite: code })
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url })
    page = await context.newPage()
    await logIn(page, web.url, 'alice')
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
  })

  it('lists invites with their state, copies an open code again and revokes it', async function () {
    await page.getByRole('link', { name: 'Settings' }).click()
    const section = page.getByRole('region', { name: 'Invites' })
    await section.getByText('Used by bob').waitFor()
    await section.getByRole('button', { name: 'Create invite code' }).click()
    const code = section.locator('code')
    await code.waitFor()
    const text = (await code.textContent()) ?? ''
    expect(text).to.match(/^[1-9A-HJ-NP-Za-km-z]{22,25}$/)
    await section.getByText(/Open · expires in 7 days/).waitFor()
    await section.getByRole('button', { name: 'Copy' }).click()
    expect(await page.evaluate(async () => await navigator.clipboard.readText())).to.equal(text)
    await screenshot(page, 'settings-invites')
    await section.getByRole('button', { name: /^Revoke invite/ }).click()
    await section.locator('code').waitFor({ state: 'detached' })
    const refused = await fetch(`${web.url}/api/v1/admin/invites`, { headers: { authorization: `Bearer ${owner.account.api.token ?? ''}` } })
    const { invites } = await refused.json() as { invites: Array<{ code?: string }> }
    expect(invites.some((i) => i.code === text)).to.equal(false)
  })

  it("changes a member's role from the share dialog", async function () {
    const album = await owner.ensureAlbum('Harbour')
    await shareCollection(owner, album, 'bob', 'viewer')
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByText('Harbour').first().click()
    await page.getByRole('button', { name: 'Share', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Share “Harbour”' })
    await dialog.getByRole('combobox', { name: 'Role of bob' }).selectOption('collaborator')
    let role = ''
    for (let i = 0; i < 50 && role !== 'collaborator'; i++) {
      role = (await listMembers(owner.account, album)).find((m) => m.username === 'bob')?.role ?? ''
      if (role !== 'collaborator') await page.waitForTimeout(100)
    }
    expect(role).to.equal('collaborator')
    await screenshot(page, 'share-dialog-roles')
  })
})
