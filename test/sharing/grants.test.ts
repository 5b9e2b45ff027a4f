/**
 * Grant tokens, the path by which another node will read an album for one of its users
 * (federation): a member signs "node N may read collection C until T" with its identity key, and
 * the bearer reads the album's log and blocks without a session. The home node checks the
 * signature, its own peer id, the expiry and — on every request — that the key is still a member.
 */
import { expect } from 'chai'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { createGrantToken } from '../../src/format/grant.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, uploadOne } from './helpers.ts'
import type { Account } from '../../src/client/session.ts'
import type { CollectionState } from '../../src/client/collection.ts'
import type { Library } from '../../src/client/library.ts'
import type { CID } from '../../src/format/cid.ts'

describe('sharing: grant tokens', function () {
  let node: TestNode
  let bob: Account
  let owner: Library
  let album: CollectionState
  let manifest: CID
  let peerId: string

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    const alice = await account(node.url, 'alice')
    bob = await account(node.url, 'bob')
    owner = await library(alice)
    album = await owner.ensureAlbum('Federated')
    manifest = (await uploadOne(owner, album, 'far.bin')).item.manifest
    await shareCollection(owner, album, 'bob', 'viewer')
    peerId = node.node.identity().peerId
  })

  after(async function () {
    await node?.stop()
  })

  const token = async (fields: { node?: string, expiresAt?: number } = {}): Promise<string> =>
    Buffer.from(await createGrantToken({ node: fields.node ?? peerId, collection: album.id, expiresAt: fields.expiresAt ?? Date.now() + 60_000 }, bob.keys.signing)).toString('base64url')

  const read = async (grant: string, path = `/ipfs/${manifest.toString()}?format=raw`): Promise<number> =>
    (await call(node.url, 'GET', path, { headers: { 'x-obscura-grant': grant } })).status

  it("lets the bearer of a member's token read the album's log and blocks without a session", async function () {
    const grant = await token()
    expect(await read(grant)).to.equal(200)
    expect(await read(grant, `/api/v1/collections/${album.id}/log`)).to.equal(200)
  })

  it('refuses a token for another node, an expired one, one valid too long, and a forged one (401)', async function () {
    expect(await read(await token({ node: '12D3KooWSomeOtherNode' }))).to.equal(401)
    expect(await read(await token({ expiresAt: Date.now() - 1 }))).to.equal(401)
    expect(await read(await token({ expiresAt: Date.now() + 2 * 3600_000 }))).to.equal(401)
    const bytes = Buffer.from(await token(), 'base64url')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01
    expect(await read(bytes.toString('base64url'))).to.equal(401)
  })

  it('stops working the moment the member is removed, although it has not expired', async function () {
    const grant = await token()
    expect(await read(grant)).to.equal(200)
    await unshareCollection(owner, album, 'bob')
    expect(await read(grant)).to.equal(403)
  })
})
