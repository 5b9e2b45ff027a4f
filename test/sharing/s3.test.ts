/**
 * Grants on a node whose blocks live in S3 with authorised direct reads: a member and a link
 * holder get presigned URLs for the album's blocks and read them straight from the bucket; a
 * stranger, and a member once removed, get no URL.
 */
import { expect } from 'chai'
import { transportFor } from '../../src/client/blocks.ts'
import { openItem, readPart } from '../../src/client/download.ts'
import { createLink, openLink } from '../../src/client/links.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { s3StorageConfig, startTestS3, type TestS3 } from '../s3/helpers.ts'
import { account, library, sharedAlbum, uploadOne } from './helpers.ts'
import type { NodeApi } from '../../src/client/api.ts'
import type { CollectionState } from '../../src/client/collection.ts'

async function readAll (api: NodeApi, collection: CollectionState, itemId: string): Promise<Uint8Array> {
  const opened = await openItem(api, collection, collection.items.get(itemId)!)
  const parts: Uint8Array[] = []
  for await (const part of readPart(api, opened)) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

describe('sharing: grants on authorised direct S3 reads', function () {
  let s3: TestS3
  let node: TestNode

  before(async function () {
    s3 = await startTestS3()
    node = await startTestNode({ storage: s3StorageConfig(s3, { direct: 'authorised' }), accounts: { openSignup: true } })
  })

  after(async function () {
    await node?.stop()
    await s3?.destroy()
  })

  it('gives members and link holders read URLs for the album, and nobody else', async function () {
    const alice = await account(node.url, 'alice')
    const bob = await account(node.url, 'bob')
    const sam = await account(node.url, 'sam')
    const owner = await library(alice)
    const album = await owner.ensureAlbum('Bucket')
    const { item, bytes } = await uploadOne(owner, album, 'cloud.bin', 1_500_000)
    await shareCollection(owner, album, 'bob', 'viewer')

    const bobs = await sharedAlbum(await library(bob), 'Bucket')
    expect(await readAll(bob.api, bobs, item.id)).to.deep.equal(bytes)
    expect((await transportFor(bob.api)).stats.directReads).to.be.greaterThan(0)

    const link = await openLink((await createLink(owner, album)).url)
    expect(await readAll(link.api, link.collection, item.id)).to.deep.equal(bytes)
    expect((await transportFor(link.api)).stats.directReads).to.be.greaterThan(0)

    const stranger = await sam.api.authoriseReads([item.manifest.toString()])
    expect(stranger.blocks[0]).to.have.nested.property('error.code', 'FORBIDDEN')
    await unshareCollection(owner, album, 'bob')
    const removed = await bob.api.authoriseReads([item.manifest.toString()])
    expect(removed.blocks[0]).to.have.nested.property('error.code', 'FORBIDDEN')
  })
})
