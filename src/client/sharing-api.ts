/**
 * The HTTP calls of sharing and public links (docs/API.md, "Sharing" and "Public links"), kept
 * beside NodeApi rather than in it: members of a collection, what is shared with me, the owner's
 * link management, and the routes a link holder uses without an account. Like NodeApi, every
 * answer is checked against a schema before the rest of the client sees it.
 */
import { z } from 'zod'
import { toBase64 } from './encoding.ts'
import { KdfSchema, type ApiKdf, type NodeApi, type RequestOptions } from './api.ts'

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)
const Role = z.enum(['viewer', 'collaborator'])

const ProfileSchema = z.object({ username: z.string(), signingPublicKey: b64, boxPublicKey: b64 })
export type ApiProfile = z.infer<typeof ProfileSchema>

const MemberSchema = ProfileSchema.extend({ role: Role, epoch: z.number().int(), addedAt: z.number(), node: z.string().optional(), delivered: z.boolean().optional() })
export type ApiMember = z.infer<typeof MemberSchema>

const SharedSchema = z.object({
  collection: z.string().regex(/^[0-9a-f]{32}$/),
  owner: ProfileSchema,
  role: Role,
  epoch: z.number().int().min(0),
  sealedKey: b64,
  addedAt: z.number(),
  seq: z.number().int(),
  /** Albums of another node: the album's name boxed under its key by the owner's client (src/crypto/wrap.ts, boxShareName). */
  sealedName: b64.optional(),
  /** Albums of another node: that node, how it last answered, and the grant token this node holds (docs/API.md, "Federation"). */
  node: z.object({
    peerId: z.string(),
    state: z.enum(['ok', 'unreachable', 'pending']),
    syncedAt: z.number().optional(),
    grantExpiresAt: z.number(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    /** What the member's node keeps of the album, fetched from its node (its own uploads not counted). */
    cached: z.object({ blocks: z.number().int().nonnegative(), bytes: z.number().nonnegative() }).optional()
  }).optional()
})
export type ApiShared = z.infer<typeof SharedSchema>

const OwnedLinkSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  collection: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  deviceLimit: z.number().int().nullable(),
  devices: z.number().int(),
  noDownload: z.boolean(),
  allowUpload: z.boolean(),
  uploadKey: b64.nullable(),
  password: z.boolean(),
  epoch: z.number().int(),
  ownerBox: b64
})
export type ApiOwnedLink = z.infer<typeof OwnedLinkSchema>

const LinkDescriptionSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  collection: z.string().regex(/^[0-9a-f]{32}$/),
  ownerKey: b64,
  ownerName: z.string().max(32).optional(),
  expiresAt: z.number().optional(),
  noDownload: z.boolean(),
  allowUpload: z.boolean(),
  password: KdfSchema.optional()
})
export type ApiLinkDescription = z.infer<typeof LinkDescriptionSchema>

const LinkSessionSchema = z.object({
  token: z.string().regex(/^lnk_[A-Za-z0-9_-]{20,96}$/),
  expiresAt: z.number(),
  link: LinkDescriptionSchema.extend({ epoch: z.number().int().min(0), keyBox: b64, uploadKey: b64.optional() })
})
export type ApiLinkSession = z.infer<typeof LinkSessionSchema>

export interface CreateLinkRequest {
  id: string
  token: string
  epoch: number
  keyBox: Uint8Array
  ownerBox: Uint8Array
  expiresAt?: number
  deviceLimit?: number
  noDownload: boolean
  allowUpload: boolean
  uploadKey?: Uint8Array
  password?: { kdf: ApiKdf, authPublicKey: Uint8Array }
}


const user = (username: string): string => encodeURIComponent(username)

