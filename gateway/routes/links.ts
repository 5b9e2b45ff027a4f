/**
 * Public links: the owner's routes to create, list, re-key and revoke them, and the public
 * routes a link holder uses without an account — describe the link, get a password challenge,
 * open a session. Unknown tokens and wrong passwords count against a per-client brake, so
 * neither can be guessed at network speed; while a client is braked every link answer is 429,
 * so the brake is no oracle either. See node/links.ts and docs/API.md.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { LinkPasswordError, NotFoundError, UnauthenticatedError } from '../../node/errors.ts'
import { parseWith, readJson } from '../body.ts'
import { requireUser, type GatewayState } from '../middleware/auth.ts'
import { FailureLimiter } from '../middleware/rate-limit.ts'
import { b64Bytes, CollectionId, KdfParams } from '../schemas.ts'
import type { LinkRecord } from '../../node/db.ts'
import type { ObscuraNode } from '../../node/node.ts'
import type { Context } from 'koa'

const Token = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'expected a link token')
const LinkId = CollectionId
/** box(masterKey, token(16) || secret(32) || wrapKey(32)): 1 + 24 + 80 + 16 bytes. */
const OWNER_BOX_BYTES = 121
const KEY_BOX_BYTES = 73
const Epoch = z.number().int().min(0).max(0xffffffff)

const CreateBody = z.strictObject({
  id: LinkId,
  token: Token,
  epoch: Epoch,
  keyBox: b64Bytes(KEY_BOX_BYTES, KEY_BOX_BYTES),
  ownerBox: b64Bytes(OWNER_BOX_BYTES, OWNER_BOX_BYTES),
  expiresAt: z.number().int().positive().optional(),
  deviceLimit: z.number().int().min(1).max(10_000).optional(),
  noDownload: z.boolean(),
  allowUpload: z.boolean(),
  uploadKey: b64Bytes(32, 32).optional(),
  password: z.strictObject({ kdf: KdfParams, authPublicKey: b64Bytes(32, 32) }).optional()
})
const KeyBody = z.strictObject({ epoch: Epoch, keyBox: b64Bytes(KEY_BOX_BYTES, KEY_BOX_BYTES) })
const SessionBody = z.strictObject({
  device: z.string().min(16).max(128),
  challengeId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  signature: b64Bytes(64, 64).optional()
})

/** What the owner sees of a link: everything but the token and key, which are in `ownerBox`. */
export function describeOwnedLink (link: LinkRecord) {
  return {
    id: link.id,
    collection: link.collection,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt ?? null,
    revokedAt: link.revokedAt ?? null,
    deviceLimit: link.deviceLimit ?? null,
    devices: link.devices.length,
    noDownload: link.noDownload,
    allowUpload: link.allowUpload,
    uploadKey: link.uploadKey ?? null,
    password: link.password != null,
    epoch: link.epoch,
    ownerBox: link.ownerBox
  }
}

export function linkRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })
  const unknownTokens = new FailureLimiter({ limit: 10, windowMs: 60_000 })
  const wrongPasswords = new FailureLimiter({ limit: 10, windowMs: 60_000 })

  /** Runs a public link route under the per-client brake on unknown tokens. */
  const guarded = async <T>(ctx: Context, run: () => Promise<T>): Promise<T> => {
    unknownTokens.check(ctx.ip)
    try {
      return await run()
    } catch (err) {
      if (err instanceof NotFoundError) unknownTokens.fail(ctx.ip)
      throw err
    }
  }

  router.post('/collections/:id/links', async (ctx) => {
    const user = requireUser(ctx)
    const body = await readJson(ctx, CreateBody)
    const link = await node.links.create(user, parseWith(CollectionId, ctx.params.id), {
      ...body,
      password: body.password != null ? { kdf: body.password.kdf, authPublicKey: body.password.authPublicKey } : undefined
    })
    ctx.status = 201
    ctx.body = { link: describeOwnedLink(link) }
  })

  router.get('/collections/:id/links', async (ctx) => {
    const user = requireUser(ctx)
    ctx.set('cache-control', 'no-store')
    ctx.body = { links: (await node.links.list(user, parseWith(CollectionId, ctx.params.id))).map(describeOwnedLink) }
  })

  router.put('/collections/:id/links/:linkId/key', async (ctx) => {
    const user = requireUser(ctx)
    parseWith(CollectionId, ctx.params.id)
    const body = await readJson(ctx, KeyBody)
    ctx.body = { link: describeOwnedLink(await node.links.setKey(user, parseWith(LinkId, ctx.params.linkId), body)) }
  })

  router.delete('/collections/:id/links/:linkId', async (ctx) => {
    const user = requireUser(ctx)
    parseWith(CollectionId, ctx.params.id)
    ctx.body = { link: describeOwnedLink(await node.links.revoke(user, { id: parseWith(LinkId, ctx.params.linkId) })) }
  })

  /** Revocation by token, for an owner who has only the URL at hand. */
  router.delete('/links/:token', async (ctx) => {
    const user = requireUser(ctx)
    ctx.body = { link: describeOwnedLink(await node.links.revoke(user, { token: parseWith(Token, ctx.params.token) })) }
  })

  /** The link of the request's link session, with its key box as it is now (after a re-key). */
  router.get('/link', async (ctx) => {
    const grant = (ctx.state as GatewayState).grant
    if (grant?.via !== 'link') throw new UnauthenticatedError('Open a link first')
    ctx.set('cache-control', 'no-store')
    ctx.body = { link: await node.links.current(grant) }
  })

  router.get('/links/:token', async (ctx) => {
    ctx.set('cache-control', 'no-store')
    ctx.body = await guarded(ctx, async () => await node.links.describe(parseWith(Token, ctx.params.token)))
  })

  router.post('/links/:token/challenge', async (ctx) => {
    ctx.set('cache-control', 'no-store')
    const token = parseWith(Token, ctx.params.token)
    wrongPasswords.check(`${ctx.ip}|${token}`)
    const { challengeId, challenge } = await guarded(ctx, async () => await node.links.challenge(token))
    ctx.body = { challengeId, challenge: Buffer.from(challenge).toString('base64') }
  })

  router.post('/links/:token/session', async (ctx) => {
    ctx.set('cache-control', 'no-store')
    const token = parseWith(Token, ctx.params.token)
    const body = await readJson(ctx, SessionBody)
    const key = `${ctx.ip}|${token}`
    wrongPasswords.check(key)
    try {
      ctx.body = await guarded(ctx, async () => await node.links.openSession(token, body))
    } catch (err) {
      if (err instanceof LinkPasswordError && body.signature != null) wrongPasswords.fail(key)
      throw err
    }
  })

  return router
}
