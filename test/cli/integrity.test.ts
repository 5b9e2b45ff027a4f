/**
 * What `obscura download` does when the node's disk returns altered data: one flipped byte in a
 * stored chunk or manifest, or a truncated block file. The download must fail with an integrity
 * message and leave neither the file under its final name nor a partial file behind.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { openItem } from '../../src/client/download.ts'
import { assertOneLineError, cliAccount, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { openLibrary } from '../helpers/client.ts'
import { makeRandomFile } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { blockPath } from '../helpers/store.ts'
import type { CID } from 'multiformats/cid'

describe('cli download integrity', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  let manifest: CID
  let chunks: CID[]
  let original: Buffer

  /** Flips one byte of a block file; returns a function that puts it back. */
  async function flipByte (cid: CID, offset: number): Promise<() => Promise<void>> {
    const path = blockPath(node.dataDir, cid)
    const bytes = await readFile(path)
    const saved = Buffer.from(bytes)
    bytes[offset] = (bytes[offset] as number) ^ 0x40
    await writeFile(path, bytes)
    return async () => { await writeFile(path, saved) }
  }

  async function expectRefusedDownload (out: string): Promise<string> {
    const result = await runCli(alice, ['download', 'Tamper', '--out', out])
    const line = assertOneLineError(result)
    expect(line).to.match(/integrity/i)
    expect(existsSync(join(out, 'video.bin'))).to.equal(false)
    const left = existsSync(out) ? await readdir(out) : []
    expect(left.filter((f) => f.includes('obscura-partial'))).to.deep.equal([])
    return line
  }

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-integrity-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-integrity-'))
    await makeRandomFile(join(work, 'video.bin'), 3 * 1024 * 1024 + 5)
    original = await readFile(join(work, 'video.bin'))
    await cliOk(alice, ['upload', '--any-file', join(work, 'video.bin'), '--album', 'Tamper'])
    const library = await openLibrary(await cliAccount(alice))
    const album = library.resolve('Tamper')
    const item = [...album.items.values()][0]!
    manifest = item.manifest
    chunks = (await openItem(library.account.api, album, item)).manifest.parts.original.chunks.map((c) => c.cid)
    expect(chunks).to.have.length(4)
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('downloads the untouched item byte-identical', async function () {
    const out = join(work, 'intact')
    await cliOk(alice, ['download', 'Tamper', '--out', out])
    expect((await readFile(join(out, 'video.bin'))).equals(original)).to.equal(true)
  })

  it('refuses a chunk with one flipped byte: integrity error, no file, no partial file', async function () {
    const restore = await flipByte(chunks[2]!, 1000)
    try {
      const line = await expectRefusedDownload(join(work, 'flipped-chunk'))
      expect(line).to.include(chunks[2]!.toString())
    } finally {
      await restore()
    }
  })

  it('refuses a manifest with one flipped byte the same way', async function () {
    const restore = await flipByte(manifest, 40)
    try {
      await expectRefusedDownload(join(work, 'flipped-manifest'))
    } finally {
      await restore()
    }
  })

  it('refuses a truncated last chunk the same way', async function () {
    const path = blockPath(node.dataDir, chunks[3]!)
    const saved = await readFile(path)
    await truncate(path, saved.byteLength - 1)
    try {
      await expectRefusedDownload(join(work, 'truncated'))
    } finally {
      await writeFile(path, saved)
    }
  })

  it('downloads again once the block files are repaired', async function () {
    const out = join(work, 'repaired')
    await cliOk(alice, ['download', 'Tamper', '--out', out])
    expect((await readFile(join(out, 'video.bin'))).equals(original)).to.equal(true)
  })
})
