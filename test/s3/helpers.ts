/**
 * A real local S3 server for the S3 tests, and clients for it: an S3Bucket, a blockstore, and node
 * config pointing at it. OBSCURA_TEST_S3 picks the store: `s3rver` (default; @20minutes/s3rver
 * through `startDevS3`, on 127.0.0.1 with a free port and its own temporary folder) or `radosgw`
 * (Ceph, test/helpers/radosgw.ts: a fresh bucket on one shared radosgw). Tests that stop and
 * restart the server, or depend on s3rver's leniency, call `onlyOn(this, 's3rver')`.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { corsXml, DEV_CREDENTIALS, startDevS3, type DevS3 } from '../../node/cli/commands/s3-dev.ts'
import { S3Bucket, type S3BucketOptions } from '../../node/storage/s3-client.ts'
import { createRadosgwBucket, radosgw } from '../helpers/radosgw.ts'
import type { NodeConfigInput, S3StorageConfig } from '../../node/config.ts'
import type { AwsCredentials } from '../../node/storage/sigv4.ts'

export type TestStoreKind = 's3rver' | 'radosgw'

/** The store the S3 tests run against (OBSCURA_TEST_S3). */
export const TEST_STORE: TestStoreKind = process.env.OBSCURA_TEST_S3 === 'radosgw' ? 'radosgw' : 's3rver'

export interface TestS3 extends DevS3 {
  kind: TestStoreKind
  credentials: AwsCredentials
  /** Starts the server again on the same port and folder after `stop()` (s3rver only). */
  restart: () => Promise<void>
  /** Stops it and deletes its folder (s3rver), or leaves the bucket to the cluster's end (radosgw). */
  destroy: () => Promise<void>
}

/** Skips the current test or suite unless the tests run against `kind`. */
export function onlyOn (context: Mocha.Context, kind: TestStoreKind): void {
  if (TEST_STORE !== kind) context.skip()
}

/**
 * A server with an empty bucket. `publicRead`: anyone may GET its objects (s3rver always lets
 * them; radosgw gets a bucket policy).
 */
export async function startTestS3 (options: { publicRead?: boolean } = {}): Promise<TestS3> {
  if (TEST_STORE === 'radosgw') {
    const gw = await radosgw()
    const bucket = `obscura-${randomBytes(6).toString('hex')}`
    await createRadosgwBucket(gw, bucket, { cors: await corsXml(), publicRead: options.publicRead })
    const unsupported = async (): Promise<void> => { throw new Error('radosgw is shared by the tests and is not stopped by one') }
    return {
      kind: 'radosgw',
      endpoint: gw.endpoint,
      port: Number(new URL(gw.endpoint).port),
      bucket,
      credentials: gw.credentials,
      stop: unsupported,
      restart: unsupported,
      destroy: async () => {}
    }
  }
  const directory = await mkdtemp(join(tmpdir(), 'obscura-s3-'))
  let running = await startDevS3({ directory, port: 0 })
  const handle: TestS3 = {
    ...running,
    kind: 's3rver',
    credentials: DEV_CREDENTIALS,
    stop: async () => { await running.stop() },
    async restart () {
      running = await startDevS3({ directory, port: running.port })
    },
    async destroy () {
      await running.stop().catch(() => {})
      await rm(directory, { recursive: true, force: true })
    }
  }
  return handle
}

export function testBucket (s3: TestS3, overrides: Partial<S3BucketOptions> = {}): S3Bucket {
  return new S3Bucket({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: s3.bucket,
    addressing: 'path',
    credentials: s3.credentials,
    backoffMs: 20,
    ...overrides
  })
}

/** A fresh key prefix, so tests sharing one server do not see each other's blocks. */
export function freshPrefix (): string {
  return `t-${randomBytes(6).toString('hex')}/`
}

export function s3StorageConfig (s3: TestS3, overrides: Partial<S3StorageConfig> = {}): NodeConfigInput['storage'] {
  return {
    type: 's3',
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    prefix: freshPrefix(),
    accessKeyId: s3.credentials.accessKeyId,
    secretAccessKey: s3.credentials.secretAccessKey,
    ...overrides
  }
}

/**
 * Counts every byte the gateway's HTTP server reads and writes on its sockets (headers and
 * bodies, every route): what "bytes through the gateway" means in the direct-mode tests. Attach
 * it before the first request, so that keep-alive connections are all seen.
 */
export function meterGateway (server: Server): { total: () => number } {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => { sockets.add(socket) })
  return {
    total: () => {
      let sum = 0
      for (const socket of sockets) sum += socket.bytesRead + socket.bytesWritten
      return sum
    }
  }
}
