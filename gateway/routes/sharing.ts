/**
 * Sharing between users of this node: the owner adds, changes and removes members of a
 * collection (with the collection key sealed to each member, which the node cannot open);
 * members list who else is in it, leave it, and find what is shared with them. See
 * node/sharing.ts and docs/API.md.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { parseWith, readJson } from '../body.ts'
import { requireUser } from '../middleware/auth.ts'
import { b64Bytes, CollectionId, Username } from '../schemas.ts'
import type { ObscuraNode } from '../../node/node.ts'

/** A collection key sealed to an X25519 key: 0x01 || epk(32) || nonce(24) || key(32) || tag(16). */
const SEALED_KEY_BYTES = 105
const MemberBody = z.strictObject({
  role: z.enum(['viewer', 'collaborator']),
  epoch: z.number().int().min(0).max(0xffffffff),
  sealedKey: b64Bytes(SEALED_KEY_BYTES, SEALED_KEY_BYTES)
})

export function sharingRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })

  router.get('/collections/:id/members', async (ctx) => {
    const user = requireUser(ctx)
    ctx.body = await node.sharing.listMembers(user, parseWith(CollectionId, ctx.params.id))
  })

  router.put('/collections/:id/members/:username', async (ctx) => {
    const user = requireUser(ctx)
    const id = parseWith(CollectionId, ctx.params.id)
    const username = parseWith(Username, ctx.params.username)
    const body = await readJson(ctx, MemberBody)
    const member = await node.sharing.setMember(user, id, username, { ...body, sealedKey: Buffer.from(body.sealedKey).toString('base64') })
    ctx.body = { member }
  })

  router.delete('/collections/:id/members/:username', async (ctx) => {
    const user = requireUser(ctx)
    await node.sharing.removeMember(user, parseWith(CollectionId, ctx.params.id), parseWith(Username, ctx.params.username))
    ctx.status = 204
  })

  router.get('/shared', async (ctx) => {
    const user = requireUser(ctx)
    ctx.set('cache-control', 'no-store')
    ctx.body = { shared: await node.sharing.sharedWith(user) }
  })

  return router
}
