/**
 * The data folder holds the libp2p private key (datastore/), the node secret, session hashes and
 * other nodes' grant tokens (meta/): it is private to the node's user, and a second node started on
 * it is told who holds it.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { parseConfig } from '../../node/config.ts'
import { startNode, type ObscuraNode } from '../../node/node.ts'
import type { DataFolderInUseError } from '../../node/errors.ts'

/** Every file and folder under `dir`, with its permission bits. */
async function modes (dir: string): Promise<Array<{ path: string, dir: boolean, mode: number }>> {
  const out: Array<{ path: string, dir: boolean, mode: number }> = []
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name)
    out.push({ path, dir: entry.isDirectory(), mode: (await stat(path)).mode & 0o777 })
  }
  return out
}

function configFor (dataDir: string) {
  return parseConfig({ dataDir, gateway: { host: '127.0.0.1', port: 0 }, libp2p: { listen: ['/ip4/127.0.0.1/tcp/0'] } })
}

describe('the data folder', function () {
  let parent: string
  let dataDir: string
  let node: ObscuraNode | undefined

  before(async function () {
    parent = await mkdtemp(join(tmpdir(), 'obscura-data-'))
    dataDir = join(parent, 'data') // does not exist yet: the node makes it
  })

  after(async function () {
    await node?.stop()
    await rm(parent, { recursive: true, force: true })
  })

  it('is made 0700, with meta/ and datastore/ files 0600 (libp2p key, node secret)', async function () {
    node = await startNode(configFor(dataDir))
    expect((await stat(dataDir)).mode & 0o777).to.equal(0o700)
    for (const name of ['meta', 'datastore', 'blocks']) expect((await stat(join(dataDir, name))).mode & 0o777, name).to.equal(0o700)
    const inside = [...await modes(join(dataDir, 'meta')), ...await modes(join(dataDir, 'datastore'))]
    expect(inside.filter((e) => !e.dir).length).to.be.greaterThan(4)
    for (const entry of inside) expect(entry.mode, entry.path).to.equal(entry.dir ? 0o700 : 0o600)
    expect((await stat(join(dataDir, 'node.pid'))).mode & 0o777).to.equal(0o600)
    expect(await node.db.settings.get('node-secret'), 'the node secret is in meta/').to.be.a('string')
  })

  it('refuses a second node on the same folder, naming the PID of the node that holds it', async function () {
    let failure: unknown
    try {
      const second = await startNode(configFor(dataDir))
      await second.stop()
    } catch (err) {
      failure = err
    }
    expect((failure as DataFolderInUseError)?.code).to.equal('DATA_FOLDER_IN_USE')
    expect((failure as Error).message).to.include(`another node (PID ${process.pid})`)
    expect((failure as Error).message).to.include(dataDir)
    // The first node is untouched: its PID file stays and it still writes.
    expect((await readFile(join(dataDir, 'node.pid'), 'utf8')).trim()).to.equal(String(process.pid))
    await node!.db.settings.put('still-writable', 1)
  })

  it('tightens a folder an earlier version left readable to others, at start', async function () {
    await node!.stop()
    node = undefined
    await chmod(dataDir, 0o755)
    for (const entry of [...await modes(join(dataDir, 'meta')), ...await modes(join(dataDir, 'datastore'))]) {
      await chmod(entry.path, entry.dir ? 0o755 : 0o644)
    }
    await chmod(join(dataDir, 'meta'), 0o755)
    await chmod(join(dataDir, 'datastore'), 0o755)
    node = await startNode(configFor(dataDir))
    expect((await stat(dataDir)).mode & 0o777).to.equal(0o700)
    for (const entry of [...await modes(join(dataDir, 'meta')), ...await modes(join(dataDir, 'datastore'))]) {
      expect(entry.mode, entry.path).to.equal(entry.dir ? 0o700 : 0o600)
    }
  })
})
