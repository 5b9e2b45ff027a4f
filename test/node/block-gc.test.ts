/**
 * The garbage collector of unlinked blocks on a real node (filesystem blockstore, gateway on
 * loopback): blocks uploaded and never committed are deleted after the grace period and their
 * bytes given back; blocks a commit links — manifests, chunks, thumbnails, blocks two users
 * uploaded — stay, whatever the timing of the commit against the sweep; the index survives a
 * restart and is built for data folders from before it; a deletion cut short by a crash is
 * finished once.
 */
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { CID } from 'multiformats/cid'
import { openItem } from '../../src/client/download.ts'
import { memoryJournalStorage, UploadJournal } from '../../src/client/journal.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { createStreamEncryptor } from '../../src/crypto/stream.ts'
import { newKey } from '../../src/crypto/wrap.ts'
import { sealManifest } from '../../src/format/manifest.ts'
import { newId } from '../../src/format/ids.ts'
import { BlockCollector, type SweepResult } from '../../node/block-gc.ts'
import { putOp } from '../../node/db.ts'
import { fileSource } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { call } from '../helpers/http.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { makeJpeg } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { headUpdate, putBlock, putHead, randomBlock, rawInvite, rawSignup, type RawUser } from '../helpers/raw.ts'
import { blockPath } from '../helpers/store.ts'

const HOUR = 3600_000
const GRACE = 24 * HOUR

type Block = Awaited<ReturnType<typeof randomBlock>>

async function keysOf (source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const key of source) out.push(key)
  return out
}

