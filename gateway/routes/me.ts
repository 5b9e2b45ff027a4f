/**
 * The logged-in user's own account (`/api/v1/me`) and the public profile of other users, whose
 * public keys a client needs to share an album with them.
 */
import Router from '@koa/router'
import { NotFoundError } from '../../node/errors.ts'
import { parseWith } from '../body.ts'
import { requireUser } from '../middleware/auth.ts'
import { Username } from '../schemas.ts'
import type { UserRecord } from '../../node/db.ts'
import type { ObscuraNode } from '../../node/node.ts'

/** What a user may see of their own account: no auth key, no bundle. */
export function publicUser (user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    admin: user.admin,
    quotaBytes: user.quotaBytes,
    usedBytes: user.usedBytes,
    rootCollection: user.rootCollection,
    signingPublicKey: user.signingPublicKey,
    boxPublicKey: user.boxPublicKey,
    createdAt: user.createdAt
  }
}

export function meRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })

  router.get('/me', async (ctx) => {
    ctx.body = { user: publicUser(requireUser(ctx)) }
  })

  router.get('/users/:username', async (ctx) => {
    requireUser(ctx)
    const user = await node.accounts.findByUsername(parseWith(Username, ctx.params.username))
    if (user == null) throw new NotFoundError(`No user named "${ctx.params.username}"`)
    ctx.body = { username: user.username, signingPublicKey: user.signingPublicKey, boxPublicKey: user.boxPublicKey }
  })

  return router
}
