/**
 * Resuming an interrupted upload from its journal, against a real node: a file edited in place
 * (same size, same mtime) between the two runs is never sealed again under the key and nonces
 * the first run used, which would let the node XOR two ciphertexts into the XOR of two
 * plaintexts; and what the first run finished of an item (thumbnail, preview, manifest) is
 * reused rather than sealed again under new ids and left to be charged until it is collected.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { openItem } from '../../src/client/download.ts'
import { toBase64 } from '../../src/client/encoding.ts'
import { boxSeal } from '../../src/crypto/box.ts'
import { LABELS } from '../../src/crypto/labels.ts'
import { memoryJournalStorage, UploadJournal, type StoredJournalEntry } from '../../src/client/journal.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles, type UploadOptions, type UploadSource } from '../../src/client/upload.ts'
import { fileSource } from '../../node/cli/files.ts'
import { createNodeMediaProcessor } from '../../node/media/processor.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { makeJpeg } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { editEveryChunk, keystreamReuse, storedChunks } from '../helpers/keystream.ts'

const MiB = 1024 * 1024

describe('resumed uploads', function () {
  let node: TestNode
  let account: Account
  let work: string
  let inFlight = 0

  before(async function () {
    node = await startTestNode()
    account = (await signup(node.url, 'resumer', 'resumer-password-1')).account
    work = await mkdtemp(join(tmpdir(), 'obscura-resume-'))
    // Count the block writes under way, so that a test can wait for those an aborted upload left.
    const blocks = node.node.blocks
    const put = blocks.put.bind(blocks)
    blocks.put = async (...args) => {
      inFlight++
      try {
        return await put(...args)
      } finally {
        inFlight--
      }
    }
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  /** Runs an upload and aborts it once `stopAt` bytes of the file named `name` are confirmed. */
  async function interruptedUpload (sources: UploadSource[], name: string, stopAt: number, options: Omit<UploadOptions, 'targets'> & { targets: UploadOptions['targets'] }): Promise<void> {
    const abort = new AbortController()
    const outcome = await uploadFiles(await openLibrary(account), sources, {
      ...options,
      signal: abort.signal,
      onProgress: (event) => { if (event.type === 'obscura:upload:bytes' && event.name === name && event.fileBytes >= stopAt) abort.abort() }
    }).then(() => 'finished', () => 'aborted')
    expect(outcome).to.equal('aborted')
    await settled()
  }

  /** Waits until the node has finished the block writes an aborted upload left under way. */
  async function settled (): Promise<void> {
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  /** Blocks stored and linked by no commit (`<time>!<cid>` in the node's index). */
  async function unlinkedCids (): Promise<Set<string>> {
    const out = new Set<string>()
    for await (const key of node.node.db.unlinked.keys()) out.add(key.slice(key.indexOf('!') + 1))
    return out
  }

  it('never seals the bytes of a file edited in place under the key and nonces of its interrupted upload', async function () {
    const path = join(work, 'edited.bin')
    const size = 6 * MiB + 1234
    const before = new Uint8Array(randomBytes(size))
    await writeFile(path, before)
    const mtime = new Date(Date.UTC(2024, 2, 3, 4, 5, 6))
    await utimes(path, mtime, mtime)
    const journal = new UploadJournal(memoryJournalStorage())
    const library = await openLibrary(account)
    const album = await library.ensureAlbum('Edited')
    const seenBefore = new Set((await storedChunks(node)).keys())

    await interruptedUpload([fileSource(path, size, mtime.getTime())], 'edited.bin', 3 * MiB, { targets: [album], journal })

    // Edit in place, as `exiftool -P` or `touch -r` leave it: every chunk changes a little, the
    // size and modification time do not.
    const after = editEveryChunk(before, (n) => new Uint8Array(randomBytes(n)))
    const handle = await open(path, 'r+')
    await handle.write(after, 0, size, 0)
    await handle.close()
    await utimes(path, mtime, mtime)

    const notes: string[] = []
    const resumedLibrary = await openLibrary(account)
    await uploadFiles(resumedLibrary, [fileSource(path, size, mtime.getTime())], {
      targets: [resumedLibrary.resolve('Edited')],
      journal,
      onProgress: (event) => { if (event.type === 'obscura:upload:note') notes.push(event.note) }
    })
    await settled()

    // The attack: the XOR of two ciphertexts sealed under one key and nonce is the XOR of their
    // plaintexts. Every pair of chunks this test stored, against every chunk position.
    const chunks = new Map([...(await storedChunks(node)).entries()].filter(([cid]) => !seenBefore.has(cid)))
    expect(chunks.size, 'chunks of both runs').to.be.greaterThan(7)
    const reused = keystreamReuse(chunks, before, after)
    expect(reused, 'ciphertext pairs that give away the XOR of the two versions').to.deep.equal([])
    expect(notes).to.deep.equal(['it changed since its interrupted upload, so it is uploaded again from the start'])

    const fresh = await openLibrary(account)
    const state = fresh.resolve('Edited')
    const item = [...state.items.values()].find((i) => i.name === 'edited.bin')!
    expect(Buffer.from(await readItem(fresh, state, item)).equals(Buffer.from(after))).to.equal(true)
  })

  it('reuses the thumbnail and manifest its interrupted upload stored, leaving nothing to collect', async function () {
    const photoPath = join(work, 'photo.jpg')
    await makeJpeg(photoPath, { make: 'Obscura Test Camera', model: 'OT-1' })
    const photoSize = (await readFile(photoPath)).byteLength
    const big = new Uint8Array(randomBytes(6 * MiB))
    const bigPath = join(work, 'big.bin')
    await writeFile(bigPath, big)
    const sources = (): UploadSource[] => [fileSource(photoPath, photoSize, Date.UTC(2024, 0, 1)), fileSource(bigPath, big.byteLength, Date.UTC(2024, 0, 2))]
    const journal = new UploadJournal(memoryJournalStorage())
    const media = createNodeMediaProcessor()
    const album = await (await openLibrary(account)).ensureAlbum('Photos')
    const unlinkedBefore = await unlinkedCids()

    // The photo is sent whole (chunks, thumbnail, preview, manifest) but not committed: the
    // upload stops during the next file, before the batch's commit.
    await interruptedUpload(sources(), 'big.bin', 2 * MiB, { targets: [album], journal, media })
    expect((await openLibrary(account)).resolve('Photos').items.size).to.equal(0)

    const library = await openLibrary(account)
    const result = await uploadFiles(library, sources(), { targets: [library.resolve('Photos')], journal, media })
    expect(result.uploaded).to.equal(2)
    await settled()

    const fresh = await openLibrary(account)
    const state = fresh.resolve('Photos')
    const photo = [...state.items.values()].find((i) => i.name === 'photo.jpg')!
    expect(Object.keys((await openItem(fresh.account.api, state, photo)).manifest.parts)).to.include('thumbnail')
    const left = [...await unlinkedCids()].filter((cid) => !unlinkedBefore.has(cid))
    expect(left, 'blocks stored by the interrupted run that the finished items do not use').to.deep.equal([])
  })
})