describe('garbage collection of unlinked blocks', function () {
  let node: TestNode
  let admin: RawUser
  let bob: RawUser
  let carol: RawUser
  /** The node's and the sweeps' clock, moved by hand. */
  let clock = Date.now()

  const used = async (id: string): Promise<number> => (await node.node.accounts.get(id))!.usedBytes
  const onDisk = (block: { cid: CID }): boolean => existsSync(blockPath(node.dataDir, block.cid))
  const sweep = async (): Promise<SweepResult> => await new BlockCollector({
    db: node.node.db, blocks: node.node.blocks, graceMs: GRACE, sweepEveryMs: GRACE, now: () => clock
  }).sweep()
  const upload = async (user: RawUser, count: number, size = 50_000): Promise<Block[]> => {
    const blocks = await Promise.all(Array.from({ length: count }, async () => await randomBlock(size)))
    for (const block of blocks) expect(await putBlock(node.url, user.token, block)).to.equal(201)
    return blocks
  }
  /** Links `blocks` from a new collection of `user`'s; returns the HTTP status. */
  const commit = async (user: RawUser, blocks: Array<{ cid: CID }>): Promise<number> => {
    const collection = newId()
    const update = await headUpdate({ collection, signing: user.signing, seq: 1, prev: null, prevCommit: null, links: blocks.map((b) => b.cid) })
    return (await putHead(node.url, user.token, collection, update)).status
  }
  const indexed = async (): Promise<string[]> => await keysOf(node.node.db.unlinked.keys())

  before(async function () {
    node = await startTestNode({}, { now: () => clock })
    admin = await rawSignup(node.url, 'admin')
    bob = await rawSignup(node.url, 'bob', await rawInvite(node.url, admin.token))
    carol = await rawSignup(node.url, 'carol', await rawInvite(node.url, admin.token))
  })

  after(async function () {
    await node?.stop()
  })

  it('deletes blocks no commit linked once the grace period is over, and gives their bytes back', async function () {
    const before = await used(bob.id)
    const blocks = await upload(bob, 3)
    expect(await used(bob.id)).to.equal(before + 150_000)

    clock += GRACE - HOUR
    expect(await sweep()).to.include({ collected: 0 })
    for (const block of blocks) expect(onDisk(block), 'kept during the grace period').to.equal(true)

    clock += 2 * HOUR
    expect(await sweep()).to.include({ collected: 3 })
    expect(await used(bob.id)).to.equal(before)
    for (const block of blocks) {
      expect(onDisk(block)).to.equal(false)
      expect(await node.node.db.blocks.get(block.cid.toString())).to.equal(undefined)
      const res = await call(node.url, 'GET', `/api/v1/blocks/${block.cid}`, { token: bob.token })
      expect(res.status).to.equal(404)
    }
    expect(await indexed()).to.deep.equal([])
    const again = await call(node.url, 'POST', '/api/v1/blocks/have', { token: bob.token, body: { cids: blocks.map((b) => b.cid.toString()) } })
    expect(again.json.have).to.deep.equal([false, false, false])
  })

  it('keeps blocks committed after their upload and before the grace period ended', async function () {
    const blocks = await upload(bob, 2)
    clock += GRACE - HOUR
    expect(await commit(bob, blocks)).to.equal(200)
    clock += 10 * GRACE
    expect(await sweep()).to.include({ collected: 0 })
    for (const block of blocks) {
      expect(onDisk(block)).to.equal(true)
      expect((await node.node.db.blocks.get(block.cid.toString()))?.refs).to.equal(1)
    }
  })

  it('counts a commit\'s links before its head is published, and takes them back when the head cannot be written', async function () {
    const { db } = node.node
    const batch = db.batch.bind(db)
    const writesHead = (operations: Parameters<typeof db.batch>[0]): boolean => operations.some((op) => op.sublevel === (db.collections as unknown))
    const [kept, lost] = await upload(bob, 2) as [Block, Block]
    // A crash right after the head is written must not leave a block it names uncounted, or the
    // sweep would delete a committed photo: when the head is written, the link is counted.
    let refsWhenPublished: number | undefined
    db.batch = (async (operations) => {
      if (writesHead(operations)) refsWhenPublished = (await db.blocks.get(kept.cid.toString()))?.refs
      return await batch(operations)
    }) as typeof db.batch
    try {
      expect(await commit(bob, [kept])).to.equal(200)
    } finally {
      db.batch = batch
    }
    expect(refsWhenPublished).to.equal(1)

    // A head write that fails leaves the block as unlinked as before, so it is still collected.
    db.batch = (async (operations) => {
      if (writesHead(operations)) throw new Error('disk full')
      return await batch(operations)
    }) as typeof db.batch
    try {
      expect(await commit(bob, [lost])).to.equal(500)
    } finally {
      db.batch = batch
    }
    expect((await db.blocks.get(lost.cid.toString()))?.refs).to.equal(0)
    clock += GRACE + HOUR
    await sweep()
    expect(onDisk(lost)).to.equal(false)
    expect(onDisk(kept)).to.equal(true)
  })

  it('keeps a block two users uploaded and one committed, charged to both', async function () {
    const [shared] = await upload(bob, 1) as [Block]
    const bobBefore = await used(bob.id)
    const carolBefore = await used(carol.id)
    expect(await putBlock(node.url, carol.token, shared)).to.equal(200)
    expect(await used(carol.id)).to.equal(carolBefore + 50_000)
    expect(await commit(carol, [shared])).to.equal(200)
    clock += 2 * GRACE
    await sweep()
    expect(onDisk(shared)).to.equal(true)
    expect(await used(bob.id)).to.equal(bobBefore)
    expect(await used(carol.id)).to.equal(carolBefore + 50_000)
  })

  it("restarts the grace period when another user uploads the block, and refunds both when neither commits", async function () {
    const [shared] = await upload(bob, 1) as [Block]
    clock += GRACE - HOUR
    const carolBefore = await used(carol.id)
    expect(await putBlock(node.url, carol.token, shared)).to.equal(200)
    clock += 2 * HOUR
    await sweep()
    expect(onDisk(shared), "carol's upload is recent").to.equal(true)
    const bobBefore = await used(bob.id)
    clock += GRACE
    expect(await sweep()).to.include({ collected: 1 })
    expect(onDisk(shared)).to.equal(false)
    expect(await used(bob.id)).to.equal(bobBefore - 50_000)
    expect(await used(carol.id)).to.equal(carolBefore)
  })

  it('restarts the grace period of blocks a resuming upload asks about', async function () {
    const blocks = await upload(bob, 2)
    clock += GRACE - HOUR
    const res = await call(node.url, 'POST', '/api/v1/blocks/have', { token: bob.token, body: { cids: blocks.map((b) => b.cid.toString()) } })
    expect(res.json.have).to.deep.equal([true, true])
    clock += 2 * HOUR
    expect(await sweep()).to.include({ collected: 0 })
    clock += GRACE
    expect(await sweep()).to.include({ collected: 2 })
  })

  it('never loses a block that a commit racing the sweep links', async function () {
    this.timeout(300_000)
    const before = await used(bob.id)
    const blocks = await upload(bob, 40, 2_000)
    clock += GRACE + HOUR
    const statuses: number[] = []
    const sweeps: Array<Promise<SweepResult>> = []
    await Promise.all([
      ...blocks.map(async (block, i) => {
        if (i % 8 === 0) sweeps.push(sweep())
        statuses[i] = await commit(bob, [block])
      }),
      ...Array.from({ length: 4 }, async () => { sweeps.push(sweep()) })
    ])
    await Promise.all(sweeps)
    await sweep()
    let kept = 0
    for (const [i, block] of blocks.entries()) {
      const record = await node.node.db.blocks.get(block.cid.toString())
      if (statuses[i] === 200) {
        kept++
        expect(record?.refs, `block ${i} was committed`).to.equal(1)
        expect(onDisk(block), `block ${i} was committed`).to.equal(true)
      } else {
        expect(statuses[i], `block ${i}`).to.be.oneOf([403, 409])
        expect(record).to.equal(undefined)
        expect(onDisk(block)).to.equal(false)
      }
    }
    expect(await used(bob.id)).to.equal(before + kept * 2_000)
  })

  it("keeps a manifest's chunk that arrived after a commit linked the manifest", async function () {
    const fileKey = newKey()
    const encryptor = createStreamEncryptor(fileKey)
    const chunks: Block[] = []
    for await (const chunk of encryptor.encrypt([new Uint8Array(randomBytes(3000))])) chunks.push({ cid: chunk.cid, bytes: chunk.bytes })
    const original = encryptor.descriptor()
    const manifest = await sealManifest(fileKey, newId(), { kind: 'other', name: 'late.bin', mime: 'application/octet-stream', size: original.size, mtime: 0, contentTag: new Uint8Array(32), parts: { original } })
    expect(await putBlock(node.url, bob.token, manifest)).to.equal(201)
    expect(await commit(bob, [manifest])).to.equal(200)
    for (const chunk of chunks) expect(await putBlock(node.url, bob.token, chunk)).to.equal(201)
    clock += 2 * GRACE
    expect(await sweep()).to.include({ collected: 0, kept: chunks.length })
    for (const chunk of chunks) expect(onDisk(chunk)).to.equal(true)
  })

  it('finishes a deletion a crash cut short, refunding each owner once', async function () {
    const [block] = await upload(bob, 1) as [Block]
    expect(await putBlock(node.url, carol.token, block)).to.equal(200)
    const bobBefore = await used(bob.id)
    const carolBefore = await used(carol.id)
    // The first step of a deletion, as Blocks writes it: the record gone, the release noted.
    const key = block.cid.toString()
    const { db } = node.node
    const record = (await db.blocks.get(key))!
    await db.writeBlock(key, record, undefined, [putOp(db.releases, key, { size: record.size, owners: record.owners })])
    await node.restart()
    expect(await used(bob.id)).to.equal(bobBefore - 50_000)
    expect(await used(carol.id)).to.equal(carolBefore - 50_000)
    expect(onDisk(block)).to.equal(false)
    expect(await sweep()).to.include({ finished: 0 })
    expect(await used(bob.id)).to.equal(bobBefore - 50_000)
  })

  it('keeps the index across a restart, and builds it for a data folder from before it', async function () {
    const blocks = await upload(bob, 2)
    const ours = async (): Promise<string[]> => (await indexed()).filter((e) => blocks.some((b) => e.endsWith(`!${b.cid}`)))
    const entries = await ours()
    expect(entries).to.have.length(2)
    await node.restart()
    expect(await ours()).to.deep.equal(entries)

    // A data folder from before the index: no entries, no grace start, no marker.
    const { db } = node.node
    for (const entry of entries) await db.unlinked.del(entry)
    for (const block of blocks) {
      const { pendingSince: _, ...old } = (await db.blocks.get(block.cid.toString()))!
      await db.blocks.put(block.cid.toString(), old)
    }
    await db.settings.del('unlinked-v1')
    clock += 2 * GRACE
    await node.restart()
    expect(await ours()).to.have.length(2)
    expect(await sweep(), 'old blocks get a whole grace period from the upgrade').to.include({ collected: 0 })
    clock += GRACE + 1
    expect(await sweep()).to.include({ collected: 2 })
    for (const block of blocks) expect(onDisk(block)).to.equal(false)
  })
})

