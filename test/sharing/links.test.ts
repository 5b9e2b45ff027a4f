/**
 * Public links end to end: a viewer with no account opens the URL (and its password) and gets
 * the album's photos decrypted; expired and revoked links answer 410 with their code; a wrong
 * password gets nothing; the device limit counts distinct devices; uploads through an
 * allow-upload link are charged to the owner; and the key in the URL never reaches the node.
 */
import { expect } from 'chai'
import { ApiError } from '../../src/client/errors.ts'
import { createLink, linkToken, listLinks, openLink, parseLinkUrl, revokeLink, uploadToLink, linkUploader, LinkPasswordRequiredError, type OpenedLink } from '../../src/client/links.ts'
import { openItem, readPart } from '../../src/client/download.ts'
import { rawCid } from '../../src/format/cid.ts'
import { bytesSource } from '../helpers/client.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { account, library, random, uploadOne } from './helpers.ts'
import type { Account } from '../../src/client/session.ts'
import type { Library } from '../../src/client/library.ts'
import type { CollectionState } from '../../src/client/collection.ts'

async function readVia (link: OpenedLink, collection: CollectionState, itemId: string): Promise<Uint8Array> {
  const opened = await openItem(link.api, collection, collection.items.get(itemId)!)
  const parts: Uint8Array[] = []
  for await (const part of readPart(link.api, opened)) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

async function failure (promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe('sharing: public links', function () {
  let node: TestNode
  let alice: Account
  let owner: Library
  let album: CollectionState
  let photo: Uint8Array
  /** How far the node's expiry clock runs ahead of the real one. */
  let ahead = 0

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } }, { expiryNow: () => Date.now() + ahead })
    alice = await account(node.url, 'alice')
    owner = await library(alice)
    album = await owner.ensureAlbum('Wedding')
    photo = (await uploadOne(owner, album, 'vows.bin', 40_000)).bytes
  })

  after(async function () {
    await node?.stop()
  })

  it('prints http://node/s/<token>#<key> with a 128-bit token, and the key never reaches the node', async function () {
    const link = await createLink(owner, album)
    const { node: base, token, secret } = parseLinkUrl(link.url)
    expect(base).to.equal(node.url)
    expect(Buffer.from(token, 'base64url')).to.have.length(16)
    expect(secret).to.have.length(32)
    const fragment = link.url.split('#')[1] as string
    const stored = JSON.stringify(await node.node.db.publicLinks.get(link.id))
    expect(stored).to.not.include(fragment)
    expect(stored).to.not.include(token)
  })

  it('opens without an account and decrypts the photos', async function () {
    const link = await createLink(owner, album)
    const opened = await openLink(link.url)
    const item = [...opened.collection.items.values()][0]!
    expect(opened.collection.name).to.equal('Wedding')
    expect(await readVia(opened, opened.collection, item.id)).to.deep.equal(photo)
  })

  it('answers 410 LINK_EXPIRED for an expired link, and ends its sessions', async function () {
    const link = await createLink(owner, album, { expiresAt: Date.now() + 1500 })
    const opened = await openLink(link.url)
    ahead = 1600
    try {
      const describe = await call(node.url, 'GET', `/api/v1/links/${linkToken(link.url)}`)
      expect(describe.status).to.equal(410)
      expect(errorCode(describe)).to.equal('LINK_EXPIRED')
      const log = await failure(opened.api.log(album.id, 0, 10))
      expect([log.status, log.code]).to.deep.equal([410, 'LINK_EXPIRED'])
    } finally {
      ahead = 0
    }
  })

  it('answers 410 LINK_REVOKED once revoked, and re-keys the album', async function () {
    const link = await createLink(owner, album)
    const opened = await openLink(link.url)
    const epoch = album.epoch
    await revokeLink(owner, link.url)
    expect(album.epoch).to.equal(epoch + 1)
    const log = await failure(opened.api.log(album.id, 0, 10))
    expect([log.status, log.code]).to.deep.equal([410, 'LINK_REVOKED'])
    const again = await failure(openLink(link.url))
    expect([again.status, again.code]).to.deep.equal([410, 'LINK_REVOKED'])
    const listed = await listLinks(owner, album)
    expect(listed.find((l) => l.id === link.id)?.revokedAt).to.be.a('number')
  })

  it('names the owner to a session on the link (the page’s "shared by"), not to the token alone or before the password', async function () {
    const plain = await createLink(owner, album)
    const described = await call(node.url, 'GET', `/api/v1/links/${linkToken(plain.url)}`)
    expect(described.status).to.equal(200)
    expect(described.json.ownerName).to.equal(undefined)
    expect((await openLink(plain.url)).ownerName).to.equal('alice')
    const locked = await createLink(owner, album, { password: 'sesame street' })
    expect((await call(node.url, 'GET', `/api/v1/links/${linkToken(locked.url)}`)).json.ownerName).to.equal(undefined)
    expect((await openLink(locked.url, { password: 'sesame street' })).ownerName).to.equal('alice')
  })

  it('needs the password before any album data, and refuses a wrong one', async function () {
    const link = await createLink(owner, album, { password: 'open sesame' })
    let missing: unknown
    try {
      await openLink(link.url)
    } catch (err) {
      missing = err
    }
    expect(missing).to.be.instanceOf(LinkPasswordRequiredError)
    const wrong = await failure(openLink(link.url, { password: 'open barley' }))
    expect([wrong.status, wrong.code]).to.deep.equal([401, 'LINK_PASSWORD'])
    const noProof = await call(node.url, 'POST', `/api/v1/links/${linkToken(link.url)}/session`, { body: { device: 'a'.repeat(32) } })
    expect([noProof.status, errorCode(noProof)]).to.deep.equal([401, 'LINK_PASSWORD'])
    expect(noProof.json.link).to.equal(undefined)
    const opened = await openLink(link.url, { password: 'open sesame' })
    expect(opened.collection.items.size).to.equal(1)
    const stored = JSON.stringify(await node.node.db.publicLinks.get(link.id))
    expect(stored).to.not.include('open sesame')
  })

  it('counts distinct devices and refuses one too many (403 DEVICE_LIMIT)', async function () {
    const link = await createLink(owner, album, { deviceLimit: 2 })
    await openLink(link.url, { device: 'device-one-0000000' })
    await openLink(link.url, { device: 'device-two-0000000' })
    await openLink(link.url, { device: 'device-one-0000000' })
    const third = await failure(openLink(link.url, { device: 'device-three-00000' }))
    expect([third.status, third.code]).to.deep.equal([403, 'DEVICE_LIMIT'])
  })

  it('lets holders of an --allow-upload link add photos, charged to the owner, and change nothing else', async function () {
    const link = await createLink(owner, album, { allowUpload: true })
    const opened = await openLink(link.url)
    const before = (await node.node.accounts.get(alice.user.id))!.usedBytes
    const bytes = random(30_000)
    const result = await uploadToLink(opened, [bytesSource('guest.bin', bytes)])
    expect(result.uploaded).to.equal(1)
    expect((await node.node.accounts.get(alice.user.id))!.usedBytes).to.be.greaterThan(before + 30_000)

    await owner.sync()
    const seen = owner.resolve('Wedding')
    const guest = seen.items.get(result.items[0] as string)!
    expect(guest.name).to.equal('guest.bin')
    expect(Buffer.from(guest.author).equals(Buffer.from(opened.keys.signing.publicKey))).to.equal(true)

    // The link may not delete the owner's photo: the node refuses to release blocks for it.
    const ownersItem = [...opened.collection.items.values()].find((i) => i.name === 'vows.bin')!
    const refused = await failure(linkUploader(opened).commit(opened.collection, [{ op: 'remove', item: ownersItem.id }], { unlinks: [ownersItem.manifest] }))
    expect(refused.status).to.equal(403)

    // A view-only link stores nothing.
    const viewOnly = await openLink((await createLink(owner, album)).url)
    const block = random(100)
    const notAllowed = await failure(viewOnly.api.putBlock((await rawCid(block)).toString(), block))
    expect(notAllowed.status).to.equal(401)
  })

  it('marks a --no-download link so that clients hide originals', async function () {
    const link = await createLink(owner, album, { noDownload: true })
    const opened = await openLink(link.url)
    expect(opened.noDownload).to.equal(true)
  })
})