describe('upload journal', function () {
  it('names every block in the journal before the block reaches the node', async function () {
    const node = await startTestNode()
    const work = await mkdtemp(join(tmpdir(), 'obscura-journal-'))
    try {
      const account = (await signup(node.url, 'writer', 'writer-password-1')).account
      const storage = memoryJournalStorage()
      const named = new Set<string>()
      const journal = new UploadJournal({
        ...storage,
        write: async (key, entry) => {
          // Every CID the entry mentions, whatever its layout.
          for (const cid of JSON.stringify(entry).match(/\bbaf[a-z2-7]{50,}/g) ?? []) named.add(cid)
          await storage.write(key, entry)
        }
      })
      const unnamed: string[] = []
      const blocks = node.node.blocks
      const put = blocks.put.bind(blocks)
      blocks.put = async (user, cid, bytes) => {
        if (!named.has(cid.toString())) unnamed.push(cid.toString())
        return await put(user, cid, bytes)
      }
      const photoPath = join(work, 'photo.jpg')
      await makeJpeg(photoPath)
      const photoSize = (await readFile(photoPath)).byteLength
      const library = await openLibrary(account)
      const result = await uploadFiles(library, [fileSource(photoPath, photoSize, Date.UTC(2024, 0, 1)), bytesSource('big.bin', new Uint8Array(randomBytes(20 * MiB + 5)))], {
        targets: [await library.ensureAlbum('Named')],
        journal,
        media: createNodeMediaProcessor()
      })
      expect(result.uploaded).to.equal(2)
      expect(unnamed, 'blocks sent before a journal write named them').to.deep.equal([])
      expect(named.size).to.be.greaterThan(22)
    } finally {
      await node.stop()
      await rm(work, { recursive: true, force: true })
    }
  })

  it('drops an entry of the first format, which cannot tell which chunks were sent', async function () {
    const storage = memoryJournalStorage()
    const masterKey = new Uint8Array(randomBytes(32))
    const journal = new UploadJournal(storage)
    const fileKeyBox = toBase64(boxSeal(masterKey, new Uint8Array(randomBytes(32)), { label: LABELS.boxJournalFileKey }))
    const legacy = { itemId: 'item', fileKeyBox, salt: toBase64(new Uint8Array(randomBytes(16))), uploaded: [] }
    await storage.write('k', legacy as unknown as StoredJournalEntry)
    expect(await journal.get('k', masterKey)).to.equal(undefined)
    expect(await storage.read('k')).to.equal(undefined)
  })
})