describe('garbage collection and the client', function () {
  let node: TestNode
  let account: Account
  let work: string

  before(async function () {
    node = await startTestNode({ blocks: { unlinkedGraceSeconds: 3600 } })
    account = (await signup(node.url, 'gc-client', 'gc-client-password-1')).account
    work = await mkdtemp(join(tmpdir(), 'obscura-gc-'))
  })

  after(async function () {
    await node?.stop()
    await rm(work, { recursive: true, force: true })
  })

  it('keeps every block of a committed item: manifest, chunks and thumbnail', async function () {
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Kept')
    await makeJpeg(join(work, 'photo.jpg'))
    const photoBytes = await readFile(join(work, 'photo.jpg'))
    await uploadFiles(library, [bytesSource('big.bin', new Uint8Array(randomBytes(2_500_000))), fileSource(join(work, 'photo.jpg'), photoBytes.byteLength, Date.now())], {
      targets: [album], media: createNodeMediaProcessor()
    })
    const cids: CID[] = []
    for (const item of album.items.values()) {
      const opened = await openItem(library.account.api, album, item)
      cids.push(item.manifest, ...Object.values(opened.manifest.parts).flatMap((part) => part?.chunks.map((c) => c.cid) ?? []))
    }
    const photo = [...album.items.values()].find((i) => i.name === 'photo.jpg')!
    expect(Object.keys((await openItem(library.account.api, album, photo)).manifest.parts)).to.include('thumbnail')
    const later = Date.now() + 48 * HOUR
    const result = await new BlockCollector({ db: node.node.db, blocks: node.node.blocks, graceMs: HOUR, sweepEveryMs: HOUR, now: () => later }).sweep()
    expect(result).to.include({ collected: 0 })
    for (const cid of cids) expect(existsSync(blockPath(node.dataDir, cid)), cid.toString()).to.equal(true)
    for (const item of album.items.values()) await readItem(library, album, item)
  })

  it('resumes an upload whose blocks were collected meanwhile by sending them again', async function () {
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Resumed')
    const journal = new UploadJournal(memoryJournalStorage())
    const bytes = new Uint8Array(randomBytes(20 * 1024 * 1024))
    const abort = new AbortController()
    let sent = 0
    await uploadFiles(library, [bytesSource('resume.bin', bytes)], {
      targets: [album],
      journal,
      signal: abort.signal,
      onProgress: (event) => { if (event.type === 'obscura:upload:bytes' && event.fileBytes >= 17 * 1024 * 1024 && sent++ === 0) abort.abort() }
    }).then(() => { throw new Error('the upload was not interrupted') }, (err: Error) => { if (err.message === 'the upload was not interrupted') throw err })
    // Let the PUTs in flight when the upload stopped land.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const stored = await keysOf(node.node.db.unlinked.keys())
    expect(stored.length, 'chunks the journal lists as uploaded').to.be.greaterThan(16)

    const later = Date.now() + 2 * HOUR
    const swept = await new BlockCollector({ db: node.node.db, blocks: node.node.blocks, graceMs: HOUR, sweepEveryMs: HOUR, now: () => later }).sweep()
    expect(swept.collected).to.equal(stored.length)
    expect(await keysOf(node.node.db.unlinked.keys())).to.deep.equal([])

    await uploadFiles(library, [bytesSource('resume.bin', bytes)], { targets: [album], journal })
    const item = [...album.items.values()].find((i) => i.name === 'resume.bin')!
    expect(Buffer.from(await readItem(library, album, item)).equals(Buffer.from(bytes))).to.equal(true)
  })

  it('sweeps on its own while the node runs', async function () {
    const quick = await startTestNode({ blocks: { unlinkedGraceSeconds: 0.2, sweepSeconds: 0.1 } })
    try {
      const user = await rawSignup(quick.url, 'quick')
      const block = await randomBlock(10_000)
      expect(await putBlock(quick.url, user.token, block)).to.equal(201)
      const deadline = Date.now() + 10_000
      while (existsSync(blockPath(quick.dataDir, block.cid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(existsSync(blockPath(quick.dataDir, block.cid))).to.equal(false)
      expect((await quick.node.accounts.get(user.id))!.usedBytes).to.equal(0)
    } finally {
      await quick.stop()
    }
  })
})
