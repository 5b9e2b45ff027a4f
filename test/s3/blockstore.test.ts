/**
 * The S3 blockstore against a real local S3 server: the interface-blockstore contract Helia relies
 * on (put/get/has/delete and their many-variants, getAll, AbortSignal, NotFoundError for a
 * missing block), retries of transient failures, and start-up against a bucket that is
 * unreachable, missing, silent or refuses the credentials: one clear error within the time limit.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { createHeliaLight } from 'helia'
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { DEV_CREDENTIALS } from '../../node/cli/commands/s3-dev.ts'
import { checkNode } from '../../node/check.ts'
import { parseConfig } from '../../node/config.ts'
import { NodeDatabase } from '../../node/db.ts'
import { StorageUnavailableError } from '../../node/errors.ts'
import { openS3Blockstore, resolveCredentials, S3Blockstore, S3StartupError } from '../../node/storage/s3.ts'
import { freshPrefix, s3StorageConfig, startTestS3, testBucket, type TestS3 } from './helpers.ts'

async function block (size = 1000): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(randomBytes(size))
  const digest = Digest.create(0x12, new Uint8Array(createHash('sha256').update(bytes).digest()))
  return { cid: CID.createV1(0x55, digest), bytes }
}

async function readAll (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

async function collect<T> (source: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) out.push(item)
  return out
}

async function expectRejection (promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a rejection')
}

/** An HTTP proxy to the S3 server that answers 503 SlowDown to the first `failures` requests. */
async function flakyProxy (target: string, failures: number): Promise<{ endpoint: string, requests: () => number, close: () => Promise<void> }> {
  let seen = 0
  const upstream = new URL(target)
  const server: Server = createServer((req, res) => {
    seen++
    if (seen <= failures) {
      req.resume()
      res.writeHead(503, { 'content-type': 'application/xml' })
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>')
      return
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    req.pipe(forward)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => seen,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

describe('S3 blockstore', function () {
  let s3: TestS3
  let store: S3Blockstore

  before(async function () {
    s3 = await startTestS3()
  })

  beforeEach(function () {
    store = new S3Blockstore({ bucket: testBucket(s3), prefix: freshPrefix() })
  })

  after(async function () {
    await s3?.destroy()
  })

  describe('interface-blockstore contract', function () {
    it('stores a block and gives back the same bytes as an async iterable', async function () {
      const { cid, bytes } = await block(300_000)
      expect((await store.put(cid, bytes)).equals(cid)).to.equal(true)
      const source = store.get(cid)
      expect(Symbol.asyncIterator in source).to.equal(true)
      expect(await readAll(source)).to.deep.equal(bytes)
    })

    it('accepts the bytes as an iterable or an async iterable of pieces', async function () {
      const { cid, bytes } = await block(5000)
      await store.put(cid, [bytes.subarray(0, 100), bytes.subarray(100)])
      expect(await readAll(store.get(cid))).to.deep.equal(bytes)
      const other = await block(5000)
      await store.put(other.cid, (async function * () { yield other.bytes.subarray(0, 7); yield other.bytes.subarray(7) })())
      expect(await readAll(store.get(other.cid))).to.deep.equal(other.bytes)
    })

    it('raises interface-store NotFoundError for a missing block, as Helia expects', async function () {
      const { cid } = await block()
      const err = await expectRejection(readAll(store.get(cid)))
      expect(err).to.be.instanceOf(NotFoundError)
      expect(err.name).to.equal('NotFoundError')
    })

    it('answers has() and deletes, and deleting a missing block is not an error', async function () {
      const { cid, bytes } = await block()
      expect(await store.has(cid)).to.equal(false)
      await store.put(cid, bytes)
      expect(await store.has(cid)).to.equal(true)
      await store.delete(cid)
      expect(await store.has(cid)).to.equal(false)
      await store.delete(cid)
    })

    it('keys a block by its CIDv1, so the same multihash under CIDv0-style input maps to one key', async function () {
      const { cid } = await block()
      expect(store.keyOf(cid)).to.equal(`${store.prefix}${cid.toString()}`)
      expect(store.cidOf(store.keyOf(cid))?.equals(cid)).to.equal(true)
      expect(store.cidOf('elsewhere/x')).to.equal(undefined)
    })

    it('putMany, getMany and deleteMany keep their input order', async function () {
      const blocks = await Promise.all(Array.from({ length: 40 }, async (_, i) => block(100 + i)))
      const put = await collect(store.putMany(blocks))
      expect(put.map(String)).to.deep.equal(blocks.map((b) => b.cid.toString()))
      const got = await collect(store.getMany(blocks.map((b) => b.cid)))
      expect(got.map((p) => p.cid.toString())).to.deep.equal(blocks.map((b) => b.cid.toString()))
      for (const [i, pair] of got.entries()) expect(await readAll(pair.bytes)).to.deep.equal(blocks[i]?.bytes)
      const deleted = await collect(store.deleteMany(blocks.slice(0, 10).map((b) => b.cid)))
      expect(deleted).to.have.length(10)
      expect(await store.has(blocks[0]!.cid)).to.equal(false)
      expect(await store.has(blocks[10]!.cid)).to.equal(true)
    })

    it('getMany yields a pair for a missing block whose bytes raise NotFoundError', async function () {
      const present = await block()
      const missing = await block()
      await store.put(present.cid, present.bytes)
      const pairs = await collect(store.getMany([present.cid, missing.cid]))
      expect(await readAll(pairs[0]!.bytes)).to.deep.equal(present.bytes)
      expect(await expectRejection(readAll(pairs[1]!.bytes))).to.be.instanceOf(NotFoundError)
    })

    it('getAll lists every block under its prefix, across pages, and nothing of other prefixes', async function () {
      const paged = new S3Blockstore({ bucket: testBucket(s3), prefix: freshPrefix(), pageSize: 3 })
      const neighbour = new S3Blockstore({ bucket: testBucket(s3), prefix: freshPrefix() })
      const blocks = await Promise.all(Array.from({ length: 8 }, async () => block(64)))
      await collect(paged.putMany(blocks))
      const stranger = await block()
      await neighbour.put(stranger.cid, stranger.bytes)
      const all = await collect(paged.getAll())
      expect(all.map((p) => p.cid.toString()).sort()).to.deep.equal(blocks.map((b) => b.cid.toString()).sort())
      for (const pair of all) {
        const expected = blocks.find((b) => b.cid.equals(pair.cid))
        expect(await readAll(pair.bytes)).to.deep.equal(expected?.bytes)
      }
    })

    it('lists its blocks with when each was written, so that node check finds and deletes objects with no record', async function () {
      const stray = await block(64)
      const recorded = await block(64)
      await store.put(stray.cid, stray.bytes)
      await store.put(recorded.cid, recorded.bytes)
      const listed = await collect(store.list())
      expect(listed.map((b) => b.cid.toString()).sort()).to.deep.equal([stray.cid.toString(), recorded.cid.toString()].sort())
      for (const b of listed) expect(Math.abs(b.modifiedAt - Date.now()), 'LastModified parsed').to.be.below(10 * 60_000)
      const dataDir = await mkdtemp(join(tmpdir(), 'obscura-s3-check-'))
      const db = new NodeDatabase(dataDir)
      await db.open()
      try {
        await db.blocks.put(recorded.cid.toString(), { size: 64, owners: [], refs: 0, createdAt: Date.now(), pendingSince: Date.now() })
        const young = await checkNode(db, store, { graceMs: 3600_000 })
        expect(young.counts.strayFiles, 'younger than the grace period').to.equal(0)
        const later = Date.now() + 2 * 3600_000
        const found = await checkNode(db, store, { graceMs: 3600_000, now: () => later, repair: true })
        expect(found.counts.strayFiles).to.equal(1)
        expect(found.problems.join('\n')).to.contain(`${store.prefix}${stray.cid.toString()} has no record`)
        expect(await store.has(stray.cid)).to.equal(false)
        expect(await store.has(recorded.cid)).to.equal(true)
      } finally {
        await db.close()
        await rm(dataDir, { recursive: true, force: true })
      }
    })

    it('stops on an aborted signal', async function () {
      const { cid, bytes } = await block()
      const aborted = AbortSignal.abort()
      expect((await expectRejection(store.put(cid, bytes, { signal: aborted }))).name).to.equal('AbortError')
      expect((await expectRejection(readAll(store.get(cid, { signal: aborted })))).name).to.equal('AbortError')
      expect((await expectRejection(store.has(cid, { signal: aborted }))).name).to.equal('AbortError')
    })

    it('serves as Helia\'s blockstore', async function () {
      const helia = await createHeliaLight({ blockstore: store })
      try {
        const { cid, bytes } = await block(2000)
        await helia.blockstore.put(cid, bytes)
        expect(await readAll(helia.blockstore.get(cid, { offline: true }))).to.deep.equal(bytes)
        expect(await store.has(cid)).to.equal(true)
        const missing = await block()
        // Helia asks has() first and turns a miss into its own offline error.
        const err = await expectRejection(readAll(helia.blockstore.get(missing.cid, { offline: true })))
        expect(err.name).to.equal('BlockNotFoundWhileOfflineError')
      } finally {
        await helia.stop()
      }
    })
  })

  describe('failures', function () {
    it('retries transient S3 errors (503 SlowDown) with backoff and then succeeds', async function () {
      const proxy = await flakyProxy(s3.endpoint, 2)
      try {
        const flaky = new S3Blockstore({ bucket: testBucket(s3, { endpoint: proxy.endpoint }), prefix: freshPrefix() })
        const { cid, bytes } = await block()
        await flaky.put(cid, bytes)
        expect(proxy.requests()).to.equal(3)
        expect(await readAll(flaky.get(cid))).to.deep.equal(bytes)
      } finally {
        await proxy.close()
      }
    })

    it('gives up after its attempts with one StorageUnavailableError naming the reason', async function () {
      const proxy = await flakyProxy(s3.endpoint, 100)
      try {
        const flaky = new S3Blockstore({ bucket: testBucket(s3, { endpoint: proxy.endpoint, attempts: 3 }), prefix: freshPrefix() })
        const { cid } = await block()
        const err = await expectRejection(readAll(flaky.get(cid)))
        expect(err).to.be.instanceOf(StorageUnavailableError)
        expect((err as StorageUnavailableError).status).to.equal(503)
        expect(err.message).to.include('SlowDown').and.include('3 attempts')
        expect(proxy.requests()).to.equal(3)
      } finally {
        await proxy.close()
      }
    })
  })

  describe('addressing', function () {
    const bucketFor = (addressing: 'path' | 'virtual-host', publicEndpoint?: string) => testBucket(s3, { endpoint: 'https://s3.eu-west-1.amazonaws.com', addressing, publicEndpoint, region: 'eu-west-1', bucket: 'obscura' })

    it('puts the bucket in the path (path style) or in the host name (virtual-host style)', function () {
      expect(bucketFor('path').objectUrl('blocks/bafkrei').toString()).to.equal('https://s3.eu-west-1.amazonaws.com/obscura/blocks/bafkrei')
      expect(bucketFor('path').bucketUrl().toString()).to.equal('https://s3.eu-west-1.amazonaws.com/obscura')
      expect(bucketFor('virtual-host').objectUrl('blocks/bafkrei').toString()).to.equal('https://obscura.s3.eu-west-1.amazonaws.com/blocks/bafkrei')
      expect(bucketFor('virtual-host').bucketUrl().toString()).to.equal('https://obscura.s3.eu-west-1.amazonaws.com/')
    })

    it('presigns for the public endpoint clients use, in the configured region', function () {
      const url = new URL(bucketFor('virtual-host', 'https://cdn.example.org').presign('GET', 'blocks/bafkrei', { expiresSeconds: 60 }))
      expect(url.origin + url.pathname).to.equal('https://obscura.cdn.example.org/blocks/bafkrei')
      expect(url.searchParams.get('X-Amz-Credential')).to.match(new RegExp(`^${s3.credentials.accessKeyId}/\\d{8}/eu-west-1/s3/aws4_request$`))
      expect(bucketFor('path', 'https://files.example.org/s3').publicBaseUrl()).to.equal('https://files.example.org/s3/obscura/')
    })
  })

  describe('start-up', function () {
    const config = (overrides: Record<string, unknown>): ReturnType<typeof parseConfig>['storage'] & { type: 's3' } =>
      parseConfig({ storage: { ...s3StorageConfig(s3), startupTimeoutSeconds: 2, ...overrides } as never }).storage as never

    it('opens a reachable bucket', async function () {
      const opened = await openS3Blockstore(config({}))
      expect(opened.bucket.name).to.equal(s3.bucket)
    })

    it('fails with a clear error, within the time limit, when nothing listens at the endpoint', async function () {
      const probe = createTcpServer()
      probe.listen(0, '127.0.0.1')
      await once(probe, 'listening')
      const { port } = probe.address() as { port: number }
      await new Promise<void>((resolve) => probe.close(() => { resolve() }))
      const started = Date.now()
      const err = await expectRejection(openS3Blockstore(config({ endpoint: `http://127.0.0.1:${port}` })))
      expect(err).to.be.instanceOf(S3StartupError)
      expect(err.message).to.match(new RegExp(`S3 bucket "${s3.bucket}" at http://127\\.0\\.0\\.1:\\d+/${s3.bucket} is unreachable: ECONNREFUSED \\(gave up after 2 s\\)`))
      expect(Date.now() - started).to.be.below(4_000)
    })

    it('does not hang on an endpoint that accepts connections but never answers', async function () {
      const sockets = new Set<Socket>()
      const silent: TcpServer = createTcpServer((socket) => { sockets.add(socket) })
      silent.listen(0, '127.0.0.1')
      await once(silent, 'listening')
      try {
        const { port } = silent.address() as { port: number }
        const started = Date.now()
        const err = await expectRejection(openS3Blockstore(config({ endpoint: `http://127.0.0.1:${port}` })))
        expect(err).to.be.instanceOf(S3StartupError)
        expect(err.message).to.include('is unreachable')
        expect(Date.now() - started).to.be.below(4_000)
      } finally {
        for (const socket of sockets) socket.destroy()
        await new Promise<void>((resolve) => silent.close(() => { resolve() }))
      }
    })

    it('says so at once when the bucket does not exist', async function () {
      const started = Date.now()
      const err = await expectRejection(openS3Blockstore(config({ bucket: 'no-such-bucket' })))
      expect(err).to.be.instanceOf(S3StartupError)
      expect(err.message).to.include('NoSuchBucket')
      expect(Date.now() - started).to.be.below(1_500)
    })

    it('says so at once when the credentials are refused', async function () {
      const err = await expectRejection(openS3Blockstore(config({ accessKeyId: 'NOT-A-KEY', secretAccessKey: 'nope' })))
      expect(err).to.be.instanceOf(S3StartupError)
      expect(err.message).to.include('AccessDenied')
    })

    it('reads credentials from the environment when the config has none, and names both places when neither has them', function () {
      expect(resolveCredentials({}, { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_SESSION_TOKEN: 'T' })).to.deep.equal({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' })
      expect(resolveCredentials({ accessKeyId: 'A', secretAccessKey: 'S' }, { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' })).to.deep.equal({ accessKeyId: 'A', secretAccessKey: 'S' })
      expect(() => resolveCredentials({}, {})).to.throw(S3StartupError, /storage\.accessKeyId.*AWS_ACCESS_KEY_ID/)
      expect(DEV_CREDENTIALS.accessKeyId).to.equal('S3RVER')
    })
  })
})