export const sharingApi = {
  async profile (api: NodeApi, username: string, options?: RequestOptions): Promise<ApiProfile> {
    return api.json('GET', `/api/v1/users/${user(username)}`, ProfileSchema, undefined, options)
  },

  async members (api: NodeApi, collection: string, options?: RequestOptions): Promise<{ owner: ApiProfile, members: ApiMember[] }> {
    return api.json('GET', `/api/v1/collections/${collection}/members`, z.object({ owner: ProfileSchema, members: z.array(MemberSchema) }), undefined, options)
  },

  async setMember (api: NodeApi, collection: string, username: string, body: { role: 'viewer' | 'collaborator', epoch: number, sealedKey: Uint8Array, invitation?: string, sealedName?: Uint8Array }, options?: RequestOptions): Promise<ApiMember> {
    const wire = { ...body, sealedKey: toBase64(body.sealedKey), ...(body.sealedName != null ? { sealedName: toBase64(body.sealedName) } : {}) }
    const res = await api.json('PUT', `/api/v1/collections/${collection}/members/${user(username)}`, z.object({ member: MemberSchema }), wire, options)
    return res.member
  },

  async removeMember (api: NodeApi, collection: string, username: string, options?: RequestOptions): Promise<void> {
    await api.request('DELETE', `/api/v1/collections/${collection}/members/${user(username)}`, undefined, options)
  },

  /** Hands this node a grant token for an album of another node, so that it can fetch the album for us. */
  async setGrant (api: NodeApi, collection: string, token: string, options?: RequestOptions): Promise<void> {
    await api.request('PUT', `/api/v1/federation/shares/${collection}/grant`, { token }, options)
  },

  /** The node's libp2p peer id and the addresses other nodes dial (for invitations). */
  async identity (api: NodeApi, options?: RequestOptions): Promise<{ peerId: string, multiaddrs: string[] }> {
    return api.json('GET', '/api/v1/federation/identity', z.object({ peerId: z.string(), multiaddrs: z.array(z.string()) }), undefined, options)
  },

  async shared (api: NodeApi, options?: RequestOptions): Promise<ApiShared[]> {
    return (await api.json('GET', '/api/v1/shared', z.object({ shared: z.array(SharedSchema) }), undefined, options)).shared
  },

  async createLink (api: NodeApi, collection: string, body: CreateLinkRequest, options?: RequestOptions): Promise<ApiOwnedLink> {
    const payload = {
      ...body,
      keyBox: toBase64(body.keyBox),
      ownerBox: toBase64(body.ownerBox),
      uploadKey: body.uploadKey != null ? toBase64(body.uploadKey) : undefined,
      password: body.password != null ? { kdf: body.password.kdf, authPublicKey: toBase64(body.password.authPublicKey) } : undefined
    }
    return (await api.json('POST', `/api/v1/collections/${collection}/links`, z.object({ link: OwnedLinkSchema }), payload, options)).link
  },

  async links (api: NodeApi, collection: string, options?: RequestOptions): Promise<ApiOwnedLink[]> {
    return (await api.json('GET', `/api/v1/collections/${collection}/links`, z.object({ links: z.array(OwnedLinkSchema) }), undefined, options)).links
  },

  async setLinkKey (api: NodeApi, collection: string, linkId: string, body: { epoch: number, keyBox: Uint8Array }, options?: RequestOptions): Promise<ApiOwnedLink> {
    return (await api.json('PUT', `/api/v1/collections/${collection}/links/${linkId}/key`, z.object({ link: OwnedLinkSchema }), { epoch: body.epoch, keyBox: toBase64(body.keyBox) }, options)).link
  },

  async revokeLink (api: NodeApi, ref: { collection: string, id: string } | { token: string }, options?: RequestOptions): Promise<ApiOwnedLink> {
    const path = 'token' in ref ? `/api/v1/links/${ref.token}` : `/api/v1/collections/${ref.collection}/links/${ref.id}`
    return (await api.json('DELETE', path, z.object({ link: OwnedLinkSchema }), undefined, options)).link
  },

  async describeLink (api: NodeApi, token: string, options?: RequestOptions): Promise<ApiLinkDescription> {
    return api.json('GET', `/api/v1/links/${token}`, LinkDescriptionSchema, undefined, options)
  },

  async linkChallenge (api: NodeApi, token: string, options?: RequestOptions): Promise<{ challengeId: string, challenge: string }> {
    return api.json('POST', `/api/v1/links/${token}/challenge`, z.object({ challengeId: z.string(), challenge: b64 }), undefined, options)
  },

  /** With a link session: the link as it is now (its key box changes when the owner re-keys). */
  async currentLink (api: NodeApi, options?: RequestOptions): Promise<ApiLinkSession['link']> {
    return (await api.json('GET', '/api/v1/link', z.object({ link: LinkSessionSchema.shape.link }), undefined, options)).link
  },

  async openLinkSession (api: NodeApi, token: string, body: { device: string, challengeId?: string, signature?: Uint8Array }, options?: RequestOptions): Promise<ApiLinkSession> {
    const payload = { device: body.device, challengeId: body.challengeId, signature: body.signature != null ? toBase64(body.signature) : undefined }
    return api.json('POST', `/api/v1/links/${token}/session`, LinkSessionSchema, payload, options)
  }
}
