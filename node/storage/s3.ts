/**
 * A Helia blockstore in an S3-compatible bucket: one object per block, keyed by `<prefix><CID>`
 * (CIDv1, base32), so a block's key is computable by anyone who knows its CID — which is what
 * lets clients read and write blocks straight from and to the bucket with URLs the gateway
 * signs (node/direct-s3.ts). It follows the interface-blockstore contract the way blockstore-fs
 * does: `get` is an async iterable that throws interface-store's NotFoundError for a missing
 * block, the many-variants run a few requests in parallel and keep their input's order, every
 * call takes an AbortSignal. Transient S3 failures are retried by the S3 client.
 *
 * `open()` checks the bucket before the node starts serving, with a time limit, so that a wrong
 * endpoint, bucket name or credentials is one clear start-up error instead of a node that hangs
 * or fails on the first upload.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { NotFoundError } from 'interface-store'
import { CID } from 'multiformats/cid'
import { StorageUnavailableError } from '../errors.ts'
import { S3Bucket, S3ResponseError, type ObjectInfo } from './s3-client.ts'
import type { S3StorageConfig } from '../config.ts'
import type { AwsCredentials } from './sigv4.ts'
import type { StoredBlock } from './listing.ts'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'

interface AbortOptions { signal?: AbortSignal }

export interface S3BlockstoreOptions {
  bucket: S3Bucket
  /** Prepended to every key, e.g. `blocks/`. */
  prefix?: string
  /** Requests in flight at once in putMany/getMany/deleteMany (default 16). */
  concurrency?: number
  /** Keys per listing request in getAll (default 1000, S3's maximum). */
  pageSize?: number
}

/** The bucket could not be used at start-up; the message says where and why. */
export class S3StartupError extends Error {
  readonly code = 'S3_STARTUP'

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'S3StartupError'
  }
}

const SHA2_256 = 0x12

export class S3Blockstore implements Blockstore {
  readonly bucket: S3Bucket
  readonly prefix: string
  private readonly concurrency: number
  private readonly pageSize: number

  constructor (options: S3BlockstoreOptions) {
    this.bucket = options.bucket
    this.prefix = options.prefix ?? ''
    this.concurrency = options.concurrency ?? 16
    this.pageSize = options.pageSize ?? 1000
  }

  /** The object key of a block. Any CID of the same codec and multihash maps to the same key. */
  keyOf (cid: CID): string {
    return `${this.prefix}${(cid.version === 1 ? cid : CID.createV1(cid.code, cid.multihash)).toString()}`
  }

  /** The CID stored under `key`, or undefined for a key that is not a block of this store. */
  cidOf (key: string): CID | undefined {
    if (!key.startsWith(this.prefix)) return undefined
    try {
      return CID.parse(key.slice(this.prefix.length))
    } catch {
      return undefined
    }
  }

  /**
   * Waits until the bucket answers, for at most `timeoutMs` (default 15 s). A refusal (no such
   * bucket, wrong credentials) fails at once; an unreachable endpoint is retried until the limit.
   */
  async open (options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 15_000
    const deadline = AbortSignal.timeout(timeoutMs)
    const where = `S3 bucket "${this.bucket.name}" at ${this.bucket.location}`
    let reason = 'no answer'
    for (;;) {
      try {
        await this.bucket.headBucket({ attempts: 1, timeoutMs: Math.min(5_000, timeoutMs), signal: deadline })
        return
      } catch (err) {
        if (err instanceof S3ResponseError) throw new S3StartupError(`${where}: ${err.s3Code}: ${err.s3Message}`, { cause: err })
        if (err instanceof StorageUnavailableError) reason = err.reason.replace(/, after 1 attempt$/, '')
        else if (!deadline.aborted) throw err
      }
      try {
        await sleep(500, undefined, { signal: deadline })
      } catch {
        throw new S3StartupError(`${where} is unreachable: ${reason} (gave up after ${Math.round(timeoutMs / 1000)} s)`)
      }
    }
  }

  async close (): Promise<void> {}

  async put (cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: AbortOptions = {}): Promise<CID> {
    const body = await collect(bytes)
    // The CID's sha2-256 digest is the body's hash: no need to hash it again, and the store can check it.
    const sha256 = cid.multihash.code === SHA2_256 ? cid.multihash.digest : undefined
    await this.bucket.put(this.keyOf(cid), body, { sha256, signal: options.signal })
    return cid
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * mapOrdered(source, this.concurrency, async ({ cid, bytes }) => this.put(cid, bytes, options))
  }

