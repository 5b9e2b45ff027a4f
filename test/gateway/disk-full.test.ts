/**
 * A node whose disk fills up: on a small tmpfs (mounted here when the tests run as root; skipped
 * otherwise), uploads go on until the file system says ENOSPC, which reaches the client as 507
 * DISK_FULL with a message a user can act on, and /healthz says the disk is full.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { parseConfig } from '../../node/config.ts'
import { startNode, type ObscuraNode } from '../../node/node.ts'
import { call, errorCode } from '../helpers/http.ts'
import { randomBlock, rawSignup } from '../helpers/raw.ts'

describe('a full disk', function () {
  let mountPoint: string | undefined
  let node: ObscuraNode | undefined
  let gateway: Gateway | undefined
  const logged: string[] = []

  before(async function () {
    const dir = await mkdtemp(join(tmpdir(), 'obscura-tmpfs-'))
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', dir], { stdio: 'ignore' })
    } catch {
      await rm(dir, { recursive: true, force: true })
      this.skip() // not root, or no tmpfs: nothing to fill safely
    }
    mountPoint = dir
    node = await startNode(parseConfig({ dataDir: join(dir, 'data'), gateway: { host: '127.0.0.1', port: 0 } }))
    gateway = await startGateway(node, '127.0.0.1', 0, { log: (line) => logged.push(line) })
  })

  after(async function () {
    await gateway?.close()
    await node?.stop()
    if (mountPoint != null) {
      execFileSync('umount', [mountPoint])
      await rm(mountPoint, { recursive: true, force: true })
    }
  })

  it('answers 507 DISK_FULL ("the node\'s disk is full") and says so on /healthz', async function () {
    expect((await call(gateway!.url, 'GET', '/healthz')).json.disk.full).to.equal(false)
    const user = await rawSignup(gateway!.url, 'alice')
    let last
    for (let i = 0; i < 40; i++) {
      const { bytes, cid } = await randomBlock(1024 * 1024)
      last = await call(gateway!.url, 'PUT', `/api/v1/blocks/${cid.toString()}`, { token: user.token, body: bytes })
      if (last.status >= 300) break
    }
    expect(last?.status).to.equal(507)
    expect(errorCode(last!)).to.equal('DISK_FULL')
    expect(last!.json.error.message).to.include("The node's disk is full")
    expect(logged.some((line) => line.includes('507') && line.includes('full'))).to.equal(true)
    expect(logged.every((line) => !line.includes('    at '))).to.equal(true) // no stack for a full disk

    const health = await call(gateway!.url, 'GET', '/healthz')
    expect(health.status).to.equal(507)
    expect(health.json.ok).to.equal(false)
    expect(health.json.disk.full).to.equal(true)
  })
})
