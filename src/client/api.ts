/**
 * The HTTP client for a node's /api/v1. Every response is checked against a schema before the
 * rest of the client sees it (the node is not trusted to send well-formed data), every request
 * can be cancelled with an AbortSignal, and the node's `{ error: { code, message } }` answers
 * become ApiErrors carrying that code.
 */
import { z } from 'zod'
import { fromBase64, toBase64 } from './encoding.ts'
import { ApiError, BadResponseError, NodeUnreachableError } from './errors.ts'
import { clientFetch } from './fetch.ts'

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)

/** Collections one `POST /sync` may ask about; the node refuses more, `sync` sends more in several requests. */
export const MAX_SYNC_CURSORS = 1000

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  admin: z.boolean(),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  rootCollection: z.string().regex(/^[0-9a-f]{32}$/),
  signingPublicKey: b64,
  boxPublicKey: b64,
  createdAt: z.number()
})
export type ApiUser = z.infer<typeof UserSchema>

export const KdfSchema = z.object({
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int(),
  iterations: z.number().int(),
  parallelism: z.number().int(),
  salt: b64
})
export type ApiKdf = z.infer<typeof KdfSchema>

const CollectionSchema = z.object({ id: z.string(), seq: z.number().int(), head: b64, headCid: z.string(), ownerKey: b64 })
export type ApiCollection = z.infer<typeof CollectionSchema>

const LogSchema = CollectionSchema.extend({
  commits: z.array(z.object({ seq: z.number().int(), cid: z.string(), bytes: b64 })),
  more: z.boolean()
})
export type ApiLog = z.infer<typeof LogSchema>

const HttpUrl = z.url({ protocol: /^https?$/ })
/** Only S3's own headers may be asked of the client (never cookies, authorization, …). */
/** Headers a presigned PUT needs: S3's own, and the two that bind it to its bytes (node/direct-s3.ts). */
const AmzHeaders = z.record(z.string().regex(/^(x-amz-[a-z0-9-]+|content-md5|if-none-match)$/), z.string())

const S3ConfigSchema = z.object({
  direct: z.enum(['off', 'public', 'authorised']),
  publicUrl: HttpUrl.optional(),
  urlExpirySeconds: z.number().int().positive().optional(),
  maxBatch: z.number().int().positive().optional()
})
export type ApiS3Config = z.infer<typeof S3ConfigSchema>

const UploadGrantSchema = z.discriminatedUnion('status', [
  z.object({ cid: z.string(), status: z.literal('present') }),
  z.object({ cid: z.string(), status: z.literal('proxy') }),
  z.object({ cid: z.string(), status: z.literal('upload'), url: HttpUrl, headers: AmzHeaders })
])
export type ApiUploadGrant = z.infer<typeof UploadGrantSchema>

const CommitOutcomeSchema = z.union([
  z.object({ cid: z.string(), ok: z.literal(true), stored: z.boolean() }),
  z.object({ cid: z.string(), ok: z.literal(false), code: z.string(), message: z.string() })
])
export type ApiCommitOutcome = z.infer<typeof CommitOutcomeSchema>

const ReadGrantSchema = z.union([
  z.object({ cid: z.string(), url: HttpUrl }),
  z.object({ cid: z.string(), error: z.object({ code: z.string(), message: z.string() }) })
])
export type ApiReadGrant = z.infer<typeof ReadGrantSchema>

const LoginSchema = z.object({ token: z.string(), expiresAt: z.number(), user: UserSchema, keyBundle: b64 })
const ChallengeSchema = z.object({ challengeId: z.string(), challenge: b64, kdf: KdfSchema })
const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) })

export interface SignupRequest {
  username: string
  invite?: string
  authPublicKey: Uint8Array
  /** Public half of the recovery key's auth key: lets the node check a recovery proof. */
  recoveryAuthPublicKey: Uint8Array
  kdf: ApiKdf
  keyBundle: Uint8Array
  signingPublicKey: Uint8Array
  boxPublicKey: Uint8Array
  rootCollection: string
}

export interface RequestOptions { signal?: AbortSignal }

