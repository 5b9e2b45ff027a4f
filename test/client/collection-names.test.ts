/**
 * Albums and folders made by name, against a real node: two devices of one account that make the
 * same new album (or folder path) at the same moment end up in one collection holding what both
 * uploaded (see [Note: one album per name across devices]); a name whose earlier album was renamed
 * or deleted gets a fresh one, the same on every device; and a name that several collections fit
 * is refused, listing each one's id, which then names it.
 */
import { expect } from 'chai'
import type { CollectionState } from '../../src/client/collection.ts'
import { AmbiguousNameError } from '../../src/client/errors.ts'
import type { Library } from '../../src/client/library.ts'
import { login, type Account } from '../../src/client/session.ts'
import { collectionIdKey, namedCollectionId } from '../../src/crypto/collection-id.ts'
import { newKey, wrapCollectionKey } from '../../src/crypto/wrap.ts'
import { legacyCollection } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, uploadOne } from '../sharing/helpers.ts'

const ROUNDS = 12

describe('client collections made by name', function () {
  let node: TestNode
  let phone: Account
  let laptop: Account

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    phone = await account(node.url, 'alice')
    laptop = await login(node.url, 'alice', 'alice-password-1')
  })

  after(async function () {
    await node?.stop()
  })

  /** Both devices, synced beforehand, make `name` and upload into it at once. */
  async function race (name: string, make: (lib: Library, name: string) => Promise<CollectionState>): Promise<void> {
    const [a, b] = await Promise.all([library(phone), library(laptop)])
    await Promise.all([a, b].map(async (lib, i) => { await uploadOne(lib, await make(lib, name), `${name}-${i}.jpg`) }))
  }

  it('makes one album when two devices upload to the same new album name at once', async function () {
    for (let round = 0; round < ROUNDS; round++) await race(`New ${round}`, async (lib, name) => await lib.ensureAlbum(name))
    const fresh = await library(phone)
    for (let round = 0; round < ROUNDS; round++) {
      const albums = fresh.albums().filter((c) => c.name === `New ${round}`)
      expect(albums, `round ${round}`).to.have.length(1)
      expect([...(albums[0] as CollectionState).items.values()].map((i) => i.name).sort()).to.deep.equal([`New ${round}-0.jpg`, `New ${round}-1.jpg`])
    }
    expect(fresh.root.children.size).to.equal(ROUNDS)
  })

  it('joins the album another device made since its last sync, rather than listing its id again', async function () {
    const stale = await library(laptop)
    const made = await (await library(phone)).ensureAlbum('Made elsewhere')
    const joined = await stale.ensureAlbum('Made elsewhere')
    expect(joined.id).to.equal(made.id)
    await uploadOne(stale, joined, 'joined.jpg')
    const fresh = await library(phone)
    expect([...fresh.resolve('Made elsewhere').items.values()].map((i) => i.name)).to.deep.equal(['joined.jpg'])
  })

  it('makes one folder at each place of a path two devices create at once', async function () {
    for (let round = 0; round < 4; round++) await race(`Trips/${round}/Day 1`, async (lib, path) => await lib.ensureFolder(path))
    const fresh = await library(laptop)
    expect(fresh.folders().map((f) => fresh.folderPath(f)).sort()).to.deep.equal([
      'Trips', 'Trips/0', 'Trips/0/Day 1', 'Trips/1', 'Trips/1/Day 1', 'Trips/2', 'Trips/2/Day 1', 'Trips/3', 'Trips/3/Day 1'
    ])
    expect(fresh.resolve('Trips/2/Day 1').items.size).to.equal(2)
  })

  it('gives a name whose album was renamed away a new album, the same one on both devices', async function () {
    const lib = await library(phone)
    const first = await lib.ensureAlbum('Renamed')
    await lib.renameCollection(first, 'Renamed once')
    await race('Renamed', async (l, name) => await l.ensureAlbum(name))
    const fresh = await library(laptop)
    const now = fresh.resolve('Renamed')
    expect(now.id).to.not.equal(first.id)
    expect(now.items.size).to.equal(2)
    expect(fresh.resolve('Renamed once').id).to.equal(first.id)
  })

  it('makes a deleted album\'s name again as a new album with a new key, and the library still opens', async function () {
    const lib = await library(phone)
    const gone = await lib.ensureAlbum('Deleted')
    await uploadOne(lib, gone, 'old.jpg')
    await lib.commit(lib.root, [{ op: 'uncollection', id: gone.id }])
    await race('Deleted', async (l, name) => await l.ensureAlbum(name))
    const fresh = await library(laptop)
    const again = fresh.resolve('Deleted')
    expect(again.id).to.not.equal(gone.id)
    expect([...again.items.values()].map((i) => i.name).sort()).to.deep.equal(['Deleted-0.jpg', 'Deleted-1.jpg'])
  })

  it('names a new album the node cannot read: its id is a keyed MAC, different for another account', async function () {
    const bob = await account(node.url, 'bob')
    const bobs = await (await library(bob)).ensureAlbum('New 0')
    const alices = (await library(phone)).resolve('New 0')
    expect(bobs.id).to.not.equal(alices.id)
    expect(alices.id).to.equal(namedCollectionId(collectionIdKey(phone.keys.masterKey), { kind: 'album', name: 'New 0', generation: 0 }))
  })

  it('finishes an album whose first record the device that listed it never wrote', async function () {
    const lib = await library(phone)
    const id = namedCollectionId(collectionIdKey(phone.keys.masterKey), { kind: 'album', name: 'Half made', generation: 0 })
    await lib.commit(lib.root, [{ op: 'collection', id, kind: 'album', key: wrapCollectionKey(phone.keys.masterKey, id, newKey()) }])
    const other = await library(laptop)
    const album = await other.ensureAlbum('Half made')
    expect(album.id).to.equal(id)
    expect((await library(phone)).resolve('Half made').id).to.equal(id)
  })

  describe('a name several collections fit', function () {
    let lib: Library
    let one: CollectionState
    let two: CollectionState

    before(async function () {
      lib = await library(phone)
      one = await legacyCollection(lib, 'album', 'Twice')
      two = await legacyCollection(lib, 'album', 'Twice')
      await legacyCollection(lib, 'folder', 'Both')
      await lib.ensureAlbum('Both')
    })

    it('refuses two albums of one name made before names were idempotent, listing both ids', async function () {
      const fresh = await library(laptop)
      for (const attempt of [() => fresh.resolve('Twice'), async () => await fresh.ensureAlbum('Twice'), async () => await fresh.ensureCollection('album', 'Twice', null)]) {
        const err = await Promise.resolve().then(attempt).then(() => undefined, (e: unknown) => e)
        expect(err).to.be.instanceOf(AmbiguousNameError)
        const ids = [one.id, two.id].filter((id) => (err as Error).message.includes(id))
        expect(ids, (err as Error).message).to.have.length(2)
        expect((err as Error).message).to.match(/^"Twice" could be your album \(id [0-9a-f]{32}\) or your album \(id [0-9a-f]{32}\): name one by its id$/)
      }
      expect(fresh.resolve(one.id).id).to.equal(one.id)
      expect((await fresh.ensureAlbum(two.id)).id).to.equal(two.id)
      expect(fresh.root.children.size).to.equal(lib.root.children.size)
    })

    it('refuses a name that fits an album and a folder, except where only albums are meant', async function () {
      const fresh = await library(laptop)
      const err = (() => { try { fresh.resolve('Both') } catch (e) { return e as Error } })()
      expect(err).to.be.instanceOf(AmbiguousNameError)
      expect(err?.message).to.match(/^"Both" could be your (album|folder) \(id [0-9a-f]{32}\) or your (album|folder) \(id [0-9a-f]{32}\): name one by its id$/)
      expect((await fresh.ensureAlbum('Both')).kind).to.equal('album')
      expect((await fresh.ensureFolder('Both')).kind).to.equal('folder')
    })
  })
})
