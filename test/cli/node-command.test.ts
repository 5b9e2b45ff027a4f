/**
 * `obscura node` as an operator runs it: it prints its URL, peer id and libp2p addresses, serves
 * the gateway, and on SIGTERM or SIGINT stops cleanly — exit code 0, the port closed, and a
 * restart on the same data folder keeps the same peer id. It also stops when its parent goes
 * with no signal sent to it: SIGTERM to `npm start` kills npm and its shell only ([Note: orphaned
 * by npm] in bin/modern-node.mjs), and the node must not live on holding its database lock.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { OBSCURA_BIN } from '../helpers/cli.ts'

interface Running { child: ChildProcess, url: string, peerId: string, output: () => string }

const root = fileURLToPath(new URL('../..', import.meta.url))

async function startNodeCommand (dataDir: string, how: (args: string[]) => ChildProcess = (args) => spawn(process.execPath, [OBSCURA_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })): Promise<Running> {
  const child = how(['node', '--data', dataDir, '--port', '0'])
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { output += text })
  const deadline = Date.now() + 60_000
  while (!/libp2p:/.test(output)) {
    if (child.exitCode != null) throw new Error(`obscura node exited early: ${output}`)
    if (Date.now() > deadline) throw new Error(`obscura node did not start: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = /running at (http:\/\/\S+)/.exec(output)?.[1] as string
  const peerId = /peer id: (\S+)/.exec(output)?.[1] as string
  return { child, url, peerId, output: () => output }
}

describe('obscura node', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let dataDir: string

  before(async function () { dataDir = await mkdtemp(join(tmpdir(), 'obscura-node-cmd-')) })
  after(async function () { await rm(dataDir, { recursive: true, force: true }) })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves the gateway and stops cleanly on ${signal}, keeping its peer id across restarts`, async function () {
      const first = await startNodeCommand(dataDir)
      expect(first.output()).to.match(/libp2p:\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
      expect((await fetch(`${first.url}/healthz`)).status).to.equal(200)
      first.child.kill(signal)
      const [code] = await once(first.child, 'exit') as [number | null]
      expect(code).to.equal(0)
      let refused = false
      try {
        await fetch(`${first.url}/healthz`)
      } catch {
        refused = true
      }
      expect(refused, 'the gateway port is closed after shutdown').to.equal(true)

      const second = await startNodeCommand(dataDir)
      expect(second.peerId).to.equal(first.peerId)
      second.child.kill('SIGTERM')
      await once(second.child, 'exit')
    })
  }

  /** Waits until the gateway at `url` refuses connections, as it does once the node has stopped. */
  async function gone (url: string): Promise<void> {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      try {
        await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })
      } catch {
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`the node at ${url} still runs after its parent went away`)
  }

  const orphanings: Array<[string, (args: string[]) => ChildProcess, (child: ChildProcess) => void]> = [
    // `npm` from the PATH: on a Node 20 machine this goes through the re-exec launcher as well.
    ['SIGTERM to `npm start`', (args) => spawn('npm', ['start', '--', ...args.slice(1)], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
      (child) => { child.kill('SIGTERM') }],
    ['kill -9 of the shell that started it', (args) => spawn('sh', ['-c', `"$0" "$@"; true`, process.execPath, OBSCURA_BIN, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
      (child) => { child.kill('SIGKILL') }]
  ]
  for (const [what, how, kill] of orphanings) {
    it(`stops and frees its data folder after ${what}`, async function () {
      const running = await startNodeCommand(dataDir, how)
      try {
        kill(running.child)
        await gone(running.url)
        // The database lock is free: a new node starts on the same folder, with the same identity.
        const again = await startNodeCommand(dataDir)
        expect(again.peerId).to.equal(running.peerId)
        again.child.kill('SIGTERM')
        await once(again.child, 'exit')
      } finally {
        try { process.kill(-(running.child.pid as number), 'SIGKILL') } catch {}
      }
    })
  }
})