export const InviteSchema = z.object({
  id: z.string(),
  code: z.string().optional(),
  state: z.enum(['open', 'used', 'expired']),
  createdAt: z.number(),
  expiresAt: z.number(),
  usedBy: z.string().optional(),
  usedAt: z.number().optional()
})
export type ApiInvite = z.infer<typeof InviteSchema>

/** One change pushed by GET /api/v1/events (node/changes.ts): ids only, never data. */
export const ChangeSchema = z.strictObject({
  collections: z.array(z.string().max(64)).max(1000).optional(),
  shared: z.literal(true).optional()
})
export type ApiChange = z.infer<typeof ChangeSchema>
export type LiveEvent = { type: 'ready' } | { type: 'change', change: ApiChange }

/** An event block larger than this is no event the node sends: the stream is refused. */
const MAX_EVENT_CHARS = 64 * 1024

export class NodeApi {
  /** Base URL of the node, without a trailing slash. */
  readonly url: string
  /** Session token sent as a bearer token once logged in. */
  token?: string

  constructor (url: string, token?: string) {
    this.url = url.replace(/\/+$/, '')
    this.token = token
  }

  async signup (request: SignupRequest, options?: RequestOptions): Promise<{ token: string, expiresAt: number, user: ApiUser }> {
    const body = {
      ...request,
      authPublicKey: toBase64(request.authPublicKey),
      recoveryAuthPublicKey: toBase64(request.recoveryAuthPublicKey),
      keyBundle: toBase64(request.keyBundle),
      signingPublicKey: toBase64(request.signingPublicKey),
      boxPublicKey: toBase64(request.boxPublicKey)
    }
    return this.json('POST', '/api/v1/auth/signup', z.object({ token: z.string(), expiresAt: z.number(), user: UserSchema }), body, options)
  }

  async challenge (username: string, options?: RequestOptions): Promise<{ challengeId: string, challenge: Uint8Array, kdf: ApiKdf }> {
    const res = await this.json('POST', '/api/v1/auth/challenge', ChallengeSchema, { username }, options)
    return { ...res, challenge: fromBase64(res.challenge) }
  }

  async login (challengeId: string, signature: Uint8Array, options?: RequestOptions): Promise<{ token: string, expiresAt: number, user: ApiUser, keyBundle: Uint8Array }> {
    const res = await this.json('POST', '/api/v1/auth/login', LoginSchema, { challengeId, signature: toBase64(signature) }, options)
    return { ...res, keyBundle: fromBase64(res.keyBundle) }
  }

  async logout (options?: RequestOptions): Promise<void> {
    await this.request('POST', '/api/v1/auth/logout', undefined, options)
  }

  async changePassword (body: { challengeId: string, signature: Uint8Array, authPublicKey: Uint8Array, kdf: ApiKdf, keyBundle: Uint8Array }, options?: RequestOptions): Promise<void> {
    await this.request('POST', '/api/v1/auth/password', {
      ...body,
      signature: toBase64(body.signature),
      authPublicKey: toBase64(body.authPublicKey),
      keyBundle: toBase64(body.keyBundle)
    }, options)
  }

  /** Releases the key bundle for a challenge signed with the recovery auth key. */
  async recoveryBundle (challengeId: string, signature: Uint8Array, options?: RequestOptions): Promise<Uint8Array> {
    const res = await this.json('POST', '/api/v1/auth/recover/bundle', z.object({ keyBundle: b64 }), { challengeId, signature: toBase64(signature) }, options)
    return fromBase64(res.keyBundle)
  }

  /** Replaces the password material after a fresh recovery proof; every session ends and a new one starts. */
  async recover (body: { challengeId: string, signature: Uint8Array, authPublicKey: Uint8Array, kdf: ApiKdf, keyBundle: Uint8Array }, options?: RequestOptions): Promise<{ token: string, expiresAt: number, user: ApiUser }> {
    return this.json('POST', '/api/v1/auth/recover', z.object({ token: z.string(), expiresAt: z.number(), user: UserSchema }), {
      ...body,
      signature: toBase64(body.signature),
      authPublicKey: toBase64(body.authPublicKey),
      keyBundle: toBase64(body.keyBundle)
    }, options)
  }

