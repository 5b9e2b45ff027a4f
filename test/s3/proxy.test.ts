/**
 * A node whose blockstore is an S3 bucket, in proxy mode (`direct: "off"`, the default): the
 * gateway carries the bytes as with the local disk, the blocks live in the bucket under the
 * configured prefix and nowhere on the node's disk, and deleting an item for good deletes its
 * objects.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'chai'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { S3Blockstore } from '../../node/storage/s3.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { listFiles } from '../helpers/store.ts'
import { s3StorageConfig, startTestS3, testBucket, type TestS3 } from './helpers.ts'

describe('S3 storage in proxy mode', function () {
  let s3: TestS3
  let node: TestNode
  let account: Account
  let store: S3Blockstore

  before(async function () {
    s3 = await startTestS3()
    const storage = s3StorageConfig(s3)
    node = await startTestNode({ storage })
    store = new S3Blockstore({ bucket: testBucket(s3), prefix: (storage as { prefix: string }).prefix })
    account = (await signup(node.url, 'alice', 'alice-password-1')).account
  })

  after(async function () {
    await node?.stop()
    await s3?.destroy()
  })

  it('keeps every block in the bucket and none on the node\'s disk, and reads them back', async function () {
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Bucket')
    const bytes = new Uint8Array(randomBytes(2_500_000))
    await uploadFiles(library, [bytesSource('bucket.bin', bytes)], { targets: [album] })

    const keys: string[] = []
    for await (const { cid } of store.getAll()) keys.push(cid.toString())
    expect(keys.length).to.be.greaterThan(3)
    for (const key of keys) expect((await node.node.db.blocks.get(key))?.owners).to.deep.equal([account.user.id])
    expect(existsSync(join(node.dataDir, 'blocks')) ? (await listFiles(join(node.dataDir, 'blocks'))) : []).to.deep.equal([])

    const fresh = await openLibrary(account)
    const state = fresh.resolve('Bucket')
    const item = [...state.items.values()][0]!
    expect(await readItem(fresh, state, item)).to.deep.equal(bytes)
  })

  it('deletes the objects of an item deleted for good', async function () {
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Short-lived')
    await uploadFiles(library, [bytesSource('gone.bin', new Uint8Array(randomBytes(1_200_000)))], { targets: [album] })
    const before = new Set<string>()
    for await (const { cid } of store.getAll()) before.add(cid.toString())
    const item = [...album.items.values()][0]!
    await library.commit(album, [{ op: 'remove', item: item.id }], { unlinks: [item.manifest] })
    const after = new Set<string>()
    for await (const { cid } of store.getAll()) after.add(cid.toString())
    expect(after.size).to.be.below(before.size)
    expect(after.has(item.manifest.toString())).to.equal(false)
  })
})
