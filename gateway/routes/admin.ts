/**
 * Admin-only routes: invites for closed signup (create, list, revoke), the user list with quota
 * use, quota changes.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { parseWith, readJson } from '../body.ts'
import { requireUser } from '../middleware/auth.ts'
import { Username } from '../schemas.ts'
import { publicUser } from './me.ts'
import type { ObscuraNode } from '../../node/node.ts'

const InviteId = z.string().regex(/^[0-9a-f]{64}$/, 'an invite id is 64 hex digits')
const QuotaBody = z.strictObject({ quotaBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })

export function adminRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1/admin' })

  router.post('/invites', async (ctx) => {
    ctx.status = 201
    ctx.body = await node.accounts.createInvite(requireUser(ctx))
  })

  router.get('/invites', async (ctx) => {
    ctx.set('cache-control', 'no-store')
    ctx.body = { invites: await node.accounts.listInvites(requireUser(ctx)) }
  })

  router.delete('/invites/:id', async (ctx) => {
    await node.accounts.revokeInvite(requireUser(ctx), parseWith(InviteId, ctx.params.id))
    ctx.status = 204
  })

  router.get('/users', async (ctx) => {
    const users = await node.accounts.listUsers(requireUser(ctx))
    ctx.body = { users: users.map(publicUser) }
  })

  router.put('/users/:username/quota', async (ctx) => {
    const admin = requireUser(ctx)
    const { quotaBytes } = await readJson(ctx, QuotaBody)
    const user = await node.accounts.setQuota(admin, parseWith(Username, ctx.params.username), quotaBytes)
    ctx.body = { user: publicUser(user) }
  })

  return router
}