  async me (options?: RequestOptions): Promise<ApiUser> {
    return (await this.json('GET', '/api/v1/me', z.object({ user: UserSchema }), undefined, options)).user
  }

  async createInvite (options?: RequestOptions): Promise<{ code: string, expiresAt: number }> {
    return this.json('POST', '/api/v1/admin/invites', z.object({ code: z.string(), expiresAt: z.number() }), undefined, options)
  }

  /** The node's invites (admin): open ones with their code, used ones with who used them. */
  async listInvites (options?: RequestOptions): Promise<ApiInvite[]> {
    return (await this.json('GET', '/api/v1/admin/invites', z.object({ invites: z.array(InviteSchema) }), undefined, options)).invites
  }

  async revokeInvite (id: string, options?: RequestOptions): Promise<void> {
    await this.request('DELETE', `/api/v1/admin/invites/${encodeURIComponent(id)}`, undefined, options)
  }

  async setQuota (username: string, quotaBytes: number, options?: RequestOptions): Promise<ApiUser> {
    return (await this.json('PUT', `/api/v1/admin/users/${encodeURIComponent(username)}/quota`, z.object({ user: UserSchema }), { quotaBytes }, options)).user
  }

  async putBlock (cid: string, bytes: Uint8Array, options?: RequestOptions): Promise<{ stored: boolean }> {
    return this.json('PUT', `/api/v1/blocks/${cid}`, z.object({ stored: z.boolean() }), bytes, options)
  }

  async haveBlocks (cids: string[], options?: RequestOptions): Promise<boolean[]> {
    const res = await this.json('POST', '/api/v1/blocks/have', z.object({ have: z.array(z.boolean()) }), { cids }, options)
    if (res.have.length !== cids.length) throw new BadResponseError('have[] length differs from the request')
    return res.have
  }

  /** The block's bytes exactly as the node sent them; callers verify them against the CID. */
  async getBlock (cid: string, options?: RequestOptions): Promise<Uint8Array> {
    const res = await this.request('GET', `/api/v1/blocks/${cid}`, undefined, options)
    return new Uint8Array(await res.arrayBuffer())
  }

  /** How this node lets clients reach its bucket (direct S3); `off` means through the gateway only. */
  async s3Config (options?: RequestOptions): Promise<ApiS3Config> {
    return this.json('GET', '/api/v1/s3/config', S3ConfigSchema, undefined, options)
  }

  /** Presigned PUT URLs for blocks this user does not hold yet (at most `maxBatch` per call); `md5` is the block's base64 MD5. */
  async authoriseUploads (blocks: Array<{ cid: string, size: number, md5: string }>, options?: RequestOptions): Promise<{ expiresAt: number, blocks: ApiUploadGrant[] }> {
    return this.json('POST', '/api/v1/s3/uploads', z.object({ expiresAt: z.number(), blocks: z.array(UploadGrantSchema) }), { blocks }, options)
  }

  /** Asks the node to check uploaded blocks in the bucket and count them. */
  async commitUploads (cids: string[], options?: RequestOptions): Promise<ApiCommitOutcome[]> {
    return (await this.json('POST', '/api/v1/s3/commit', z.object({ blocks: z.array(CommitOutcomeSchema) }), { cids }, options)).blocks
  }

  /** Read URLs for blocks, or the reason each one is refused. */
  async authoriseReads (cids: string[], options?: RequestOptions): Promise<{ expiresAt: number, blocks: ApiReadGrant[] }> {
    return this.json('POST', '/api/v1/s3/reads', z.object({ expiresAt: z.number(), blocks: z.array(ReadGrantSchema) }), { cids }, options)
  }

  async collections (options?: RequestOptions): Promise<ApiCollection[]> {
    return (await this.json('GET', '/api/v1/collections', z.object({ collections: z.array(CollectionSchema) }), undefined, options)).collections
  }

  async collection (id: string, options?: RequestOptions): Promise<ApiCollection> {
    return this.json('GET', `/api/v1/collections/${id}`, CollectionSchema, undefined, options)
  }

  async log (id: string, after: number, limit: number, options?: RequestOptions): Promise<ApiLog> {
    return this.json('GET', `/api/v1/collections/${id}/log?after=${after}&limit=${limit}`, LogSchema, undefined, options)
  }

