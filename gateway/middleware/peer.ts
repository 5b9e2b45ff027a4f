/**
 * Requests from other nodes arrive over libp2p streams (node/federation/p2p-http.ts), where Noise
 * has already proven the sender's peer id: it lands in `ctx.state.peer`, which plain HTTP can
 * never set. Other nodes get only the federation surface — album heads, logs and blocks, the
 * federation routes — and never with a user session: a node acts for a member with that
 * member's grant token (docs/SECURITY.md, "Federation"). Signing up, logging in, admin and the
 * web UI stay on the operator's HTTP listener.
 */
import { ForbiddenError, NotFoundError } from '../../node/errors.ts'
import type { Context, Next } from 'koa'

const SERVED_TO_NODES: Array<[string, RegExp]> = [
  ['GET', /^\/healthz$/],
  ['GET', /^\/api\/v1\/federation\/identity$/],
  ['POST', /^\/api\/v1\/federation\/shares$/],
  ['DELETE', /^\/api\/v1\/federation\/shares\/[0-9a-f]{32}$/],
  ['GET', /^\/api\/v1\/collections\/[0-9a-f]{32}(\/log|\/members)?$/],
  ['PUT', /^\/api\/v1\/collections\/[0-9a-f]{32}\/head$/],
  ['DELETE', /^\/api\/v1\/collections\/[0-9a-f]{32}\/members\/[^/]+$/],
  ['GET', /^\/api\/v1\/blocks\/[A-Za-z0-9]+$/],
  ['PUT', /^\/api\/v1\/blocks\/[A-Za-z0-9]+$/],
  ['POST', /^\/api\/v1\/blocks\/have$/],
  ['GET', /^\/ipfs\/[A-Za-z0-9]+$/]
]

export interface PeerState {
  /** libp2p peer id of the node that sent this request; absent on plain HTTP. */
  peer?: string
}

export function peerRequests (options: { peerOf: (socket: object) => string | undefined }) {
  return async function fromPeer (ctx: Context, next: Next): Promise<void> {
    const peer = options.peerOf(ctx.req.socket)
    if (peer == null) return next()
    ;(ctx.state as PeerState).peer = peer
    if (!SERVED_TO_NODES.some(([method, path]) => method === ctx.method && path.test(ctx.path))) {
      throw new NotFoundError(`${ctx.method} ${ctx.path} is not served to other nodes`)
    }
    if (ctx.get('authorization') !== '') throw new ForbiddenError('Other nodes act for a member with a grant token, never with a session')
    await next()
  }
}
