/**
 * A node operator who restores an old copy of the node's metadata (a rollback) must not make the
 * CLI quietly show the older library: the CLI remembers the newest head it has seen of each
 * collection and refuses to go back.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('cli rollback detection', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string

  /** Stops the node, runs `change` on its data folder, starts it again. */
  async function whileStopped (change: () => Promise<void>): Promise<void> {
    await node.gateway.close()
    await node.node.stop()
    await change()
    await node.restart()
  }

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-rollback-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-rollback-'))
    for (const name of ['first.bin', 'second.bin']) await writeFile(join(work, name), randomBytes(20_000))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('refuses a node whose metadata was restored from an older copy', async function () {
    await cliOk(alice, ['upload', '--any-file', join(work, 'first.bin'), '--album', 'Safe'])
    const snapshot = join(work, 'meta-snapshot')
    await whileStopped(async () => { await cp(join(node.dataDir, 'meta'), snapshot, { recursive: true }) })

    await cliOk(alice, ['upload', '--any-file', join(work, 'second.bin'), '--album', 'Safe'])
    expect(await cliJson<unknown[]>(alice, ['ls', 'Safe'])).to.have.length(2)

    await whileStopped(async () => {
      await rm(join(node.dataDir, 'meta'), { recursive: true })
      await cp(snapshot, join(node.dataDir, 'meta'), { recursive: true })
    })
    const line = assertOneLineError(await runCli(alice, ['ls', 'Safe']))
    expect(line).to.match(/^obscura: integrity check failed: the node rolled back collection [0-9a-f]{32} from seq \d+ to \d+/)
  })

  it('keeps refusing on later commands (the memory is not overwritten by the old state)', async function () {
    const line = assertOneLineError(await runCli(alice, ['albums']))
    expect(line).to.match(/rolled back/)
  })
})
