/**
 * The authorisation matrix: for every kind of caller (owner, collaborator, viewer, removed
 * member, stranger, holders of a view link, an upload link, an expired, a revoked and a
 * wrong-password link) and every action (list the log, read the manifest, a thumbnail chunk and
 * an original chunk through /api/v1/blocks and /ipfs, add, remove, re-share, change a role),
 * through the real gateway: allowed actions succeed, refused ones get the right status and never
 * the bytes. The same answers hold for Blocks.canRead, which direct S3 reads ask.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import sharp from 'sharp'
import { openItem } from '../../src/client/download.ts'
import { createLink, openLink, revokeLink, type OpenedLink } from '../../src/client/links.ts'
import { shareCollection, unshareCollection } from '../../src/client/sharing.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { CID, rawCid } from '../../src/format/cid.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { bytesSource } from '../helpers/client.ts'
import { call, type HttpResult } from '../helpers/http.ts'
import { headUpdate, putHead } from '../helpers/raw.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, random, sharedAlbum, uploadOne } from './helpers.ts'
import type { Account } from '../../src/client/session.ts'
import type { SigningKey } from '../../src/crypto/sign.ts'

type Action = 'list' | 'manifest' | 'thumbnail' | 'original' | 'add' | 'remove' | 're-share' | 'change role'

interface Caller {
  name: string
  /** Bearer token: an account session, a link session, or none. */
  token?: string
  /** The key the caller signs heads with (a link's upload key for link holders). */
  signing?: SigningKey
  /** The node's user record id, for the Blocks.canRead check. */
  userId?: string
  expected: Record<Action, number>
}

const ALL = (status: number): Record<Action, number> => ({
  list: status, manifest: status, thumbnail: status, original: status, add: status, remove: status, 're-share': status, 'change role': status
})

