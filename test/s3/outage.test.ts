/**
 * The S3 server going away in the middle of a direct upload: the upload stops with a clear error
 * (STORAGE_UNAVAILABLE), and once the server is back the same upload run again completes — one
 * item, every block in the bucket and on record, each charged once, and what the interrupted run
 * left behind cleared by the sweep.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { ApiError } from '../../src/client/errors.ts'
import { memoryJournalStorage, UploadJournal } from '../../src/client/journal.ts'
import { restoreAccount, serialiseAccount, type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { DirectS3 } from '../../node/direct-s3.ts'
import { S3Blockstore } from '../../node/storage/s3.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { onlyOn, s3StorageConfig, startTestS3, type TestS3 } from './helpers.ts'

describe('direct S3 upload when the S3 server stops', function () {
  let s3: TestS3
  let node: TestNode
  let alice: Account
  let store: S3Blockstore

  before(async function () {
    onlyOn(this, 's3rver') // stops and restarts the server
    s3 = await startTestS3()
    node = await startTestNode({ storage: s3StorageConfig(s3, { direct: 'authorised' }) })
    alice = (await signup(node.url, 'alice', 'alice-password-1')).account
    store = node.node.direct!.store
  })

  after(async function () {
    await node?.stop()
    await s3?.destroy()
  })

  it('fails with a clear error, and a later retry completes without duplicates or lost blocks', async function () {
    const bytes = new Uint8Array(randomBytes(24 * 1024 * 1024 + 777))
    const journal = new UploadJournal(memoryJournalStorage())
    const library = await openLibrary(alice)
    const album = await library.ensureAlbum('Holiday')

    let stopped: Promise<void> | undefined
    let failure: unknown
    try {
      await uploadFiles(library, [bytesSource('holiday.mov', bytes)], {
        targets: [album],
        journal,
        onProgress: (event) => {
          if (event.type === 'obscura:upload:bytes' && stopped == null) stopped = s3.stop()
        }
      })
    } catch (err) {
      failure = err
    }
    await stopped
    expect(failure, 'the upload went through with the S3 server stopped').to.be.instanceOf(ApiError)
    expect((failure as ApiError).code).to.equal('STORAGE_UNAVAILABLE')
    expect((failure as ApiError).status).to.equal(503)
    expect((failure as ApiError).message).to.match(/block storage is unavailable .*; try again later/)
    expect((await openLibrary(alice)).resolve('Holiday').items.size).to.equal(0)

    await s3.restart()
    // A later run, as a CLI started again would be: a fresh client for the same account.
    const later = await restoreAccount(JSON.parse(JSON.stringify(serialiseAccount(alice))))
    const again = await openLibrary(later)
    const result = await uploadFiles(again, [bytesSource('holiday.mov', bytes)], { targets: [again.resolve('Holiday')], journal })
    expect(result.uploaded).to.equal(1)

    const fresh = await openLibrary(later)
    const state = fresh.resolve('Holiday')
    expect([...state.items.values()].map((i) => i.name)).to.deep.equal(['holiday.mov'])
    const item = [...state.items.values()][0]!
    expect(Buffer.from(await readItem(fresh, state, item)).equals(Buffer.from(bytes))).to.equal(true)

    // Every block on record is charged to alice once.
    const onRecord = new Map<string, number>()
    for await (const [cid, record] of node.node.db.blocks.iterator()) {
      expect(record.owners).to.deep.equal([alice.user.id])
      onRecord.set(cid, record.size)
    }
    const charged = [...onRecord.values()].reduce((a, b) => a + b, 0)
    expect((await node.node.accounts.get(alice.user.id))!.usedBytes).to.equal(charged)
    expect(charged).to.be.greaterThan(bytes.byteLength)

    // What the interrupted run signed and never committed (its manifest is sealed afresh on the
    // retry; blocks the node stored through the gateway while the bucket came back) is swept once
    // its URLs have long expired; then the bucket holds exactly the blocks on record.
    const sweeper = new DirectS3({
      mode: 'authorised',
      store,
      db: node.node.db,
      blocks: node.node.blocks,
      accounts: node.node.accounts,
      urlExpirySeconds: 300,
      verifyUploads: 'auto',
      now: () => Date.now() + 3_600_000
    })
    await sweeper.sweep()
    for await (const key of node.node.db.s3Uploads.keys()) expect.fail(`upload ${key} was not swept`)
    const inBucket = new Set<string>()
    for await (const { cid } of store.getAll()) inBucket.add(cid.toString())
    expect([...inBucket].sort()).to.deep.equal([...onRecord.keys()].sort())
  })
})
