/**
 * Choosing photos in the gallery, in chromium: shift-click selects a range, a day's check selects
 * the day, Escape clears, every action clears the selection, and the toast of each reversible
 * action (favorite, archive, trash, add to and remove from an album, move) undoes it. Also: trash
 * tiles say how many days they have left, an empty album offers "Add photos" (a picker of the
 * library), and the drop overlay reads over thumbnails. Screenshots of each state go to
 * test/artifacts/selection-*.png.
 */
import { mkdtemp, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { login } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { trashItems } from '../../src/client/trash.ts'
import { openLibrary } from '../helpers/client.ts'
import { makePng } from '../helpers/media.ts'
import { ensureBuilt, launchChromium, logIn, screenshot, startWebNode, waitForDecodedTiles, type WebNode } from './helpers.ts'

const USER = 'selma'
const DAY = 24 * 3600 * 1000

describe('web UI selection, undo and gallery details in chromium', function () {
  this.timeout(180_000)
  let web: WebNode
  let browser: Browser
  let page: Page
  let fixtures: string
  const names = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png']

  const tile = (index: number) => page.locator(`photo-tile[data-index="${index}"]`)
  const selectTile = async (index: number): Promise<void> => {
    await tile(index).hover()
    await tile(index).getByRole('button', { name: 'Select' }).click()
  }
  const selectionBar = () => page.locator('selection-bar')
  const undo = async (): Promise<void> => {
    await page.locator('.toast').getByRole('button', { name: 'Undo' }).last().click()
    await page.locator('.toast', { hasText: 'Undone' }).last().waitFor()
  }
  const subtitle = (text: string) => page.locator('item-browser .sub', { hasText: new RegExp(`^${text}$`) }).waitFor()

  before(async function () {
    await ensureBuilt()
    fixtures = await mkdtemp(join(tmpdir(), 'obscura-webui-select-'))
    // One day, a minute apart, so that the grid's order is a, b, c, d, e from newest.
    for (const [i, name] of names.entries()) {
      await makePng(join(fixtures, name))
      const at = new Date(Date.UTC(2024, 4, 1, 12, 10 - i))
      await utimes(join(fixtures, name), at, at)
    }
    web = await startWebNode({ accounts: { openSignup: true } })
    await signup(web.url, USER, `${USER}-password-1`)
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await logIn(page, web.url, USER)
    await page.locator('input#files').setInputFiles(names.map((n) => join(fixtures, n)))
    await page.getByText('5 uploaded', { exact: true }).waitFor()
    await waitForDecodedTiles(page, 5)
  })

  after(async function () {
    await browser?.close()
    await web?.stop()
    if (fixtures != null) await rm(fixtures, { recursive: true, force: true })
  })

  it('selects a range with shift-click and clears the selection with Escape', async function () {
    await selectTile(1)
    await tile(3).locator('button.main').click({ modifiers: ['Shift'] })
    await selectionBar().getByText('3 selected').waitFor()
    for (const i of [1, 2, 3]) expect(await tile(i).getAttribute('selected'), `tile ${i}`).to.equal('')
    expect(await tile(0).getAttribute('selected')).to.equal(null)
    await screenshot(page, 'selection-range')
    await page.keyboard.press('Escape')
    await selectionBar().waitFor({ state: 'detached' })
    await page.getByRole('heading', { name: 'Photos' }).waitFor()
  })

  it('selects a whole day with the check on its label, and unselects it with a second click', async function () {
    await page.locator('photo-grid').getByRole('button', { name: /^Select all of / }).click()
    await selectionBar().getByText('5 selected').waitFor()
    await screenshot(page, 'selection-day')
    await page.locator('photo-grid').getByRole('button', { name: /^Unselect all of / }).click()
    await selectionBar().waitFor({ state: 'detached' })
  })

  it('clears the selection after Favorite, and Undo takes the favorite back', async function () {
    await selectTile(0)
    await selectionBar().getByRole('button', { name: 'Favorite' }).click()
    await page.locator('.toast', { hasText: 'Added to favorites' }).waitFor()
    await selectionBar().waitFor({ state: 'detached' })
    await tile(0).locator('.badge.fav').waitFor()
    await screenshot(page, 'selection-undo-toast')
    await undo()
    await tile(0).locator('.badge.fav').waitFor({ state: 'detached' })
  })

  it('undoes an archive and a move to the trash', async function () {
    for (const [action, toast] of [['Archive', '1 item archived'], ['Delete', '1 item moved to the trash']]) {
      await selectTile(0)
      await selectionBar().getByRole('button', { name: action }).click()
      await page.locator('.toast', { hasText: toast }).last().waitFor()
      await subtitle('4 items')
      await selectionBar().waitFor({ state: 'detached' })
      await undo()
      await subtitle('5 items')
    }
  })

  it('adds to a new album, clears the selection, and Undo empties the album again', async function () {
    await selectTile(0)
    await selectTile(1)
    await selectionBar().getByRole('button', { name: 'Add to album' }).click()
    await page.getByRole('button', { name: 'New album' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('Trip')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.locator('.toast', { hasText: 'Added to Trip' }).waitFor()
    await selectionBar().waitFor({ state: 'detached' })
    await undo()
    await page.getByRole('link', { name: 'Albums' }).click()
    await page.getByText('Trip').first().click()
    await page.getByText('This album is empty').waitFor()
  })

  it('offers "Add photos" in an empty album, and adds what is picked there', async function () {
    const add = page.locator('empty-state').getByRole('button', { name: 'Add photos' })
    await add.waitFor()
    await screenshot(page, 'selection-empty-album')
    await add.click()
    const picker = page.locator('photo-picker')
    await picker.locator('photo-tile[data-index="0"] button.main').click()
    await picker.locator('photo-tile[data-index="2"] button.main').click()
    await picker.getByText('2 selected').waitFor()
    await screenshot(page, 'selection-add-photos')
    await picker.getByRole('button', { name: 'Add 2 items' }).click()
    await picker.waitFor({ state: 'detached' })
    await subtitle('2 items')
    expect(await page.locator('photo-viewer').count(), 'a click in the picker opens nothing').to.equal(0)
  })

  it('undoes removing an item from an album', async function () {
    await selectTile(0)
    await selectionBar().getByRole('button', { name: 'Remove from album' }).click()
    await subtitle('1 item')
    await undo()
    await subtitle('2 items')
  })

  it('undoes a move to another folder', async function () {
    await page.getByRole('link', { name: 'Folders' }).click()
    await page.getByRole('button', { name: 'New folder' }).click()
    await page.getByLabel('Folder name').fill('Inbox')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByText('This folder is empty').waitFor()
    await page.locator('input#files').setInputFiles([join(fixtures, 'a.png')])
    await subtitle('1 item')
    await selectTile(0)
    await selectionBar().getByRole('button', { name: 'Move' }).click()
    await page.getByRole('button', { name: 'New folder' }).click()
    await page.getByRole('textbox', { name: 'Name' }).fill('Elsewhere')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.locator('.toast', { hasText: 'Moved to Elsewhere' }).waitFor()
    await subtitle('0 items')
    await undo()
    await subtitle('1 item')
  })

  it('shows on each trash tile how many days it has left', async function () {
    const library = await openLibrary(await login(web.url, USER, `${USER}-password-1`))
    const entry = library.items().find((r) => r.item.name === 'e.png' && r.collection === library.root)
    if (entry == null) throw new Error('e.png is not in the library')
    await trashItems(library, entry.collection, [entry.item], Date.now() - 27.5 * DAY)
    // The page learns of it when its own next commit (this trash) finds the head moved on.
    await page.getByRole('link', { name: 'Photos' }).click()
    await selectTile(0)
    await selectionBar().getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('link', { name: 'Trash' }).click()
    await page.locator('photo-tile', { hasText: '30 days left' }).waitFor({ timeout: 60_000 })
    await page.locator('photo-tile', { hasText: '3 days left' }).waitFor({ timeout: 60_000 })
    await screenshot(page, 'selection-trash-days')
  })

  it('shows a drop overlay that reads over the thumbnails', async function () {
    await page.getByRole('link', { name: 'Photos' }).click()
    await waitForDecodedTiles(page, 3)
    const transfer = await page.evaluateHandle(() => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array([1])], 'x.png', { type: 'image/png' }))
      return data
    })
    await page.dispatchEvent('obscura-app', 'dragover', { dataTransfer: transfer })
    await page.getByText('Drop photos and folders').waitFor()
    await screenshot(page, 'selection-drop-overlay')
    await page.dispatchEvent('obscura-app', 'dragleave', { dataTransfer: transfer })
  })
})
