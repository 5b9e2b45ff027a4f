/**
 * A real local S3 server for the S3 tests (@20minutes/s3rver through `startDevS3`, on 127.0.0.1
 * with a free port and its own temporary folder), and clients for it: an S3Bucket, a blockstore,
 * and node config pointing at it.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { DEV_CREDENTIALS, startDevS3, type DevS3 } from '../../node/cli/commands/s3-dev.ts'
import { S3Bucket, type S3BucketOptions } from '../../node/storage/s3-client.ts'
import type { NodeConfigInput, S3StorageConfig } from '../../node/config.ts'

export interface TestS3 extends DevS3 {
  directory: string
  /** Starts the server again on the same port and folder after `stop()`. */
  restart: () => Promise<void>
  /** Stops it and deletes its folder. */
  destroy: () => Promise<void>
}

export async function startTestS3 (): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'obscura-s3-'))
  let running = await startDevS3({ directory, port: 0 })
  const handle: TestS3 = {
    ...running,
    directory,
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

export function testBucket (s3: DevS3, overrides: Partial<S3BucketOptions> = {}): S3Bucket {
  return new S3Bucket({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    bucket: s3.bucket,
    addressing: 'path',
    credentials: DEV_CREDENTIALS,
    backoffMs: 20,
    ...overrides
  })
}

/** A fresh key prefix, so tests sharing one server do not see each other's blocks. */
export function freshPrefix (): string {
  return `t-${randomBytes(6).toString('hex')}/`
}

export function s3StorageConfig (s3: DevS3, overrides: Partial<S3StorageConfig> = {}): NodeConfigInput['storage'] {
  return {
    type: 's3',
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    prefix: freshPrefix(),
    accessKeyId: DEV_CREDENTIALS.accessKeyId,
    secretAccessKey: DEV_CREDENTIALS.secretAccessKey,
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
