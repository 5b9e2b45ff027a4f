/**
 * Sync against a node that lies. The client fetches a collection's log from a real node through
 * a tampering wrapper (altered, dropped, reordered commits; an old or foreign head) and must
 * refuse each lie without applying any of it: verify before apply.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { emptyCollection, syncCollection, type CollectionState } from '../../src/client/collection.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { signingKeyFromSeed } from '../../src/crypto/sign.ts'
import { createHead, decodeHead } from '../../src/format/head.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import type { ApiLog, NodeApi } from '../../src/client/api.ts'

type Tamper = (page: ApiLog) => ApiLog | Promise<ApiLog>

/** The account's API with `log` answers passed through `tamper`. */
function lyingApi (api: NodeApi, tamper: Tamper): NodeApi {
  const liar = Object.create(api) as NodeApi
  liar.log = async (...args: Parameters<NodeApi['log']>) => await tamper(await api.log(...args))
  return liar
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

describe('client sync against a lying node', function () {
  let node: TestNode
  let account: Account
  let albumId: string
  let albumKey: Uint8Array
  /** The log page of the album from seq 0 when it held two items (seq 3). */
  let oldPage: ApiLog

  const fresh = (): CollectionState => emptyCollection(albumId, albumKey, account.keys.signing.publicKey)

  before(async function () {
    node = await startTestNode()
    account = (await signup(node.url, 'alice', 'alice-sync-password')).account
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Watched')
    albumId = album.id
    albumKey = album.key
    for (const name of ['one.bin', 'two.bin']) {
      await uploadFiles(library, [bytesSource(name, new Uint8Array(randomBytes(5_000)))], { targets: [album] })
    }
    oldPage = await account.api.log(albumId, 0, 1000)
    await uploadFiles(library, [bytesSource('three.bin', new Uint8Array(randomBytes(5_000)))], { targets: [album] })
  })

  after(async function () {
    await node?.stop()
  })

  /** Syncs `state` through `tamper` and expects a refusal that changed nothing. */
  async function expectRefused (state: CollectionState, tamper: Tamper): Promise<Error> {
    const before = { seq: state.seq, root: state.root?.toString(), items: [...state.items.keys()] }
    let failure: unknown
    try {
      await syncCollection(lyingApi(account.api, tamper), state)
    } catch (err) {
      failure = err
    }
    expect(failure, 'sync accepted the lie').to.be.instanceOf(Error)
    expect({ seq: state.seq, root: state.root?.toString(), items: [...state.items.keys()] }).to.deep.equal(before)
    return failure as Error
  }

  it('syncs the honest log', async function () {
    const state = fresh()
    await syncCollection(account.api, state)
    expect([...state.items.values()].map((i) => i.name).sort()).to.deep.equal(['one.bin', 'three.bin', 'two.bin'])
  })

  it('refuses a log with one altered byte in a commit', async function () {
    await expectRefused(fresh(), (page) => {
      const commits = page.commits.map((c, n) => {
        if (n !== 2) return c
        const bytes = Buffer.from(c.bytes, 'base64')
        bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0x01
        return { ...c, bytes: b64(bytes) }
      })
      return { ...page, commits }
    })
  })

  it('refuses a log with its last commit withheld (truncation)', async function () {
    await expectRefused(fresh(), (page) => ({ ...page, commits: page.commits.slice(0, -1) }))
  })

  it('refuses a log with a commit dropped from the middle', async function () {
    await expectRefused(fresh(), (page) => ({ ...page, commits: page.commits.filter((_, n) => n !== 1) }))
  })

  it('refuses reordered commits', async function () {
    await expectRefused(fresh(), (page) => {
      const commits = [...page.commits]
      ;[commits[1], commits[2]] = [commits[2]!, commits[1]!]
      return { ...page, commits }
    })
  })

  it('refuses a rolled-back head after it has seen a newer one', async function () {
    const state = fresh()
    await syncCollection(account.api, state)
    const err = await expectRefused(state, () => ({ ...oldPage, commits: [] }))
    expect(err.name).to.equal('RollbackError')
  })

  it('refuses a head signed by a key that may not write here', async function () {
    const stranger = await signingKeyFromSeed(new Uint8Array(randomBytes(32)))
    await expectRefused(fresh(), async (page) => {
      const real = decodeHead(Buffer.from(page.head, 'base64'))
      const { bytes } = await createHead({ collection: real.collection, owner: real.owner, seq: real.seq, root: real.root, prev: real.prev }, stranger)
      return { ...page, head: b64(bytes) }
    })
  })

  it("refuses another collection's log served under this id", async function () {
    const library = await openLibrary(account)
    const other = await library.ensureAlbum('Elsewhere')
    const otherPage = await account.api.log(other.id, 0, 1000)
    await expectRefused(fresh(), () => otherPage)
  })
})