  async * get (cid: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
    const bytes = await this.bucket.get(this.keyOf(cid), options.signal)
    if (bytes == null) throw new NotFoundError(`Block ${cid} is not in the bucket`)
    yield bytes
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<Pair> {
    yield * mapOrdered(source, this.concurrency, async (cid) => {
      const bytes = await this.bucket.get(this.keyOf(cid), options.signal)
      return { cid, bytes: yieldOrNotFound(cid, bytes) }
    })
  }

  /** Every block under the prefix, in key order; bytes are fetched when each pair is read. */
  async * getAll (options: AbortOptions = {}): AsyncGenerator<Pair> {
    for await (const { cid } of this.list(options)) yield { cid, bytes: this.get(cid, options) }
  }

  /** Every block under the prefix, in key order, with its last write (BlockListing, for `obscura node check`); no bytes are read. */
  async * list (options: AbortOptions = {}): AsyncGenerator<StoredBlock> {
    let after: string | undefined
    for (;;) {
      const page = await this.bucket.list(this.prefix, { after, maxKeys: this.pageSize, signal: options.signal })
      for (const { key, lastModified } of page.objects) {
        const cid = this.cidOf(key)
        if (cid != null) yield { cid, name: key, modifiedAt: Number.isNaN(lastModified) ? 0 : lastModified }
      }
      if (!page.truncated) return
      after = page.objects[page.objects.length - 1]?.key
    }
  }

  async has (cid: CID, options: AbortOptions = {}): Promise<boolean> {
    return (await this.bucket.head(this.keyOf(cid), options.signal)) != null
  }

  /** Size and store checksum of a block, or undefined when it is not in the bucket. */
  async stat (cid: CID, options: AbortOptions = {}): Promise<ObjectInfo | undefined> {
    return this.bucket.head(this.keyOf(cid), options.signal)
  }

  async delete (cid: CID, options: AbortOptions = {}): Promise<void> {
    await this.bucket.delete(this.keyOf(cid), options.signal)
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options: AbortOptions = {}): AsyncGenerator<CID> {
    yield * mapOrdered(source, this.concurrency, async (cid) => {
      await this.delete(cid, options)
      return cid
    })
  }
}

/** Credentials from the config, else from the environment variables AWS tools use. */
export function resolveCredentials (config: Pick<S3StorageConfig, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>, env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const accessKeyId = config.accessKeyId ?? env.AWS_ACCESS_KEY_ID
  const secretAccessKey = config.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY
  const sessionToken = config.accessKeyId != null ? config.sessionToken : config.sessionToken ?? env.AWS_SESSION_TOKEN
  if (accessKeyId == null || accessKeyId === '' || secretAccessKey == null || secretAccessKey === '') {
    throw new S3StartupError('S3 credentials are missing: set storage.accessKeyId and storage.secretAccessKey in the config, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment')
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken != null && sessionToken !== '' ? { sessionToken } : {}) }
}

/** Builds the S3 blockstore described by `config` and checks that its bucket answers. */
export async function openS3Blockstore (config: S3StorageConfig, env: NodeJS.ProcessEnv = process.env): Promise<S3Blockstore> {
  const bucket = new S3Bucket({
    endpoint: config.endpoint,
    publicEndpoint: config.publicEndpoint,
    region: config.region,
    bucket: config.bucket,
    addressing: config.addressing,
    credentials: resolveCredentials(config, env),
    timeoutMs: config.requestTimeoutSeconds * 1000
  })
  const store = new S3Blockstore({ bucket, prefix: config.prefix })
  await store.open({ timeoutMs: config.startupTimeoutSeconds * 1000 })
  return store
}

async function collect (source: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return parts.length === 1 ? parts[0] as Uint8Array : new Uint8Array(Buffer.concat(parts))
}

async function * yieldOrNotFound (cid: CID, bytes: Uint8Array | undefined): AsyncGenerator<Uint8Array> {
  if (bytes == null) throw new NotFoundError(`Block ${cid} is not in the bucket`)
  yield bytes
}

/** Runs `fn` over `source` with up to `concurrency` calls in flight, yielding results in input order. */
async function * mapOrdered<T, R> (source: Iterable<T> | AsyncIterable<T>, concurrency: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Array<Promise<R>> = []
  for await (const item of source) {
    const result = fn(item)
    result.catch(() => {}) // observed when its turn comes below
    pending.push(result)
    if (pending.length >= concurrency) yield await (pending.shift() as Promise<R>)
  }
  while (pending.length > 0) yield await (pending.shift() as Promise<R>)
}
