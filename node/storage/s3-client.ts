/**
 * The handful of S3 verbs the node needs — HEAD/GET/PUT/DELETE an object, list a prefix, HEAD the
 * bucket — over `fetch`, signed with SigV4, plus presigned URLs for clients. Transient failures
 * (network errors, timeouts, 429/500/502/503/504, which is how S3 says "slow down") are retried
 * with exponential backoff and jitter; when the attempts run out the caller gets one
 * StorageUnavailableError naming the last reason. Anything else S3 refuses becomes an
 * S3ResponseError with S3's own code (`AccessDenied`, `SignatureDoesNotMatch`, …).
 *
 * Path-style (`endpoint/bucket/key`, MinIO, s3rver, most self-hosted stores) and virtual-host
 * style (`bucket.endpoint/key`, AWS's default) addressing are both supported. Presigned URLs use
 * the public endpoint, which may differ from the one the node reaches (a node inside a private
 * network talking to `http://minio:9000` while browsers use `https://s3.example.org`).
 */
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { StorageUnavailableError } from '../errors.ts'
import { canonicalUri, EMPTY_SHA256, encodeRfc3986, presignPath, signRequest, type AwsCredentials } from './sigv4.ts'

export type Addressing = 'path' | 'virtual-host'

export interface S3BucketOptions {
  /** Base URL of the S3 API the node uses, e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:4568`. */
  endpoint: string
  /** Base URL clients use for presigned URLs; defaults to `endpoint`. */
  publicEndpoint?: string
  region: string
  bucket: string
  credentials: AwsCredentials
  addressing: Addressing
  /** Tries per request, the first included (default 4). */
  attempts?: number
  /** First backoff delay; doubles on each retry, with jitter (default 200 ms). */
  backoffMs?: number
  /** Time limit of one attempt (default 30 s). */
  timeoutMs?: number
}

export interface ObjectInfo {
  size: number
  /** Base64 SHA-256 the store computed and checked on upload, when it reports one (AWS, MinIO, R2). */
  checksumSha256?: string
  /**
   * The ETag without its quotes. For an object stored by one plain PUT every S3-compatible store
   * makes it the hex MD5 of the bytes it kept (AWS's SSE-KMS encryption and multipart uploads
   * are the exceptions, and do not look like an MD5).
   */
  etag?: string
}

/** Bytes the node itself moved to and from the bucket (bodies only), for benchmarks and operators. */
export interface S3Traffic { requests: number, sentBytes: number, receivedBytes: number }

/** S3 refused a request for a reason retrying will not fix. */
export class S3ResponseError extends Error {
  readonly status: number
  /** S3's error code, e.g. `NoSuchKey`, `AccessDenied`; `HTTP_<status>` when the body has none. */
  readonly s3Code: string
  /** S3's message, possibly empty. */
  readonly s3Message: string

  constructor (method: string, what: string, status: number, s3Code: string, s3Message: string) {
    super(`S3 refused ${method} ${what}: ${status} ${s3Code}${s3Message !== '' ? ` (${s3Message})` : ''}`)
    this.name = 'S3ResponseError'
    this.status = status
    this.s3Code = s3Code
    this.s3Message = s3Message
  }
}

const RETRYABLE = new Set([429, 500, 502, 503, 504])

interface SendOptions {
  headers?: Record<string, string>
  body?: Uint8Array
  /** Hex SHA-256 of the body; the body is hashed when missing. */
  payloadHash?: string
  signal?: AbortSignal
  attempts?: number
  timeoutMs?: number
}

export class S3Bucket {
  readonly name: string
  readonly region: string
  readonly addressing: Addressing
  readonly traffic: S3Traffic = { requests: 0, sentBytes: 0, receivedBytes: 0 }
  private readonly endpoint: URL
  private readonly publicEndpoint: URL
  /** Origin, Host and encoded object path prefix on the public endpoint, computed once for presigning. */
  private readonly publicOrigin: { origin: string, host: string, path: string }
  private readonly credentials: AwsCredentials
  private readonly attempts: number
  private readonly backoffMs: number
  private readonly timeoutMs: number

  constructor (options: S3BucketOptions) {
    this.name = options.bucket
    this.region = options.region
    this.addressing = options.addressing
    this.endpoint = new URL(options.endpoint)
    this.publicEndpoint = new URL(options.publicEndpoint ?? options.endpoint)
    const publicBase = new URL(this.objectBase(this.publicEndpoint))
    this.publicOrigin = { origin: publicBase.origin, host: publicBase.host, path: canonicalUri(publicBase) }
    this.credentials = options.credentials
    this.attempts = options.attempts ?? 4
    this.backoffMs = options.backoffMs ?? 200
    this.timeoutMs = options.timeoutMs ?? 30_000
  }

