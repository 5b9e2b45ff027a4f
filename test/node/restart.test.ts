/**
 * A node that stops and starts again on the same data folder keeps everything: accounts,
 * sessions, heads and logs, blocks, quotas, and its libp2p identity.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, type CliUser } from '../helpers/cli.ts'
import { makeJpeg, makeRandomFile } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex')

describe('node restart', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  let saved: { peerId: string, usedBytes: number, listing: unknown, albums: unknown }

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-restart-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-restart-'))
    await makeJpeg(join(work, 'photo.jpg'), { make: 'Restart Cam' })
    await makeRandomFile(join(work, 'movie.bin'), 2_500_000)
    await cliOk(alice, ['upload', '--any-file', work, '--album', 'Kept'])
    saved = {
      peerId: node.node.identity().peerId,
      usedBytes: (await node.node.accounts.findByUsername('alice'))!.usedBytes,
      listing: await cliJson(alice, ['ls', 'Kept']),
      albums: await cliJson(alice, ['albums'])
    }
    await node.restart()
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('serves on the same URL and answers /healthz', async function () {
    expect(node.gateway.url).to.equal(node.url)
    expect((await fetch(`${node.url}/healthz`)).status).to.equal(200)
  })

  it('keeps the session: the saved login still works', async function () {
    expect(await cliJson(alice, ['ls', 'Kept'])).to.deep.equal(saved.listing)
  })

  it('logs in again and lists the same albums and items', async function () {
    await cliOk(alice, ['login', 'alice'])
    expect(await cliJson(alice, ['albums'])).to.deep.equal(saved.albums)
    expect(await cliJson(alice, ['ls', 'Kept'])).to.deep.equal(saved.listing)
  })

  it('downloads every file byte-identical', async function () {
    const out = join(work, '..', `${work.split('/').pop() ?? 'x'}-out`)
    try {
      await cliOk(alice, ['download', 'Kept', '--out', out])
      for (const name of ['photo.jpg', 'movie.bin']) expect(await sha256(join(out, name)), name).to.equal(await sha256(join(work, name)))
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })

  it('keeps quota accounting and the libp2p identity', async function () {
    expect((await node.node.accounts.findByUsername('alice'))!.usedBytes).to.equal(saved.usedBytes)
    expect(node.node.identity().peerId).to.equal(saved.peerId)
  })

  it('keeps accepting uploads, continuing the same logs', async function () {
    await makeRandomFile(join(work, 'after.bin'), 10_000)
    const result = await cliOk(alice, ['upload', '--any-file', join(work, 'after.bin'), '--album', 'Kept'])
    expect(result.stdout).to.match(/^Uploaded 1 file /)
    expect(await cliJson<unknown[]>(alice, ['ls', 'Kept'])).to.have.length(3)
  })
})
