/**
 * Starts a real node for integration tests: Helia with a filesystem blockstore and a LevelDB
 * datastore in a fresh temporary folder, libp2p on loopback, and the real gateway on 127.0.0.1
 * with a free port. `restart()` stops and starts it on the same data folder, gateway port and
 * libp2p port, so that other nodes that know its addresses find it again.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { parseConfig, type NodeConfigInput } from '../../node/config.ts'
import { startNode, type ObscuraNode, type StartNodeOptions } from '../../node/node.ts'

export interface TestNode {
  url: string
  dataDir: string
  node: ObscuraNode
  gateway: Gateway
  /** Stops and starts again on the same data folder; `whileStopped` runs in between (offline tools). */
  restart: (whileStopped?: () => Promise<void>) => Promise<void>
  stop: () => Promise<void>
}

export async function startTestNode (overrides: Partial<NodeConfigInput> = {}, options: StartNodeOptions = {}): Promise<TestNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'obscura-test-'))
  const config = parseConfig({ ...overrides, dataDir, gateway: { host: '127.0.0.1', port: 0 } })
  let port = 0
  const launch = async (): Promise<{ node: ObscuraNode, gateway: Gateway }> => {
    const node = await startNode(config, options)
    const gateway = await startGateway(node, '127.0.0.1', port)
    port = Number(new URL(gateway.url).port)
    config.libp2p.listen = node.helia.libp2p.getMultiaddrs().map((ma) => ma.decapsulateCode(421).toString())
    return { node, gateway }
  }
  let running = await launch()
  const handle: TestNode = {
    url: running.gateway.url,
    dataDir,
    node: running.node,
    gateway: running.gateway,
    async restart (whileStopped) {
      await running.gateway.close()
      await running.node.stop()
      await whileStopped?.()
      running = await launch()
      handle.node = running.node
      handle.gateway = running.gateway
    },
    async stop () {
      await running.gateway.close()
      await running.node.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  return handle
}