describe('sharing: rate limits on links', function () {
  let node: TestNode

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
  })

  after(async function () {
    await node?.stop()
  })

  it('answers 429 after ten wrong password proofs from one client (no Argon2id needed to try)', async function () {
    const alice = await account(node.url, 'alice')
    const lib = await library(alice)
    const link = await createLink(lib, await lib.ensureAlbum('Locked'), { password: 'secret' })
    const token = linkToken(link.url)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const challenge = await call(node.url, 'POST', `/api/v1/links/${token}/challenge`)
      if (challenge.status !== 200) {
        statuses.push(challenge.status)
        continue
      }
      const res = await call(node.url, 'POST', `/api/v1/links/${token}/session`, {
        body: { device: 'd'.repeat(32), challengeId: challenge.json.challengeId, signature: Buffer.from(random(64)).toString('base64') }
      })
      statuses.push(res.status)
    }
    expect(statuses).to.deep.equal([...new Array(10).fill(401), 429])
    const right = await failure(openLink(link.url, { password: 'secret' }))
    expect(right.status).to.equal(429)
  })

  it('answers 429 after ten unknown tokens from one client, for every token', async function () {
    const bert = await account(node.url, 'bert')
    const lib = await library(bert)
    const link = await createLink(lib, await lib.ensureAlbum('Rate'))
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await call(node.url, 'GET', `/api/v1/links/${'A'.repeat(21)}${String.fromCharCode(65 + i)}`)).status)
    }
    expect(statuses.slice(0, 10)).to.deep.equal(new Array(10).fill(404))
    expect(statuses[10]).to.equal(429)
    const real = await call(node.url, 'GET', `/api/v1/links/${linkToken(link.url)}`)
    expect(real.status).to.equal(429)
  })
})