  /** Where the node reaches the bucket, for messages (no credentials in it). */
  get location (): string {
    return this.bucketUrl(this.endpoint).toString()
  }

  /**
   * The bucket's own URL on `endpoint` (bucket-level requests: HEAD, list): `/bucket` in path
   * style, `/` on the bucket's host in virtual-host style — the path S3 signs.
   */
  bucketUrl (endpoint: URL = this.endpoint): URL {
    const base = new URL(endpoint)
    const path = base.pathname.replace(/\/+$/, '')
    if (this.addressing === 'virtual-host') {
      base.hostname = `${this.name}.${base.hostname}`
      base.pathname = `${path}/`
    } else {
      base.pathname = `${path}/${this.name}`
    }
    return base
  }

  /** The URL of one object: `key` is encoded segment by segment, its slashes kept. */
  objectUrl (key: string, endpoint: URL = this.endpoint): URL {
    return new URL(this.objectBase(endpoint) + key.split('/').map(encodeRfc3986).join('/'))
  }

  /** The prefix of every object URL (ending in a slash). */
  private objectBase (endpoint: URL): string {
    const base = this.bucketUrl(endpoint).toString()
    return base.endsWith('/') ? base : `${base}/`
  }

  /** The bucket's base URL as clients reach it, for public-read mode. */
  publicBaseUrl (): string {
    return this.objectBase(this.publicEndpoint)
  }

  /** Checks that the bucket exists and the credentials may use it; throws with the reason. */
  async headBucket (options: { signal?: AbortSignal, attempts?: number, timeoutMs?: number } = {}): Promise<void> {
    const res = await this.send('HEAD', this.bucketUrl(), options)
    if (res.ok) return
    // A HEAD answer has no body, so the reason comes from the status (and S3's region header).
    const region = res.headers.get('x-amz-bucket-region')
    const [code, message] = res.status === 404
      ? ['NoSuchBucket', 'the bucket does not exist']
      : res.status === 403
        ? ['AccessDenied', 'the credentials were refused or may not use this bucket']
        : region != null && region !== this.region
          ? ['WrongRegion', `the bucket is in region ${region}, not ${this.region}`]
          : [`HTTP_${res.status}`, '']
    throw new S3ResponseError('HEAD', `bucket ${this.name}`, res.status, code, message)
  }

  /** Size (and checksum, when the store keeps one) of an object; undefined when it does not exist. */
  async head (key: string, signal?: AbortSignal): Promise<ObjectInfo | undefined> {
    const res = await this.send('HEAD', this.objectUrl(key), { headers: { 'x-amz-checksum-mode': 'ENABLED' }, signal })
    if (res.status === 404) return undefined
    if (!res.ok) throw new S3ResponseError('HEAD', key, res.status, `HTTP_${res.status}`, '')
    const checksum = res.headers.get('x-amz-checksum-sha256')
    const etag = res.headers.get('etag')?.replace(/^(W\/)?"|"$/g, '')
    return {
      size: Number(res.headers.get('content-length')),
      ...(checksum != null ? { checksumSha256: checksum } : {}),
      ...(etag != null && etag !== '' ? { etag } : {})
    }
  }

  /** The object's bytes; undefined when it does not exist. */
  async get (key: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const res = await this.send('GET', this.objectUrl(key), { signal })
    if (res.status === 404) {
      await res.body?.cancel()
      return undefined
    }
    if (!res.ok) throw await responseError('GET', key, res)
    const bytes = new Uint8Array(await res.arrayBuffer())
    this.traffic.receivedBytes += bytes.byteLength
    return bytes
  }

