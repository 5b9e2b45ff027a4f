/**
 * Reading items back through the client library from a real node: whole parts at the sizes
 * where chunking has edges (empty, one byte, around 1 MiB), byte ranges that fetch only the
 * chunks they need (what video seeking uses), and the trash's 30-day purge.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { openItem, readRange } from '../../src/client/download.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { purgeExpiredTrash, trashed, trashItems, TRASH_RETENTION_MS } from '../../src/client/trash.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { CHUNK_SIZE } from '../../src/crypto/stream-layout.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

describe('client download', function () {
  let node: TestNode
  let account: Account
  let library: Library
  let album: CollectionState
  const contents = new Map<string, Uint8Array>()

  before(async function () {
    node = await startTestNode()
    account = (await signup(node.url, 'alice', 'alice-download-pw')).account
    library = await openLibrary(account)
    album = await library.ensureAlbum('Edges')
    for (const size of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 5]) {
      contents.set(`size-${size}.bin`, new Uint8Array(randomBytes(size)))
    }
    await uploadFiles(library, [...contents].map(([name, bytes]) => bytesSource(name, bytes)), { targets: [album] })
  })

  after(async function () {
    await node?.stop()
  })

  it('reads back every size byte-identical, including an empty file', async function () {
    const fresh = await openLibrary(account)
    const items = [...fresh.resolve('Edges').items.values()]
    expect(items.map((i) => i.name).sort()).to.deep.equal([...contents.keys()].sort())
    for (const item of items) {
      expect(item.size, item.name).to.equal(contents.get(item.name)!.byteLength)
      const bytes = await readItem(fresh, fresh.resolve('Edges'), item)
      expect(Buffer.from(bytes).equals(Buffer.from(contents.get(item.name)!)), item.name).to.equal(true)
    }
  })

  it('reads byte ranges across chunk edges, fetching only the chunks they cover', async function () {
    const item = [...album.items.values()].find((i) => i.name === `size-${3 * CHUNK_SIZE + 5}.bin`)!
    const original = contents.get(item.name)!
    const api = library.account.api
    const opened = await openItem(api, album, item)
    const fetched: string[] = []
    const getBlock = api.getBlock.bind(api)
    api.getBlock = async (cid, options) => {
      fetched.push(cid)
      return await getBlock(cid, options)
    }
    try {
      const ranges: Array<[number, number]> = [
        [0, 10], [CHUNK_SIZE - 3, CHUNK_SIZE + 3], [2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 1],
        [3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 5], [3 * CHUNK_SIZE + 4, 3 * CHUNK_SIZE + 100], [5, 5]
      ]
      for (const [start, end] of ranges) {
        const bytes = await readRange(api, opened, 'original', start, end)
        expect(Buffer.from(bytes).equals(Buffer.from(original.subarray(start, end))), `[${start}, ${end})`).to.equal(true)
      }
      fetched.length = 0
      await readRange(api, opened, 'original', CHUNK_SIZE + 10, CHUNK_SIZE + 20)
      expect(fetched).to.deep.equal([opened.manifest.parts.original.chunks[1]!.cid.toString()])
    } finally {
      api.getBlock = getBlock
    }
  })

  it('deletes for good what has been in the trash over 30 days, and keeps the rest', async function () {
    const bin = await library.ensureAlbum('Bin')
    await uploadFiles(library, [bytesSource('old.bin', new Uint8Array(randomBytes(2_000))), bytesSource('recent.bin', new Uint8Array(randomBytes(2_000)))], { targets: [bin] })
    const [old, recent] = ['old.bin', 'recent.bin'].map((n) => [...bin.items.values()].find((i) => i.name === n)!)
    await trashItems(library, bin, [old!], Date.now() - TRASH_RETENTION_MS - 60_000)
    await trashItems(library, bin, [recent!], Date.now() - TRASH_RETENTION_MS + 60 * 60_000)
    const usedBefore = (await node.node.accounts.get(account.user.id))!.usedBytes
    expect(await purgeExpiredTrash(library)).to.equal(1)
    const fresh = await openLibrary(account)
    expect(trashed(fresh).map((t) => t.item.name)).to.deep.equal(['recent.bin'])
    expect([...fresh.resolve('Bin').items.values()].map((i) => i.name)).to.deep.equal(['recent.bin'])
    expect((await node.node.accounts.get(account.user.id))!.usedBytes).to.be.lessThan(usedBefore)
  })
})
