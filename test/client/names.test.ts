/**
 * Names against a real node: a name the format does not allow is refused before anything is
 * written (by the library with a message for people, and by the sealing of ops for every other
 * writer); a library holding such a record from an older client still opens; and the name of an
 * album someone shares with this account reaches that album, never a private copy of it.
 */
import { expect } from 'chai'
import { commitOps, emptyCollection, type CollectionState } from '../../src/client/collection.ts'
import { AmbiguousNameError, InvalidNameError, ViewOnlyError } from '../../src/client/errors.ts'
import { renameItem } from '../../src/client/items.ts'
import { shareCollection } from '../../src/client/sharing.ts'
import type { Account } from '../../src/client/session.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { newKey, wrapCollectionKey } from '../../src/crypto/wrap.ts'
import type { RecordOp } from '../../src/format/record-ops.ts'
import { appendUnchecked } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, sharedAlbum, uploadOne } from '../sharing/helpers.ts'

const long = 'n'.repeat(1100)

describe('client names', function () {
  let node: TestNode
  let alice: Account

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    alice = await account(node.url, 'alice')
  })

  after(async function () {
    await node?.stop()
  })

  describe('names the format does not allow', function () {
    it('refuses an empty or over-long album or folder name, writing nothing', async function () {
      const lib = await library(alice)
      const seq = lib.root.seq
      for (const attempt of [async () => await lib.ensureAlbum(''), async () => await lib.ensureAlbum(long), async () => await lib.createCollection('folder', long, null)]) {
        const err = await attempt().then(() => undefined, (e: unknown) => e)
        expect(err).to.be.instanceOf(InvalidNameError)
        expect((err as Error).message).to.match(/^(album|folder) names must be 1 to 1024 characters \(got (0|1100)\)$/)
      }
      const fresh = await library(alice)
      expect(fresh.root.seq).to.equal(seq)
      expect(fresh.albums()).to.have.length(0)
    })

    it('refuses to rename an item or an album to an empty or over-long name', async function () {
      const lib = await library(alice)
      const album = await lib.ensureAlbum('Renames')
      const { item } = await uploadOne(lib, album, 'green.jpg')
      const seq = album.seq
      for (const name of ['', long]) {
        const err = await renameItem(lib, album, item, name).then(() => undefined, (e: unknown) => e)
        expect((err as Error).message).to.match(/^file names must be 1 to 1024 characters/)
        const renamed = await lib.renameCollection(album, name).then(() => undefined, (e: unknown) => e)
        expect(renamed).to.be.instanceOf(InvalidNameError)
      }
      const fresh = (await library(alice)).resolve('Renames')
      expect(fresh.seq).to.equal(seq)
      expect([...fresh.items.values()].map((i) => i.name)).to.deep.equal(['green.jpg'])
    })

    it('refuses to seal ops the readers would reject, naming the field', async function () {
      const lib = await library(alice)
      const album = lib.resolve('Renames')
      const item = [...album.items.keys()][0] as string
      const seq = album.seq
      const err = await commitOps(lib.account.api, album, lib.account.keys.signing, [{ op: 'flag', item, flag: 'favorite', value: true }, { op: 'rename', item, name: '' }])
        .then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(InvalidInputError)
      expect((err as Error).message).to.match(/at ops\.1\.name: Too small/)
      expect((await library(alice)).resolve('Renames').seq).to.equal(seq)
    })
  })

  describe('a library that already holds a malformed record', function () {
    it('leaves out an owner-signed record whose ops fail the schema, and opens the rest', async function () {
      const lib = await library(alice)
      const album = await lib.ensureAlbum('Old client')
      const { item } = await uploadOne(lib, album, 'kept.jpg')
      await appendUnchecked(lib, album, [{ op: 'rename', item: item.id, name: '' }])
      await appendUnchecked(lib, album, [{ op: 'meta', name: long, kind: 'album', parent: null, createdAt: 1 }])
      // What `upload --album ""` did: a new album whose first record names it "".
      const nameless = newKey()
      const id = 'ab'.repeat(16)
      await appendUnchecked(lib, emptyCollection(id, nameless, lib.root.ownerKey), [{ op: 'meta', name: '', kind: 'album', parent: null, createdAt: 2 }])
      await lib.commit(lib.root, [{ op: 'collection', id, kind: 'album', key: wrapCollectionKey(lib.account.keys.masterKey, id, nameless) }])

      const fresh = await library(alice)
      const reopened = fresh.resolve('Old client')
      expect([...reopened.items.values()].map((i) => i.name)).to.deep.equal(['kept.jpg'])
      expect(reopened.rejected.map((r) => r.reason)).to.deep.equal([
        'invalid record content at ops.0.name: Too small: expected string to have >=1 characters',
        'invalid record content at ops.0.name: Too big: expected string to have <=1024 characters'
      ])
      expect(reopened.rejected.every((r) => Buffer.from(r.author).equals(Buffer.from(alice.keys.signing.publicKey)))).to.equal(true)
      expect(fresh.collections.get(id)?.rejected).to.have.length(1)
      // Still writable: a valid rename after the bad records applies.
      await renameItem(fresh, reopened, reopened.items.get(item.id)!, 'renamed.jpg')
      expect([...(await library(alice)).resolve('Old client').items.values()].map((i) => i.name)).to.deep.equal(['renamed.jpg'])
    })

    it('still fails the sync on an owner record that does not open', async function () {
      const mallory = await account(node.url, 'mallory')
      const lib = await library(mallory)
      const album = await lib.ensureAlbum('Sealed wrong')
      await appendUnchecked(lib, album, [{ op: 'flag', item: 'cd'.repeat(16), flag: 'favorite', value: true }], newKey())
      const err = await library(mallory).then(() => undefined, (e: unknown) => e)
      expect((err as { code?: string }).code).to.equal('ERR_BOX_AUTHENTICATION')
    })
  })

  describe('albums shared with this account', function () {
    let bob: Account
    let carol: Account
    let trip: CollectionState

    before(async function () {
      bob = await account(node.url, 'bob')
      carol = await account(node.url, 'carol')
      const owner = await library(alice)
      trip = await owner.ensureAlbum('Trip 2023')
      await uploadOne(owner, trip, 'summit.jpg')
      await shareCollection(owner, trip, 'bob', 'viewer')
      await shareCollection(owner, trip, 'carol', 'collaborator')
    })

    it('refuses a viewer adding to it, without making an album of the same name', async function () {
      const lib = await library(bob)
      await sharedAlbum(lib, 'Trip 2023')
      const seq = lib.root.seq
      const err = await lib.ensureAlbum('Trip 2023').then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(ViewOnlyError)
      expect((err as Error).message).to.equal('you can only view "Trip 2023" (shared by alice): you cannot add to it')
      const fresh = await library(bob)
      expect(fresh.root.seq).to.equal(seq)
      expect(fresh.albums()).to.have.length(0)
      expect(fresh.resolve('Trip 2023').id).to.equal(trip.id)
    })

    it('gives a collaborator the shared album to add to', async function () {
      const lib = await library(carol)
      await sharedAlbum(lib, 'Trip 2023')
      expect((await lib.ensureAlbum('Trip 2023')).id).to.equal(trip.id)
      expect((await lib.ensureAlbum('alice/Trip 2023')).id).to.equal(trip.id)
      expect(lib.albums()).to.have.length(0)
    })

    it('refuses a plain name that fits both an own and a shared album, and takes OWNER/NAME', async function () {
      const lib = await library(bob)
      const own = await lib.ensureAlbum('bob/Trip 2023')
      expect(own.name).to.equal('Trip 2023')
      expect(own.id).to.not.equal(trip.id)
      const fresh = await library(bob)
      for (const attempt of [() => fresh.resolve('Trip 2023'), async () => await fresh.ensureAlbum('Trip 2023')]) {
        const err = await Promise.resolve().then(attempt).then(() => undefined, (e: unknown) => e)
        expect(err).to.be.instanceOf(AmbiguousNameError)
        expect((err as Error).message).to.equal(`"Trip 2023" could be your album (id ${own.id}) or the album alice shares with you (id ${trip.id}): say "bob/Trip 2023" or "alice/Trip 2023", or name one by its id`)
      }
      expect(fresh.resolve('alice/Trip 2023').id).to.equal(trip.id)
      expect(fresh.resolve('bob/Trip 2023').id).to.equal(own.id)
      expect((await fresh.ensureAlbum('bob/Trip 2023')).id).to.equal(own.id)
      expect(fresh.resolve(trip.id).id).to.equal(trip.id)
      expect(await fresh.ensureAlbum('alice/Trip 2023').then(() => undefined, (e: unknown) => e)).to.be.instanceOf(ViewOnlyError)
    })
  })
})
