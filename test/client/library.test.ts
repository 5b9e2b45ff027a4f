/**
 * The client library against a real node: where uploads land, what the timeline shows, duplicate
 * skipping, and two devices of one account writing to the same album at the same moment.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { commitOps } from '../../src/client/collection.ts'
import { ApiError } from '../../src/client/errors.ts'
import { Library } from '../../src/client/library.ts'
import { restoreAccount, serialiseAccount, type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { trashed, trashItems } from '../../src/client/trash.ts'
import { uploadFiles, type UploadSource } from '../../src/client/upload.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n))

/** A second device: the same account restored from its saved form, with its own API client. */
async function secondDevice (account: Account): Promise<Account> {
  return restoreAccount(JSON.parse(JSON.stringify(serialiseAccount(account))))
}

describe('client library', function () {
  let node: TestNode
  let account: Account

  before(async function () {
    node = await startTestNode()
    account = (await signup(node.url, 'alice', 'alice-password-1')).account
  })

  after(async function () {
    await node?.stop()
  })

  it('shows items uploaded without an album in the timeline, and skips them as duplicates', async function () {
    const library = await openLibrary(account)
    const bytes = random(70_000)
    const first = await uploadFiles(library, [bytesSource('loose.bin', bytes)], { targets: [] })
    expect(first).to.include({ uploaded: 1, skipped: 0 })

    const fresh = await openLibrary(account)
    const names = fresh.timeline().map((r) => r.item.name)
    expect(names).to.include('loose.bin')
    const again = await uploadFiles(fresh, [bytesSource('loose-copy.bin', bytes)], { targets: [] })
    expect(again).to.include({ uploaded: 0, skipped: 1 })
    expect(fresh.items().filter((r) => r.item.name.startsWith('loose'))).to.have.length(1)
    expect(fresh.resolve('/').id).to.equal(fresh.root.id)
  })

  it('reads a file of a new size once and a file whose size the library knows twice, and tells same-size files apart by content', async function () {
    const library = await openLibrary(account)
    const opens = new Map<string, number>()
    const counted = (name: string, bytes: Uint8Array): UploadSource => {
      const source = bytesSource(name, bytes)
      return { ...source, open: () => { opens.set(name, (opens.get(name) ?? 0) + 1); return source.open() } }
    }
    const a = random(90_001)
    const first = await uploadFiles(library, [counted('a.bin', a)], { targets: [] })
    expect(first).to.include({ uploaded: 1, skipped: 0 })
    expect(opens.get('a.bin')).to.equal(1) // hashed along with its encryption

    // Same size as a.bin: tagged first. One is a.bin again (skipped without being encrypted), one
    // differs in content (uploaded); within the run, a copy of the new one is skipped too.
    const sameSize = random(90_001)
    const second = await uploadFiles(library, [counted('a-again.bin', a), counted('b.bin', sameSize), counted('b-copy.bin', sameSize)], { targets: [] })
    expect(second).to.include({ uploaded: 1, skipped: 2 })
    expect(opens.get('a-again.bin')).to.equal(1)
    expect(opens.get('b.bin')).to.equal(2)
    expect(opens.get('b-copy.bin')).to.equal(1)

    const fresh = await openLibrary(account)
    const b = fresh.items().find((r) => r.item.name === 'b.bin')
    expect(b, 'b.bin is in the library').to.not.equal(undefined)
    expect(await readItem(fresh, b!.collection, b!.item)).to.deep.equal(sameSize)
    expect(fresh.items().filter((r) => r.item.name === 'a-again.bin' || r.item.name === 'b-copy.bin')).to.have.length(0)
    // The tag made along with the encryption is the one a later upload compares against.
    const third = await uploadFiles(fresh, [counted('a-third.bin', a)], { targets: [] })
    expect(third).to.include({ uploaded: 0, skipped: 1 })
  })

  it('lists an item that is in a folder and two albums once, and links its blocks, not copies', async function () {
    const library = await openLibrary(account)
    const targets = [await library.ensureFolder('Trips/2023'), await library.ensureAlbum('Best'), await library.ensureAlbum('Family')]
    const before = (await node.node.accounts.get(account.user.id))!.usedBytes
    const result = await uploadFiles(library, [bytesSource('everywhere.bin', random(50_000))], { targets })
    expect(result.uploaded).to.equal(1)
    const fresh = await openLibrary(account)
    for (const where of ['Trips/2023', 'Best', 'Family']) {
      expect([...fresh.resolve(where).items.values()].map((i) => i.name)).to.deep.equal(['everywhere.bin'])
    }
    expect(fresh.items().filter((r) => r.item.name === 'everywhere.bin')).to.have.length(1)
    expect(fresh.folders().map((f) => fresh.folderPath(f)).sort()).to.deep.equal(['Trips', 'Trips/2023'])
    // Stored once: used bytes grew by one copy (chunk + manifest), not three.
    const grown = (await node.node.accounts.get(account.user.id))!.usedBytes - before
    expect(grown).to.be.greaterThan(50_000).and.lessThan(2 * 50_000)
  })

  it('brings a trashed item back when the same file is uploaded to its album again', async function () {
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Second thoughts')
    const bytes = random(30_000)
    await uploadFiles(library, [bytesSource('regret.bin', bytes)], { targets: [album] })
    await trashItems(library, album, [...album.items.values()])
    expect(trashed(library).map((t) => t.item.name)).to.include('regret.bin')

    const again = await uploadFiles(library, [bytesSource('regret.bin', bytes)], { targets: [album] })
    expect(again).to.include({ uploaded: 0, skipped: 1 })
    const fresh = await openLibrary(account)
    const items = [...fresh.resolve('Second thoughts').items.values()]
    expect(items.map((i) => [i.name, i.trashedAt])).to.deep.equal([['regret.bin', undefined]])
    expect(trashed(fresh).map((t) => t.item.name)).not.to.include('regret.bin')
  })

  it('lands both of two devices committing to one album at once (one retries on STALE_HEAD)', async function () {
    const setup = await openLibrary(account)
    await setup.ensureAlbum('Shared moment')
    const devices = [new Library(account), new Library(await secondDevice(account))]
    for (const device of devices) await device.sync()
    const albums = devices.map((d) => d.resolve('Shared moment'))
    expect(albums[0]!.seq).to.equal(albums[1]!.seq)

    // Hold each device's first head update until both have sent theirs: a guaranteed race.
    const stale: string[] = []
    let waiting = 0
    let release!: () => void
    const bothReady = new Promise<void>((resolve) => { release = resolve })
    devices.forEach((device, n) => {
      const api = device.account.api
      const original = api.putHead.bind(api)
      let first = true
      api.putHead = async (...args) => {
        if (first) {
          first = false
          if (++waiting === 2) release()
          await bothReady
        }
        try {
          return await original(...args)
        } catch (err) {
          if (err instanceof ApiError && err.code === 'STALE_HEAD') stale.push(`device ${n}`)
          throw err
        }
      }
    })

    const contents = [random(40_000), random(40_000)]
    const results = await Promise.all(devices.map(async (device, n) =>
      await uploadFiles(device, [bytesSource(`device-${n}.bin`, contents[n]!)], { targets: [albums[n]!] })))
    expect(results.map((r) => r.uploaded)).to.deep.equal([1, 1])
    expect(stale).to.have.length(1)

    const check = await openLibrary(account)
    const album = check.resolve('Shared moment')
    const items = [...album.items.values()].sort((a, b) => a.name.localeCompare(b.name))
    expect(items.map((i) => i.name)).to.deep.equal(['device-0.bin', 'device-1.bin'])
    for (const [n, item] of items.entries()) {
      expect(Buffer.from(await readItem(check, album, item))).to.deep.equal(Buffer.from(contents[n]!))
    }
  })

  it('loses nothing when several devices commit many times concurrently', async function () {
    const setup = await openLibrary(account)
    const album = await setup.ensureAlbum('Busy')
    const devices = await Promise.all([0, 1, 2, 3].map(async () => {
      const device = new Library(await secondDevice(account))
      await device.sync()
      return device
    }))
    await Promise.all(devices.map(async (device, n) => {
      const state = device.resolve('Busy')
      for (let k = 0; k < 5; k++) {
        await commitOps(device.account.api, state, device.account.keys.signing, [{ op: 'meta', name: 'Busy', kind: 'album', parent: null, createdAt: n * 100 + k }], { attempts: 50 })
      }
    }))
    const check = await openLibrary(account)
    expect(check.resolve('Busy').seq).to.equal(album.seq + 20)
  })
})