describe('sharing: authorisation matrix', function () {
  let node: TestNode
  let alice: Account
  let victor: Account
  let albumId: string
  let manifest: CID
  let thumbnail: CID
  let original: CID
  /** Alice's second item, which the remove action tries to delete for good. */
  let victim: CID
  const callers: Caller[] = []
  /** How far the node's expiry clock runs ahead of the real one. */
  let ahead = 0

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } }, { expiryNow: () => Date.now() + ahead })
    alice = await account(node.url, 'alice')
    const carol = await account(node.url, 'carol')
    victor = await account(node.url, 'victor')
    const rita = await account(node.url, 'rita')
    const sam = await account(node.url, 'sam')
    await account(node.url, 'olga')

    const owner = await library(alice)
    const album = await owner.ensureAlbum('Matrix')
    albumId = album.id
    const jpeg = new Uint8Array(await sharp(randomBytes(96 * 64 * 3), { raw: { width: 96, height: 64, channels: 3 } }).jpeg().toBuffer())
    const result = await uploadFiles(owner, [bytesSource('photo.jpg', jpeg)], { targets: [album], media: createNodeMediaProcessor() })
    const item = album.items.get(result.items[0] as string)!
    const opened = await openItem(alice.api, album, item)
    manifest = item.manifest
    thumbnail = opened.manifest.parts.thumbnail!.chunks[0]!.cid
    original = opened.manifest.parts.original.chunks[0]!.cid
    victim = (await uploadOne(owner, album, 'victim.bin')).item.manifest

    await shareCollection(owner, album, 'carol', 'collaborator')
    await shareCollection(owner, album, 'victor', 'viewer')
    await shareCollection(owner, album, 'rita', 'collaborator')
    await unshareCollection(owner, album, 'rita')

    const expiring = await createLink(owner, album, { expiresAt: Date.now() + 2000 })
    const expired = await openLink(expiring.url)
    const view = await openLink((await createLink(owner, album)).url)
    const upload = await openLink((await createLink(owner, album, { allowUpload: true })).url)
    const revocable = await createLink(owner, album)
    const revoked = await openLink(revocable.url)
    await revokeLink(owner, revocable.url)
    const withPassword = await createLink(owner, album, { password: 'right' })
    const wrong = await openLink(withPassword.url, { password: 'wrong' }).then(() => undefined, (err: { status?: number }) => err)
    expect(wrong?.status).to.equal(401)
    ahead = Math.max(0, (expiring.expiresAt ?? 0) - Date.now() + 50) // the node's clock runs past the link's expiry; nothing else expires

    const link = (l: OpenedLink): string => l.api.token as string
    const member = (a: Account): Pick<Caller, 'token' | 'signing' | 'userId'> => ({ token: a.api.token, signing: a.keys.signing, userId: a.user.id })
    callers.push(
      { name: 'collaborator', ...member(carol), expected: { ...ALL(200), remove: 403, 're-share': 403, 'change role': 403 } },
      { name: 'viewer', ...member(victor), expected: { ...ALL(200), add: 403, remove: 403, 're-share': 403, 'change role': 403 } },
      { name: 'removed member', ...member(rita), expected: ALL(403) },
      { name: 'stranger', ...member(sam), expected: ALL(403) },
      { name: 'view link holder', token: link(view), signing: view.keys.signing, expected: { ...ALL(200), add: 401, remove: 401, 're-share': 401, 'change role': 401 } },
      { name: 'upload link holder', token: link(upload), signing: upload.keys.signing, expected: { ...ALL(200), remove: 403, 're-share': 401, 'change role': 401 } },
      { name: 'expired link holder', token: link(expired), signing: expired.keys.signing, expected: ALL(410) },
      { name: 'revoked link holder', token: link(revoked), signing: revoked.keys.signing, expected: ALL(410) },
      { name: 'wrong-password link holder', expected: ALL(401) },
      // Last: the owner's remove deletes the victim for good.
      { name: 'owner', ...member(alice), expected: ALL(200) }
    )
  })

  after(async function () {
    await node?.stop()
  })

  /** A head update as `caller`: links a fresh block of theirs (add) or unlinks alice's item (remove). */
  async function writeHead (caller: Caller, kind: 'add' | 'remove'): Promise<HttpResult> {
    const current = (await node.node.db.collections.get(albumId))!
    const links: CID[] = []
    if (kind === 'add') {
      const bytes = random(2_000)
      const cid = await rawCid(bytes)
      const put = await call(node.url, 'PUT', `/api/v1/blocks/${cid.toString()}`, { token: caller.token, body: bytes })
      if (put.status >= 300) return put
      links.push(cid)
    }
    const signing = caller.signing ?? alice.keys.signing
    const update = await headUpdate({
      collection: albumId,
      signing,
      owner: alice.keys.signing.publicKey,
      seq: current.seq + 1,
      prev: CID.parse(current.headCid),
      prevCommit: CID.parse(current.root),
      links,
      unlinks: kind === 'remove' ? [victim] : []
    })
    return await putHead(node.url, caller.token as string, albumId, update)
  }

  async function attempt (caller: Caller, action: Action): Promise<HttpResult> {
    const token = caller.token
    switch (action) {
      case 'list': return await call(node.url, 'GET', `/api/v1/collections/${albumId}/log`, { token })
      case 'manifest': return await call(node.url, 'GET', `/api/v1/blocks/${manifest.toString()}`, { token })
      case 'thumbnail': return await call(node.url, 'GET', `/ipfs/${thumbnail.toString()}?format=raw`, { token })
      case 'original': return await call(node.url, 'GET', `/ipfs/${original.toString()}?format=raw`, { token })
      case 'add': return await writeHead(caller, 'add')
      case 'remove': return await writeHead(caller, 'remove')
      case 're-share': return await call(node.url, 'PUT', `/api/v1/collections/${albumId}/members/olga`, {
        token, body: { role: 'viewer', epoch: 0, sealedKey: randomBytes(105).toString('base64') }
      })
      case 'change role': return await call(node.url, 'PUT', `/api/v1/collections/${albumId}/members/victor`, {
        token, body: { role: 'viewer', epoch: 1, sealedKey: randomBytes(105).toString('base64') }
      })
    }
  }

  const actions: Action[] = ['list', 'manifest', 'thumbnail', 'original', 'add', 're-share', 'change role', 'remove']
  for (const action of actions) {
    it(`${action}: allowed for exactly the callers who may, refused with the right status`, async function () {
      const got: Record<string, number> = {}
      const want: Record<string, number> = {}
      for (const caller of callers) {
        const res = await attempt(caller, action)
        got[caller.name] = res.status
        want[caller.name] = caller.expected[action]
        if (res.status >= 400) {
          expect(res.json?.error?.code, `${caller.name} ${action}`).to.be.a('string')
          expect(res.bytes.byteLength, 'a refusal carries no block bytes').to.be.lessThan(400)
        }
      }
      expect(got).to.deep.equal(want)
    })
  }

  it('gives the same answers through Blocks.canRead, which authorised S3 reads use', async function () {
    for (const caller of callers) {
      if (caller.userId == null) continue
      const user = await node.node.accounts.get(caller.userId)
      const allowed = caller.expected.original === 200
      expect(await node.node.blocks.canRead(user, original), caller.name).to.equal(allowed)
      expect(await node.node.blocks.canRead(user, thumbnail), caller.name).to.equal(allowed)
    }
    expect(await node.node.blocks.canRead(undefined, original)).to.equal(false)
  })

  it('covers blocks a collaborator adds later, and ends the moment a member is removed', async function () {
    // The matrix wrote heads whose records are not real ones into alice's album: fresh accounts here.
    const owner = await library(await account(node.url, 'dora'))
    const eve = await account(node.url, 'eve')
    const album = await owner.ensureAlbum('Later')
    await shareCollection(owner, album, 'eve', 'collaborator')
    await shareCollection(owner, album, 'victor', 'viewer')
    const collaborator = await library(eve)
    const { item } = await uploadOne(collaborator, await sharedAlbum(collaborator, 'Later'), 'later.bin')
    const before = await call(node.url, 'GET', `/ipfs/${item.manifest.toString()}?format=raw`, { token: victor.api.token })
    expect(before.status).to.equal(200)
    await owner.sync()
    await unshareCollection(owner, owner.resolve('Later'), 'victor')
    const after = await call(node.url, 'GET', `/ipfs/${item.manifest.toString()}?format=raw`, { token: victor.api.token })
    expect(after.status).to.equal(403)
  })

})
