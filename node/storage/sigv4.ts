/**
 * AWS Signature Version 4 (SigV4), the request signing every S3-compatible store accepts: for the
 * node's own requests (an `Authorization` header) and for presigned URLs (the same signature in
 * the query string, so that a client without credentials can make exactly one kind of request
 * until the URL expires). Implements the algorithm of AWS's "Signature Version 4 signing process"
 * and "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)" for S3: paths are
 * URI-encoded once and not normalised, query parameters and headers are sorted, header values
 * are trimmed with inner runs of spaces collapsed. Checked against AWS's published test suite
 * and the S3 documentation's examples (test/s3/sigv4.test.ts).
 *
 * Every header named in `headers` is signed, which is what lets a presigned PUT pin
 * `content-length` and `x-amz-checksum-sha256`: a body of another length or hash does not match
 * the signature and the store refuses it.
 */
import { createHash, createHmac } from 'node:crypto'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Set for temporary credentials (STS); signed as `x-amz-security-token`. */
  sessionToken?: string
}

export interface SigningContext {
  credentials: AwsCredentials
  /** e.g. `us-east-1`; S3-compatible stores that ignore regions accept any value consistently. */
  region: string
  /** `s3` for S3; AWS's generic test suite uses `service`. */
  service: string
}

export interface SignRequestInput extends SigningContext {
  method: string
  url: URL
  /** Headers to send and sign besides `host` and `x-amz-date`, which are added. Names in any case. */
  headers?: Record<string, string>
  /** Lowercase hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string
  /** Signing time; defaults to now. */
  now?: Date
}

export interface SignedRequest {
  /** Every header to send, lowercase names: the input's, `host`, `x-amz-date`, the token, `authorization`. */
  headers: Record<string, string>
  canonicalRequest: string
  stringToSign: string
  signature: string
}

