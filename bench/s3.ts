/**
 * `npm run bench -- s3`: 256 MiB uploaded and downloaded with the CLI through a node whose blocks
 * live in S3 (a local s3rver, started with `obscura s3-dev` in its own process), once in direct
 * mode (presigned URLs) and once in proxy mode (the gateway carries the bytes). The node and its
 * gateway run in this process, and every byte its HTTP server reads or writes is counted on the
 * sockets: the figure that shows what direct mode saves. Also measured: end-to-end MB/s, the
 * bytes the node itself exchanged with the bucket, S3 bytes per uploaded byte (everything on the
 * store's sockets, clients and node together, through a counting loopback relay), and presigned
 * URLs per second on one core (the signer alone, and through POST /api/v1/s3/uploads with 1000
 * blocks a request).
 */
import { createHash, randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer as createTcpServer, connect } from 'node:net'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { startGateway } from '../gateway/server.ts'
import { parseConfig } from '../node/config.ts'
import { startNode } from '../node/node.ts'
import { S3Bucket } from '../node/storage/s3-client.ts'
import { signup } from '../src/client/session.ts'
import { MiB, mbPerSecond, round, type BenchResult } from './lib.ts'
import { runCli } from './processes.ts'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

const FILES = 4
const FILE_MIB = 64
const TOTAL = FILES * FILE_MIB * MiB
const CLI = fileURLToPath(new URL('../bin/obscura.mjs', import.meta.url))

/** Every byte the server's sockets read and write, from the first connection on. */
function meter (server: Server): () => number {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => { sockets.add(socket) })
  return () => {
    let sum = 0
    for (const socket of sockets) sum += socket.bytesRead + socket.bytesWritten
    return sum
  }
}

async function writeRandomFile (path: string, mib: number): Promise<void> {
  async function * chunks (): AsyncGenerator<Buffer> {
    for (let i = 0; i < mib; i++) yield randomBytes(MiB)
  }
  await pipeline(chunks(), createWriteStream(path))
}

async function sha256File (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function hashesOf (dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const name of (await readdir(dir)).sort()) out.set(name, await sha256File(join(dir, name)))
  return out
}

/** `obscura s3-dev` in its own process, on a free port. */
async function startS3Process (dir: string): Promise<{ endpoint: string, child: ChildProcess, stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 's3-dev', '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /running at (http:\/\/\S+),/.exec(output)
      if (match?.[1] != null) resolve(match[1])
    })
    child.once('exit', (code) => { reject(new Error(`s3-dev exited with ${code}: ${output}`)) })
  })
  return {
    endpoint,
    child,
    async stop () {
      child.kill('SIGTERM')
      if (child.exitCode == null) await once(child, 'exit')
    }
  }
}