  /**
   * Stores `bytes`, with their `Content-MD5` so that the store refuses a body damaged on the way;
   * `sha256` (the block's digest) is sent too, for the stores that check it. `headers` adds
   * request headers (a conditional write's `if-none-match`).
   */
  async put (key: string, bytes: Uint8Array, options: { sha256?: Uint8Array, headers?: Record<string, string>, signal?: AbortSignal } = {}): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-md5': md5Base64(bytes), ...options.headers }
    if (options.sha256 != null) headers['x-amz-checksum-sha256'] = Buffer.from(options.sha256).toString('base64')
    const payloadHash = options.sha256 != null ? Buffer.from(options.sha256).toString('hex') : undefined
    const res = await this.send('PUT', this.objectUrl(key), { headers, body: bytes, payloadHash, signal: options.signal })
    if (!res.ok) throw await responseError('PUT', key, res)
    await res.body?.cancel()
    this.traffic.sentBytes += bytes.byteLength
  }

  /** Deletes an object; deleting one that does not exist is not an error (as in S3). */
  async delete (key: string, signal?: AbortSignal): Promise<void> {
    const res = await this.send('DELETE', this.objectUrl(key), { signal })
    if (!res.ok && res.status !== 404) throw await responseError('DELETE', key, res)
    await res.body?.cancel()
  }

  /**
   * One page of the objects under `prefix`, in key order, starting after the key `after`. This is
   * ListObjects version 1 with a marker: every S3-compatible store has it, while version 2's
   * continuation tokens break s3rver on current Node (its tokens use DES, gone from OpenSSL 3).
   */
  async list (prefix: string, options: { after?: string, maxKeys?: number, signal?: AbortSignal } = {}): Promise<{ objects: Array<{ key: string, size: number, lastModified: number }>, truncated: boolean }> {
    const url = this.bucketUrl()
    if (prefix !== '') url.searchParams.set('prefix', prefix)
    if (options.maxKeys != null) url.searchParams.set('max-keys', String(options.maxKeys))
    if (options.after != null) url.searchParams.set('marker', options.after)
    const res = await this.send('GET', url, { signal: options.signal })
    if (!res.ok) throw await responseError('GET', `list ${prefix}`, res)
    const xml = await res.text()
    const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => ({
      key: xmlText(m[1] ?? '', 'Key') ?? '',
      size: Number(xmlText(m[1] ?? '', 'Size') ?? 0),
      lastModified: Date.parse(xmlText(m[1] ?? '', 'LastModified') ?? '')
    }))
    return { objects, truncated: xmlText(xml, 'IsTruncated') === 'true' && objects.length > 0 }
  }

  /**
   * A URL on the public endpoint that allows one `method` on `key` until it expires; `headers`
   * are signed, so the client must send exactly these values.
   */
  presign (method: 'GET' | 'PUT', key: string, options: { expiresSeconds: number, headers?: Record<string, string>, now?: Date }): string {
    return presignPath({
      method,
      origin: this.publicOrigin.origin,
      host: this.publicOrigin.host,
      path: this.publicOrigin.path + key.split('/').map(encodeRfc3986).join('/'),
      headers: options.headers,
      expiresSeconds: options.expiresSeconds,
      now: options.now,
      credentials: this.credentials,
      region: this.region,
      service: 's3'
    })
  }

  /** Sends one signed request, retrying transient failures; returns the first non-transient response. */
  private async send (method: string, url: URL, options: SendOptions = {}): Promise<Response> {
    const attempts = options.attempts ?? this.attempts
    const payloadHash = options.payloadHash ?? (options.body != null ? sha256Hex(options.body) : EMPTY_SHA256)
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted()
      const signed = signRequest({
        method,
        url,
        headers: { ...options.headers, 'x-amz-content-sha256': payloadHash },
        payloadHash,
        credentials: this.credentials,
        region: this.region,
        service: 's3'
      })
      const { host: _host, ...headers } = signed.headers // fetch sets Host from the URL, to the same value
      const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs)
      let reason: string
      this.traffic.requests++
      try {
        const res = await fetch(url, {
          method,
          headers,
          body: options.body as Uint8Array<ArrayBuffer> | undefined,
          signal: options.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout
        })
        if (!RETRYABLE.has(res.status)) return res
        reason = `HTTP ${res.status} ${await errorCodeOf(res)}`
      } catch (err) {
        if (options.signal?.aborted === true) throw options.signal.reason
        reason = timeout.aborted ? `no answer within ${(options.timeoutMs ?? this.timeoutMs) / 1000} s` : networkReason(err)
      }
      if (attempt >= attempts) throw new StorageUnavailableError(`${reason}, after ${attempts} attempt${attempts === 1 ? '' : 's'}`)
      const delay = this.backoffMs * 2 ** (attempt - 1)
      await sleep(delay / 2 + Math.random() * delay / 2, undefined, { signal: options.signal })
    }
  }
}

function sha256Hex (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The value of a `Content-MD5` header: the base64 MD5 of the body. */
export function md5Base64 (bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64')
}

/** `ECONNREFUSED`, `ENOTFOUND`… from undici's "fetch failed" wrapper. */
function networkReason (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string } }).cause
  return cause?.code ?? cause?.message ?? (err as Error).message
}

function xmlText (xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)
  if (match?.[1] == null) return undefined
  return match[1].replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '')
}

async function errorCodeOf (res: Response): Promise<string> {
  try {
    return xmlText(await res.text(), 'Code') ?? ''
  } catch {
    return ''
  }
}

async function responseError (method: string, what: string, res: Response): Promise<S3ResponseError> {
  let xml = ''
  try {
    xml = await res.text()
  } catch {}
  return new S3ResponseError(method, what, res.status, xmlText(xml, 'Code') ?? `HTTP_${res.status}`, xmlText(xml, 'Message') ?? '')
}