export interface PresignInput extends SigningContext {
  method: string
  url: URL
  /** Headers the client must send with exactly these values (signed, not put in the query). */
  headers?: Record<string, string>
  /** Lifetime of the URL, 1 s to 7 days. */
  expiresSeconds: number
  now?: Date
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const ALGORITHM = 'AWS4-HMAC-SHA256'
const MAX_EXPIRES = 7 * 24 * 3600

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ (encodeURIComponent leaves !'()* alone). */
export function encodeRfc3986 (text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** `20150830T123600Z` */
export function amzDate (date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

function sha256Hex (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** S3's canonical URI: each path segment decoded then encoded once; slashes kept as they are. */
export function canonicalUri (url: URL): string {
  const path = url.pathname === '' ? '/' : url.pathname
  return path.split('/').map((segment) => encodeRfc3986(decodeURIComponent(segment))).join('/')
}

function canonicalQuery (params: Iterable<[string, string]>): string {
  const pairs = [...params].map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
  pairs.sort(([ak, av], [bk, bv]) => ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0)
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

function normaliseHeaders (headers: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    out.set(name.toLowerCase(), String(value).trim().replace(/ {2,}/g, ' '))
  }
  return new Map([...out.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
}

/**
 * The derived signing key depends only on the secret, the day, the region and the service, so it
 * is computed once per day instead of four HMACs per signature (presigning is on the hot path).
 */
const signingKeys = new Map<string, Buffer>()

function signingKey (secret: string, day: string, region: string, service: string): Buffer {
  const cacheKey = `${day}\n${region}\n${service}\n${secret}`
  let key = signingKeys.get(cacheKey)
  if (key == null) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(day).digest()
    const kRegion = createHmac('sha256', kDate).update(region).digest()
    const kService = createHmac('sha256', kRegion).update(service).digest()
    key = createHmac('sha256', kService).update('aws4_request').digest()
    if (signingKeys.size >= 32) signingKeys.clear()
    signingKeys.set(cacheKey, key)
  }
  return key
}

interface Canonical {
  canonicalRequest: string
  stringToSign: string
  signature: string
  signedHeaders: string
  scope: string
}

function sign (context: SigningContext, method: string, url: URL, query: Iterable<[string, string]>, headers: Map<string, string>, payloadHash: string, time: string): Canonical {
  const day = time.slice(0, 8)
  const scope = `${day}/${context.region}/${context.service}/aws4_request`
  const signedHeaders = [...headers.keys()].join(';')
  const canonicalRequest = [
    method.toUpperCase(),
    canonicalUri(url),
    canonicalQuery(query),
    [...headers.entries()].map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders,
    payloadHash
  ].join('\n')
  const stringToSign = [ALGORITHM, time, scope, sha256Hex(canonicalRequest)].join('\n')
  const key = signingKey(context.credentials.secretAccessKey, day, context.region, context.service)
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  return { canonicalRequest, stringToSign, signature, signedHeaders, scope }
}

/** Signs a request with an `Authorization` header. */
export function signRequest (input: SignRequestInput): SignedRequest {
  const time = amzDate(input.now ?? new Date())
  const headers = normaliseHeaders({
    ...input.headers,
    host: input.url.host,
    'x-amz-date': time,
    ...(input.credentials.sessionToken != null ? { 'x-amz-security-token': input.credentials.sessionToken } : {})
  })
  const signed = sign(input, input.method, input.url, input.url.searchParams, headers, input.payloadHash, time)
  const authorization = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${signed.scope}, SignedHeaders=${signed.signedHeaders}, Signature=${signed.signature}`
  return {
    headers: { ...Object.fromEntries(headers), authorization },
    canonicalRequest: signed.canonicalRequest,
    stringToSign: signed.stringToSign,
    signature: signed.signature
  }
}

export interface PresignPathInput extends SigningContext {
  method: string
  /** `https://host[:port]`, as the client will reach it. */
  origin: string
  /** The Host header the client will send (host[:port]). */
  host: string
  /** The path, already encoded as S3 signs it (see canonicalUri). */
  path: string
  /** Query parameters of the request itself, if any. */
  query?: Array<[string, string]>
  headers?: Record<string, string>
  expiresSeconds: number
  now?: Date
}

/**
 * A presigned URL: anyone holding it can make this one request (method, path, signed headers)
 * until it expires. The payload is `UNSIGNED-PAYLOAD`; pin the body with signed headers.
 */
export function presignUrl (input: PresignInput): string {
  return presignPath({ ...input, origin: input.url.origin, host: input.url.host, path: canonicalUri(input.url), query: [...input.url.searchParams] })
}

/**
 * `presignUrl` for callers that already hold the origin and the encoded path: presigning is on
 * the gateway's hot path (up to 1000 URLs per request), so this skips URL parsing, and builds the
 * canonical query in its known sorted order when the request has no query of its own.
 */
export function presignPath (input: PresignPathInput): string {
  if (!Number.isInteger(input.expiresSeconds) || input.expiresSeconds < 1 || input.expiresSeconds > MAX_EXPIRES) {
    throw new RangeError(`expected expiresSeconds from 1 to ${MAX_EXPIRES}, got ${input.expiresSeconds}`)
  }
  const time = amzDate(input.now ?? new Date())
  const headers = normaliseHeaders({ ...input.headers, host: input.host })
  const scope = `${time.slice(0, 8)}/${input.region}/${input.service}/aws4_request`
  const signedHeaders = [...headers.keys()].join(';')
  const token = input.credentials.sessionToken
  let query: string
  if (input.query == null || input.query.length === 0) {
    // Already in canonical order: Algorithm < Credential < Date < Expires < Security-Token < SignedHeaders.
    query = `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${encodeRfc3986(`${input.credentials.accessKeyId}/${scope}`)}` +
      `&X-Amz-Date=${time}&X-Amz-Expires=${input.expiresSeconds}` +
      (token != null ? `&X-Amz-Security-Token=${encodeRfc3986(token)}` : '') +
      `&X-Amz-SignedHeaders=${encodeRfc3986(signedHeaders)}`
  } else {
    const params: Array<[string, string]> = [
      ...input.query,
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Credential', `${input.credentials.accessKeyId}/${scope}`],
      ['X-Amz-Date', time],
      ['X-Amz-Expires', String(input.expiresSeconds)],
      ['X-Amz-SignedHeaders', signedHeaders]
    ]
    if (token != null) params.push(['X-Amz-Security-Token', token])
    query = canonicalQuery(params)
  }
  let canonicalHeaders = ''
  for (const [k, v] of headers) canonicalHeaders += `${k}:${v}\n`
  const canonicalRequest = `${input.method.toUpperCase()}\n${input.path}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${UNSIGNED_PAYLOAD}`
  const stringToSign = `${ALGORITHM}\n${time}\n${scope}\n${sha256Hex(canonicalRequest)}`
  const key = signingKey(input.credentials.secretAccessKey, time.slice(0, 8), input.region, input.service)
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  return `${input.origin}${input.path}?${query}&X-Amz-Signature=${signature}`
}
