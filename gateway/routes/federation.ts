/**
 * Federation routes (docs/API.md, "Federation"): the node's libp2p identity, for invitations and
 * for a peer checking whom it reached.
 */
import Router from '@koa/router'
import type { PeerState } from '../middleware/peer.ts'
import type { ObscuraNode } from '../../node/node.ts'

export function federationRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1/federation' })

  router.get('/identity', async (ctx) => {
    const { peer } = ctx.state as PeerState
    ctx.body = { ...node.identity(), ...(peer != null ? { you: peer } : {}) }
  })

  return router
}
