/**
 * Resolves the request's credentials: `Authorization: Bearer <token>` with an account session
 * (`ctx.state.user`), or with a public link's session (`lnk_…`, a grant for one album), and an
 * `X-Obscura-Grant` header with a member's signed grant token (for nodes acting for a member).
 * Grants land in `ctx.state.grant`. Routes that need a login call `requireUser(ctx)`; routes
 * open to anonymous readers (public links, raw block reads) pass the user and the grant on and
 * let the access policy decide.
 */
import { UnauthenticatedError } from '../../node/errors.ts'
import { LINK_SESSION_PREFIX } from '../../node/links.ts'
import type { Accounts } from '../../node/accounts.ts'
import type { UserRecord } from '../../node/db.ts'
import type { CollectionGrant } from '../../node/sharing.ts'
import type { PeerState } from './peer.ts'
import type { Context, Next } from 'koa'

export interface GatewayState {
  user?: UserRecord
  token?: string
  /** A link session's or a grant token's capability for one collection. */
  grant?: CollectionGrant
}

/** Turn link session tokens and grant tokens into grants (node/links.ts, node/sharing.ts). */
export interface GrantResolvers {
  linkSession: (token: string) => Promise<CollectionGrant>
  /** `peer`: the libp2p peer id of the node that sent the request, if it came over libp2p. */
  grantToken: (bytes: Uint8Array, peer?: string) => Promise<CollectionGrant>
}

export function bearerToken (ctx: Context): string | undefined {
  const header = ctx.get('authorization')
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header)
  return match?.[1]
}

export function authenticate (accounts: Accounts, grants?: GrantResolvers) {
  return async function resolveSession (ctx: Context, next: Next): Promise<void> {
    const state = ctx.state as GatewayState
    const token = bearerToken(ctx)
    if (token != null) {
      if (grants != null && token.startsWith(LINK_SESSION_PREFIX)) {
        state.grant = await grants.linkSession(token)
      } else {
        state.user = await accounts.authenticate(token)
        state.token = token
      }
    }
    const grantToken = ctx.get('x-obscura-grant')
    if (grantToken !== '' && grants != null && state.grant == null) {
      if (!/^[A-Za-z0-9_-]{20,1000}$/.test(grantToken)) throw new UnauthenticatedError('The grant token is malformed')
      state.grant = await grants.grantToken(new Uint8Array(Buffer.from(grantToken, 'base64url')), (ctx.state as PeerState).peer)
    }
    await next()
  }
}

export function requireUser (ctx: Context): UserRecord {
  const user = (ctx.state as GatewayState).user
  if (user == null) throw new UnauthenticatedError()
  return user
}

/**
 * Who writes blocks and heads: the session's user, or — through a public link whose owner
 * allowed uploads, or for a collaborator of another node through its node — the album's owner,
 * who is charged for what link holders and remote collaborators add on this node.
 */
export async function requireWriter (ctx: Context, accounts: Pick<Accounts, 'get'>): Promise<{ user: UserRecord, grant?: CollectionGrant }> {
  const state = ctx.state as GatewayState
  if (state.user != null) return { user: state.user }
  const grant = state.grant
  if (grant?.allowUpload === true && (grant.via === 'link' || grant.remote === true)) {
    const owner = await accounts.get(grant.ownerId)
    if (owner != null) return { user: owner, grant }
  }
  throw new UnauthenticatedError()
}