  async putHead (id: string, head: Uint8Array, commit: Uint8Array, options?: RequestOptions): Promise<ApiCollection> {
    return this.json('PUT', `/api/v1/collections/${id}/head`, CollectionSchema, { head: toBase64(head), commit: toBase64(commit) }, options)
  }

  async sync (cursors: Record<string, number>, options?: RequestOptions): Promise<{ changed: ApiCollection[], gone: string[] }> {
    const entries = Object.entries(cursors)
    const changed: ApiCollection[] = []
    const gone: string[] = []
    for (let start = 0; start < entries.length; start += MAX_SYNC_CURSORS) {
      const part = Object.fromEntries(entries.slice(start, start + MAX_SYNC_CURSORS))
      const res = await this.json('POST', '/api/v1/sync', z.object({ changed: z.array(CollectionSchema), gone: z.array(z.string()) }), { cursors: part }, options)
      changed.push(...res.changed)
      gone.push(...res.gone)
    }
    return { changed, gone }
  }

  /** Sends a request and checks the JSON answer against `schema` (BadResponseError otherwise). */
  async json<S extends z.ZodType> (method: string, path: string, schema: S, body?: unknown, options?: RequestOptions): Promise<z.infer<S>> {
    const res = await this.request(method, path, body, options)
    let value: unknown
    try {
      value = await res.json()
    } catch {
      throw new BadResponseError(`${method} ${path} did not return JSON`)
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) throw new BadResponseError(`${method} ${path}: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`)
    return parsed.data
  }

  /**
   * The user's live updates (server-sent events): yields `ready` once connected, then each
   * change, until the node ends the stream (it returns) or `signal` aborts (it throws).
   */
  async * events (options?: RequestOptions): AsyncGenerator<LiveEvent> {
    const res = await this.request('GET', '/api/v1/events', undefined, options)
    if (res.body == null) throw new BadResponseError('GET /api/v1/events has no body')
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value.replace(/\r\n?/g, '\n')
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = parseEventBlock(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
          if (event != null) yield event
        }
        if (buffer.length > MAX_EVENT_CHARS) throw new BadResponseError('GET /api/v1/events sent an event too large to be one')
      }
    } finally {
      reader.cancel().catch(() => {})
    }
  }

  /** Sends one request; bodies are JSON unless they are bytes. Non-2xx answers throw ApiError. */
  async request (method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.token != null) headers.authorization = `Bearer ${this.token}`
    let payload: BodyInit | undefined
    if (body instanceof Uint8Array) {
      headers['content-type'] = 'application/octet-stream'
      payload = body as Uint8Array<ArrayBuffer>
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    let res: Response
    try {
      res = await clientFetch(this.url + path, { method, headers, body: payload, signal: options?.signal })
    } catch (err) {
      if ((err as Error).name === 'AbortError' || options?.signal?.aborted === true) throw err
      throw new NodeUnreachableError(this.url, { cause: err })
    }
    if (res.ok) return res
    let error: { code: string, message: string } = { code: `HTTP_${res.status}`, message: `${method} ${path} failed with HTTP ${res.status}` }
    try {
      const parsed = ErrorSchema.safeParse(await res.json())
      if (parsed.success) error = parsed.data.error
    } catch {}
    throw new ApiError(res.status, error.code, error.message)
  }
}

/** One server-sent event block (lines up to a blank line): `ready`, a `change`, or nothing to act on (comments, unknown events). */
function parseEventBlock (block: string): LiveEvent | undefined {
  let type = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') type = value
    else if (field === 'data') data.push(value)
  }
  if (type === 'ready') return { type: 'ready' }
  if (type !== 'change') return undefined
  let value: unknown
  try {
    value = JSON.parse(data.join('\n'))
  } catch {
    throw new BadResponseError('GET /api/v1/events sent a change that is not JSON')
  }
  const parsed = ChangeSchema.safeParse(value)
  if (!parsed.success) throw new BadResponseError(`GET /api/v1/events: ${parsed.error.issues[0]?.message ?? 'unexpected change'}`)
  return { type: 'change', change: parsed.data }
}
