/**
 * `obscura node --libp2p-listen/--libp2p-announce`: federation without a config file. The node
 * listens where told, gives the announced addresses to other nodes (and so to invitations), and
 * says so when other machines could not reach it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { OBSCURA_BIN } from '../helpers/cli.ts'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function runNode (dataDir: string, flags: string[], check: (output: string, url: string) => Promise<void>): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [OBSCURA_BIN, 'node', '--data', dataDir, '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { output += text })
  try {
    const exited = once(child, 'exit')
    await Promise.race([
      (async () => { while (!/web UI:/.test(output)) await Promise.race([once(child.stdout!, 'data'), exited]) })(),
      exited.then(() => { throw new Error(`obscura node exited: ${output}`) })
    ])
    await check(output, /running at (http:\/\/\S+)/.exec(output)?.[1] as string)
  } finally {
    child.kill('SIGTERM')
    if (child.exitCode == null) await once(child, 'exit')
  }
}

describe('obscura node: libp2p flags', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let dataDir: string

  beforeEach(async function () { dataDir = await mkdtemp(join(tmpdir(), 'obscura-node-flags-')) })
  afterEach(async function () { await rm(dataDir, { recursive: true, force: true }) })

  it('listens on --libp2p-listen and gives other nodes the --libp2p-announce addresses', async function () {
    const port = await freePort()
    await runNode(dataDir, ['--libp2p-listen', `/ip4/127.0.0.1/tcp/${port}`, '--libp2p-announce', '/dns4/photos.example/tcp/4001', '--libp2p-announce', `/ip4/127.0.0.1/tcp/${port}`], async (output, url) => {
      const identity = await (await fetch(`${url}/api/v1/federation/identity`)).json() as { peerId: string, multiaddrs: string[] }
      expect(identity.multiaddrs.map((ma) => ma.replace(/\/p2p\/.*$/, '')).sort()).to.deep.equal([`/dns4/photos.example/tcp/4001`, `/ip4/127.0.0.1/tcp/${port}`].sort())
      expect(output).not.to.include('loopback only')
    })
  })

  it('gives the listen addresses when nothing is announced, and points out a loopback-only node', async function () {
    const port = await freePort()
    await runNode(dataDir, ['--libp2p-listen', `/ip4/127.0.0.1/tcp/${port}`], async (output, url) => {
      const identity = await (await fetch(`${url}/api/v1/federation/identity`)).json() as { peerId: string, multiaddrs: string[] }
      expect(identity.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/${port}/p2p/${identity.peerId}`])
      expect(output).to.match(/note: +libp2p listens on loopback only.*--libp2p-listen/)
    })
  })

  it('refuses a listen address that is not a multiaddr, in one line', async function () {
    const child = spawn(process.execPath, [OBSCURA_BIN, 'node', '--data', dataDir, '--port', '0', '--libp2p-listen', 'localhost:4001'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr += text })
    const [code] = await once(child, 'exit') as [number | null]
    expect(code).to.equal(1)
    expect(stderr.trim().split('\n')).to.have.length(1)
    expect(stderr).to.match(/libp2p\.listen.*multiaddr/)
  })
})
