/**
 * A rename that loses a race with a remove: another device trashed (or deleted) the item first.
 * The rename must not land on the item in the trash and report success: it says where the item is.
 */
import { expect } from 'chai'
import { ItemTrashedError } from '../../src/client/errors.ts'
import { renameItem } from '../../src/client/items.ts'
import { login, type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { deleteForGood, trashItems } from '../../src/client/trash.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('renaming an item another device removed', function () {
  let node: TestNode
  let laptop: Account
  let phone: Account

  before(async function () {
    node = await startTestNode()
    laptop = (await signup(node.url, 'rita', 'rita-correct-horse')).account
    phone = await login(node.url, 'rita', 'rita-correct-horse')
    const library = await openLibrary(laptop)
    const album = await library.ensureAlbum('Race')
    await uploadFiles(library, [bytesSource('a.bin', new Uint8Array([1, 2, 3])), bytesSource('b.bin', new Uint8Array([4, 5, 6]))], { targets: [album] })
  })

  after(async function () { await node?.stop() })

  async function raceWith (remove: (phoneLibrary: Awaited<ReturnType<typeof openLibrary>>, name: string) => Promise<void>, name: string): Promise<unknown> {
    const laptopLibrary = await openLibrary(laptop) // the laptop's view, from before the removal
    const album = laptopLibrary.resolve('Race')
    const item = [...album.items.values()].find((i) => i.name === name)!
    await remove(await openLibrary(phone), name)
    try {
      await renameItem(laptopLibrary, album, item, `renamed-${name}`)
    } catch (err) {
      return err
    }
    return undefined
  }

  it('says the item is in the trash when another device trashed it first, and renames nothing', async function () {
    const failure = await raceWith(async (library, name) => {
      const album = library.resolve('Race')
      await trashItems(library, album, [...album.items.values()].filter((i) => i.name === name))
    }, 'a.bin')
    expect(failure).to.be.instanceOf(ItemTrashedError)
    expect((failure as Error).message).to.equal('"a.bin" is in the trash: it was removed meanwhile (on another device or by another member); restore it first to change it')
    const album = (await openLibrary(phone)).resolve('Race')
    const item = [...album.items.values()].find((i) => i.name === 'a.bin')
    expect(item?.trashedAt).to.be.a('number')
  })

  it('says the item was deleted when another device deleted it for good first', async function () {
    const failure = await raceWith(async (library, name) => {
      const album = library.resolve('Race')
      await deleteForGood(library, album, [...album.items.values()].filter((i) => i.name === name))
    }, 'b.bin')
    expect(failure).to.be.instanceOf(ItemTrashedError)
    expect((failure as Error).message).to.include('"b.bin" was deleted meanwhile')
  })
})
