/**
 * `obscura node`: runs a storage node and its gateway in the foreground until SIGINT/SIGTERM,
 * then shuts both down cleanly. `--libp2p-listen` and `--libp2p-announce` (repeatable) set the
 * addresses other nodes dial (federation); without them libp2p listens on loopback only, which
 * the start-up lines point out. `obscura node check [--repair]` checks a stopped node's data
 * folder for what crashed commits leave behind and for block files with no record
 * (node/check.ts), and with --repair fixes it.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGateway } from '../../../gateway/server.ts'
import { loadConfig } from '../../config.ts'
import { describeFfmpeg, findFfmpeg } from '../../media/ffmpeg.ts'
import { checkNode } from '../../check.ts'
import { NodeDatabase } from '../../db.ts'
import { DataFolderInUseError } from '../../errors.ts'
import { startNode } from '../../node.ts'
import { openFsBlockstore } from '../../storage/fs.ts'
import { openS3Blockstore } from '../../storage/s3.ts'
import { ObscuraError } from '../../../src/errors.ts'
import { LOOPBACK_ONLY_HINT, reachableFromOtherMachines } from '../../../src/client/federation.ts'
import { parseFlags, parseInteger } from '../args.ts'
import { whenOrphaned } from '../../../bin/modern-node.mjs'

const builtWebUi = fileURLToPath(new URL('../../../webui/dist', import.meta.url))

export async function runNode (args: string[]): Promise<number> {
  if (args[0] === 'check') return runCheck(args.slice(1))
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
    // The parent gone with no signal sent here ([Note: orphaned by npm] in bin/modern-node.mjs).
    whenOrphaned(() => { resolve() })
  })
  process.stdout.write('Stopping…\n')
  await gateway.close()
  await node.stop()
  return 0
}

/** `obscura node check [--repair]`: exit 0 when consistent (or repaired), 1 when problems remain. */
async function runCheck (args: string[]): Promise<number> {
  const { values } = parseFlags('node check', args)
  const config = await loadConfig(values.config, { dataDir: values.data })
  if (!existsSync(join(config.dataDir, 'meta'))) throw new ObscuraError('NOT_FOUND', `No node data in ${config.dataDir} (no meta folder): give the node's folder with --data`)
  const db = new NodeDatabase(config.dataDir)
  try {
    await db.open()
  } catch (err) {
    if (err instanceof DataFolderInUseError) {
      const who = err.pid != null ? ` (PID ${err.pid})` : ''
      throw new ObscuraError('NODE_RUNNING', `A node is running on ${config.dataDir}${who}: stop it first, then run obscura node check`)
    }
    throw new ObscuraError('DATABASE_UNREADABLE', `Cannot open the database in ${config.dataDir}/meta: ${(err as Error).message}`)
  }
  try {
    const store = config.storage.type === 's3' ? await openS3Blockstore(config.storage) : await openFsBlockstore(config.dataDir)
    const report = await checkNode(db, store, { repair: values.repair === true, graceMs: config.blocks.unlinkedGraceSeconds * 1000 })
    for (const problem of report.problems) process.stdout.write(`${problem}\n`)
    if (report.problems.length === 0) {
      process.stdout.write(`${config.dataDir}: consistent\n`)
      return 0
    }
    process.stdout.write(report.repaired
      ? `${report.problems.length} problems repaired; blocks nobody links any more are deleted after their grace period\n`
      : `${report.problems.length} problems found; run obscura node check --repair with the node stopped to fix them\n`)
    return report.repaired && report.counts.missingFiles === 0 ? 0 : 1
  } finally {
    await db.close()
  }
}
