/**
 * `obscura node`: runs a storage node and its gateway in the foreground until SIGINT/SIGTERM,
 * then shuts both down cleanly. `--libp2p-listen` and `--libp2p-announce` (repeatable) set the
 * addresses other nodes dial (federation); without them libp2p listens on loopback only, which
 * the start-up lines point out.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startGateway } from '../../../gateway/server.ts'
import { loadConfig } from '../../config.ts'
import { describeFfmpeg, findFfmpeg } from '../../media/ffmpeg.ts'
import { startNode } from '../../node.ts'
import { LOOPBACK_ONLY_HINT, reachableFromOtherMachines } from '../../../src/client/federation.ts'
import { parseFlags, parseInteger } from '../args.ts'

const builtWebUi = fileURLToPath(new URL('../../../webui/dist', import.meta.url))

export async function runNode (args: string[]): Promise<number> {
  const { values } = parseFlags('node', args)
  const config = await loadConfig(values.config, {
    dataDir: values.data,
    host: values.host,
    port: parseInteger('port', values.port, 0, 65535),
    libp2pListen: values['libp2p-listen'],
    libp2pAnnounce: values['libp2p-announce']
  })
  const node = await startNode(config, { log: (line) => process.stderr.write(`${line}\n`) })
  const webuiDir = config.gateway.webuiDir ?? (existsSync(builtWebUi) ? builtWebUi : undefined)
  let gateway
  try {
    gateway = await startGateway(node, config.gateway.host, config.gateway.port, {
      webuiDir,
      log: (line) => process.stderr.write(`${line}\n`)
    })
  } catch (err) {
    await node.stop()
    throw err
  }
  const { peerId, multiaddrs } = node.identity()
  const ffmpeg = await findFfmpeg()
  process.stdout.write([
    `Obscura node running at ${gateway.url}`,
    `  data:    ${config.dataDir}`,
    node.direct != null
      ? `  blocks:  S3 bucket at ${node.direct.store.bucket.location}${node.direct.store.prefix !== '' ? ` (prefix ${node.direct.store.prefix})` : ''}, direct access ${node.direct.mode}`
      : `  blocks:  ${config.dataDir}/blocks`,
    `  peer id: ${peerId}`,
    ...multiaddrs.map((ma) => `  libp2p:  ${ma}`),
    ...(reachableFromOtherMachines(multiaddrs) ? [] : [`  note:    ${LOOPBACK_ONLY_HINT}`]),
    webuiDir == null ? '  web UI:  not built (run `npm run build`); a placeholder page is served' : `  web UI:  ${gateway.url}/`,
    `  ffmpeg:  ${describeFfmpeg(ffmpeg)}, for video posters of CLI uploads`,
    ''
  ].join('\n'))

  // Listeners stay installed during shutdown: a terminal's Ctrl-C reaches this process twice when
  // it runs under the Node 22 launcher (once from the terminal, once forwarded), and a second
  // default SIGINT would kill it half-way through closing the stores.
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => { resolve() })
    process.on('SIGTERM', () => { resolve() })
  })
  process.stdout.write('Stopping…\n')
  await gateway.close()
  await node.stop()
  return 0
}