/** A TCP relay in front of the store that counts every byte both ways (all of S3's traffic). */
async function countingRelay (endpoint: string): Promise<{ endpoint: string, bytes: () => number, close: () => Promise<void> }> {
  const target = new URL(endpoint)
  let total = 0
  const sockets = new Set<Socket>()
  const server = createTcpServer((client) => {
    const upstream = connect(Number(target.port), target.hostname)
    sockets.add(client).add(upstream)
    client.on('data', (chunk: Buffer) => { total += chunk.byteLength })
    upstream.on('data', (chunk: Buffer) => { total += chunk.byteLength })
    client.pipe(upstream).pipe(client)
    const end = (): void => { client.destroy(); upstream.destroy() }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    bytes: () => total,
    async close () {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

interface ModeResult {
  uploadMs: number
  downloadMs: number
  gatewayUpload: number
  gatewayDownload: number
  nodeS3Bytes: number
  /** Every byte on the store's sockets during the upload (clients and node). */
  s3UploadBytes: number
  /** Block bytes the node itself sent to the bucket during the upload (bodies only). */
  nodeUploadBodyBytes: number
}

async function measureMode (mode: 'authorised' | 'off', work: string, filesDir: string, relay: Awaited<ReturnType<typeof countingRelay>>, expected: Map<string, string>): Promise<ModeResult> {
  const endpoint = relay.endpoint
  const config = parseConfig({
    dataDir: join(work, `node-${mode}`),
    gateway: { host: '127.0.0.1', port: 0 },
    storage: { type: 's3', endpoint, bucket: 'obscura', prefix: `${mode}/`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', direct: mode }
  })
  const node = await startNode(config)
  const gateway = await startGateway(node, '127.0.0.1', 0)
  const gatewayBytes = meter(gateway.server)
  const { traffic } = node.direct!.store.bucket
  const nodeS3 = (): number => traffic.sentBytes + traffic.receivedBytes
  const env = { OBSCURA_HOME: join(work, `home-${mode}`), OBSCURA_PASSWORD: 'bench password 1', OBSCURA_NODE: gateway.url }
  try {
    await runCli(['signup', 'bench'], env)
    const g0 = gatewayBytes()
    const s0 = nodeS3()
    const r0 = relay.bytes()
    const sent0 = traffic.sentBytes
    const up = await runCli(['upload', '--any-file', filesDir, '--album', 'Bench'], env)
    const s3UploadBytes = relay.bytes() - r0
    const nodeUploadBodyBytes = traffic.sentBytes - sent0
    const g1 = gatewayBytes()
    const out = join(work, `out-${mode}`)
    const down = await runCli(['download', 'Bench', '--out', out], env)
    const g2 = gatewayBytes()
    const got = await hashesOf(out)
    if (JSON.stringify([...got]) !== JSON.stringify([...expected])) throw new Error(`${mode}: downloaded files differ from the uploaded ones`)
    return { uploadMs: up.ms, downloadMs: down.ms, gatewayUpload: g1 - g0, gatewayDownload: g2 - g1, nodeS3Bytes: nodeS3() - s0, s3UploadBytes, nodeUploadBodyBytes }
  } finally {
    await gateway.close()
    await node.stop()
  }
}

/** Presigned PUTs per second from the signer alone, on this one thread. */
function signerRate (endpoint: string): number {
  const bucket = new S3Bucket({ endpoint, region: 'us-east-1', bucket: 'obscura', addressing: 'path', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } })
  const cids = Array.from({ length: 1000 }, () => CID.createV1(0x55, Digest.create(0x12, new Uint8Array(randomBytes(32)))))
  let count = 0
  const started = performance.now()
  while (performance.now() - started < 2000) {
    for (const cid of cids) {
      bucket.presign('PUT', `signer/${cid.toString()}`, {
        expiresSeconds: 300,
        headers: { 'content-length': '1048576', 'content-md5': 'CY9rzUYh03PK3k6DJie09g==', 'if-none-match': '*', 'x-amz-checksum-sha256': Buffer.from(cid.multihash.digest).toString('base64') }
      })
    }
    count += cids.length
  }
  return count / ((performance.now() - started) / 1000)
}

/** Upload URLs per second through the route (quota check, reservations, JSON), 1000 per request. */
async function routeRate (endpoint: string, work: string): Promise<number> {
  const config = parseConfig({
    dataDir: join(work, 'node-route'),
    gateway: { host: '127.0.0.1', port: 0 },
    storage: { type: 's3', endpoint, bucket: 'obscura', prefix: 'route/', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', direct: 'authorised' },
    accounts: { defaultQuotaBytes: 1024 ** 5 }
  })
  const node = await startNode(config)
  const gateway = await startGateway(node, '127.0.0.1', 0)
  try {
    const { token } = (await signup(gateway.url, 'route', 'bench password 1')).account.api as { token: string }
    const newBody = (): string => JSON.stringify({
      blocks: Array.from({ length: 1000 }, () => ({ cid: CID.createV1(0x55, Digest.create(0x12, new Uint8Array(randomBytes(32)))).toString(), size: 1048576, md5: randomBytes(16).toString('base64') }))
    })
    /** One request's time; afterwards its reservations are cleared (see the note in run()). */
    const ask = async (body: string): Promise<number> => {
      const started = performance.now()
      const res = await fetch(`${gateway.url}/api/v1/s3/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })
      if (!res.ok) throw new Error(`POST /s3/uploads: HTTP ${res.status} ${await res.text()}`)
      await res.arrayBuffer()
      const ms = performance.now() - started
      for await (const key of node.db.s3Uploads.keys()) await node.db.s3Uploads.del(key)
      return ms
    }
    for (let i = 0; i < 5; i++) await ask(newBody()) // warm-up
    const bodies = Array.from({ length: 30 }, newBody)
    let busyMs = 0
    for (const body of bodies) busyMs += await ask(body)
    // Node runs this JavaScript on one thread, so URLs per second of request time is per core.
    return (bodies.length * 1000) / (busyMs / 1000)
  } finally {
    await gateway.close()
    await node.stop()
  }
}

export async function run (): Promise<BenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'obscura-bench-s3-'))
  let s3: Awaited<ReturnType<typeof startS3Process>> | undefined
  let relay: Awaited<ReturnType<typeof countingRelay>> | undefined
  try {
    const filesDir = join(work, 'files')
    await mkdir(filesDir)
    for (let i = 0; i < FILES; i++) await writeRandomFile(join(filesDir, `clip-${i}.bin`), FILE_MIB)
    const expected = await hashesOf(filesDir)
    s3 = await startS3Process(join(work, 's3'))

    relay = await countingRelay(s3.endpoint)
    const direct = await measureMode('authorised', work, filesDir, relay, expected)
    const proxy = await measureMode('off', work, filesDir, relay, expected)
    // The same files make blocks of the same sizes in both runs; proxy mode's node sent exactly
    // the block bytes, so that is what "uploaded bytes" means here.
    const uploadedBlockBytes = proxy.nodeUploadBodyBytes
    const signer = signerRate(s3.endpoint)
    const route = await routeRate(s3.endpoint, work)

    const directGateway = direct.gatewayUpload + direct.gatewayDownload
    const proxyGateway = proxy.gatewayUpload + proxy.gatewayDownload
    return {
      name: 's3',
      figures: {
        'direct: bytes through gateway, upload': { value: round(direct.gatewayUpload / MiB, 3), unit: 'MiB' },
        'direct: bytes through gateway, download': { value: round(direct.gatewayDownload / MiB, 3), unit: 'MiB' },
        'proxy: bytes through gateway, upload': { value: round(proxy.gatewayUpload / MiB, 1), unit: 'MiB' },
        'proxy: bytes through gateway, download': { value: round(proxy.gatewayDownload / MiB, 1), unit: 'MiB' },
        'direct gateway bytes / block bytes moved': { value: round(100 * directGateway / (2 * TOTAL), 3), unit: '%', target: '< 1%' },
        'proxy gateway bytes / direct gateway bytes': { value: round(proxyGateway / directGateway, 0), unit: 'x', target: '> 100x' },
        'direct: upload (CLI, end to end)': { value: round(mbPerSecond(TOTAL, direct.uploadMs)), unit: 'MB/s' },
        'direct: download (CLI, end to end)': { value: round(mbPerSecond(TOTAL, direct.downloadMs)), unit: 'MB/s' },
        'proxy: upload (CLI, end to end)': { value: round(mbPerSecond(TOTAL, proxy.uploadMs)), unit: 'MB/s' },
        'proxy: download (CLI, end to end)': { value: round(mbPerSecond(TOTAL, proxy.downloadMs)), unit: 'MB/s' },
        'direct: node <-> S3 bytes (commit checks)': { value: round(direct.nodeS3Bytes / MiB, 1), unit: 'MiB' },
        'direct: S3 bytes per uploaded byte': { value: round(direct.s3UploadBytes / uploadedBlockBytes, 4), unit: 'x', target: '<= 1.01' },
        'proxy: node <-> S3 bytes': { value: round(proxy.nodeS3Bytes / MiB, 1), unit: 'MiB' },
        'presigned URLs/s, signer, one core': { value: Math.round(signer), unit: 'URLs/s', target: '>= 10000' },
        'presigned URLs/s, POST /s3/uploads, per core': { value: Math.round(route), unit: 'URLs/s', target: '>= 10000' }
      },
      notes: [
        `${FILES} files of ${FILE_MIB} MiB (random, so incompressible) uploaded and downloaded with the CLI; downloads checked byte for byte`,
        'gateway bytes: everything the gateway\'s sockets read and wrote during the transfer (headers and bodies, every route), the node running in the benchmark process',
        'direct mode commits check each block with one HEAD (size, and ETag against the Content-MD5 signed into its PUT URL), so the node reads no block back; only verifyUploads "read" does',
        'S3 bytes per uploaded byte: every byte on the store\'s sockets during the direct upload (clients\' PUTs and the node\'s HEADs, headers included) over the block bytes, which proxy mode\'s node sent to the bucket for the same files; 2.0 before commits stopped reading blocks back',
        'the route figure: 30 requests of 1000 fresh blocks each after 5 warm-up requests, timed from request to last response byte, client in the same process; it includes parsing, the quota check, LevelDB look-ups and reservations and the JSON answer. Reservations are cleared between requests, as commits would: a client holds a window of blocks in flight, not thousands of open uploads'
      ]
    }
  } finally {
    await relay?.close()
    await s3?.stop()
    await rm(work, { recursive: true, force: true })
  }
}
