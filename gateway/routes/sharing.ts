/**
 * Sharing: the owner adds, changes and removes members of a collection (with the collection key
 * sealed to each member, which the node cannot open) — users of this node by username, users of
 * other nodes as `username@peerId` with their invitation; members list who else is in it, leave
 * it, and find what is shared with them (here and, through federation, on other nodes). See
 * node/sharing.ts, node/federation/ and docs/API.md.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { parseWith, readJson } from '../body.ts'
import { requireUser, type GatewayState } from '../middleware/auth.ts'
import { b64Bytes, CollectionId, MemberName } from '../schemas.ts'
import { isRemoteHandle } from '../../node/federation/remote-members.ts'
import type { ObscuraNode } from '../../node/node.ts'

/** A collection key sealed to an X25519 key: 0x01 || epk(32) || nonce(24) || key(32) || tag(16). */
const SEALED_KEY_BYTES = 105
const MemberBody = z.strictObject({
  role: z.enum(['viewer', 'collaborator']),
  epoch: z.number().int().min(0).max(0xffffffff),
  sealedKey: b64Bytes(SEALED_KEY_BYTES, SEALED_KEY_BYTES),
  /** For `username@peerId`: their invitation (docs/FORMAT.md, 9.8), required when they are added. */
  invitation: z.string().max(4096).optional(),
  /** For `username@peerId`: the album's name boxed under its key, passed on to their node (src/crypto/wrap.ts, boxShareName). */
  sealedName: b64Bytes(41, 1024).optional()
})

export function sharingRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })

  router.get('/collections/:id/members', async (ctx) => {
    const id = parseWith(CollectionId, ctx.params.id)
    const { user, grant } = ctx.state as GatewayState
    if (user != null && await node.federation.isMirrored(id)) {
      ctx.body = await node.federation.members(user, id)
      return
    }
    if (grant == null) requireUser(ctx)
    ctx.body = await node.sharing.listMembers(user, id, grant)
  })

  router.put('/collections/:id/members/:username', async (ctx) => {
    const user = requireUser(ctx)
    const id = parseWith(CollectionId, ctx.params.id)
    const username = parseWith(MemberName, ctx.params.username)
    const body = await readJson(ctx, MemberBody)
    const { sealedName, ...rest } = body
    const member = await node.sharing.setMember(user, id, username, {
      ...rest, sealedKey: Buffer.from(body.sealedKey).toString('base64'), ...(sealedName != null ? { sealedName: Buffer.from(sealedName).toString('base64') } : {})
    })
    ctx.body = { member }
  })

  router.delete('/collections/:id/members/:username', async (ctx) => {
    const id = parseWith(CollectionId, ctx.params.id)
    const username = parseWith(MemberName, ctx.params.username)
    const { user, grant } = ctx.state as GatewayState
    if (user == null && grant != null && isRemoteHandle(username)) {
      await node.sharing.leaveRemote(grant, id, username)
    } else if (await node.federation.isMirrored(id)) {
      await node.federation.leave(requireUser(ctx), id)
    } else {
      await node.sharing.removeMember(requireUser(ctx), id, username)
    }
    ctx.status = 204
  })

  router.get('/shared', async (ctx) => {
    const user = requireUser(ctx)
    ctx.set('cache-control', 'no-store')
    ctx.body = { shared: [...await node.sharing.sharedWith(user), ...await node.federation.sharedWith(user)] }
  })

  return router
}
