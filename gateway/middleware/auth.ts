/**
 * Resolves `Authorization: Bearer <token>` to a user and puts it in `ctx.state.user`. Routes that
 * need a login call `requireUser(ctx)`; routes open to anonymous readers (public links, raw
 * block reads) look at `ctx.state.user` and let the access policy decide.
 */
import { UnauthenticatedError } from '../../node/errors.ts'
import type { Accounts } from '../../node/accounts.ts'
import type { UserRecord } from '../../node/db.ts'
import type { Context, Next } from 'koa'

export interface GatewayState {
  user?: UserRecord
  token?: string
}

export function bearerToken (ctx: Context): string | undefined {
  const header = ctx.get('authorization')
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header)
  return match?.[1]
}

export function authenticate (accounts: Accounts) {
  return async function resolveSession (ctx: Context, next: Next): Promise<void> {
    const token = bearerToken(ctx)
    if (token != null) {
      const state = ctx.state as GatewayState
      state.user = await accounts.authenticate(token)
      state.token = token
    }
    await next()
  }
}

export function requireUser (ctx: Context): UserRecord {
  const user = (ctx.state as GatewayState).user
  if (user == null) throw new UnauthenticatedError()
  return user
}
