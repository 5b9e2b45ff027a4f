/**
 * `obscura node` as an operator runs it: it prints its URL, peer id and libp2p addresses, serves
 * the gateway, and on SIGTERM or SIGINT stops cleanly — exit code 0, the port closed, and a
 * restart on the same data folder keeps the same peer id.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { OBSCURA_BIN } from '../helpers/cli.ts'

interface Running { child: ChildProcess, url: string, peerId: string, output: () => string }

async function startNodeCommand (dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [OBSCURA_BIN, 'node', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
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
})
