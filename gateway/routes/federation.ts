/**
 * Federation routes (docs/API.md, "Federation"): the node's libp2p identity (for invitations and
 * for a peer checking whom it reached); the notices an album's home node sends the nodes of its
 * members of other nodes (only over libp2p, from that node's peer id); and the grant tokens a
 * member's client hands its own node so that it can fetch the album for it.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { ForbiddenError } from '../../node/errors.ts'
import { parseWith, readJson } from '../body.ts'
import { requireUser } from '../middleware/auth.ts'
import { PEER_ID } from '../../src/format/names.ts'
import { b64Bytes, CollectionId, Username } from '../schemas.ts'
import type { PeerState } from '../middleware/peer.ts'
import type { ObscuraNode } from '../../node/node.ts'
import type { Context } from 'koa'

const B64 = z.string().max(400).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')
const Key = b64Bytes(32, 32).transform((bytes) => Buffer.from(bytes).toString('base64'))
const Peer = z.strictObject({
  peerId: z.string().regex(PEER_ID, 'expected a base58 libp2p peer id'),
  multiaddrs: z.array(z.string().max(300)).max(8)
})
const ShareNotice = z.strictObject({
  collection: CollectionId,
  owner: z.strictObject({ username: Username, signingPublicKey: Key, boxPublicKey: Key }),
  ownerNode: Peer,
  member: z.strictObject({ username: Username, signingPublicKey: Key }),
  role: z.enum(['viewer', 'collaborator']),
  epoch: z.number().int().min(0).max(0xffffffff),
  sealedKey: B64,
  addedAt: z.number().int().nonnegative(),
  sealedName: z.string().max(1400).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64').optional()
})
const EndNotice = z.strictObject({ member: Key })
const GrantBody = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{20,1000}$/, 'expected a base64url grant token') })

/** The peer id of the node that sent this request over libp2p; refused on plain HTTP. */
function requirePeer (ctx: Context): string {
  const { peer } = ctx.state as PeerState
  if (peer == null) throw new ForbiddenError('Only other nodes send this, over libp2p')
  return peer
}

export function federationRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1/federation' })

  router.get('/identity', async (ctx) => {
    const { peer } = ctx.state as PeerState
    ctx.body = { ...node.identity(), ...(peer != null ? { you: peer } : {}) }
  })

  router.post('/shares', async (ctx) => {
    const peer = requirePeer(ctx)
    await node.federation.receiveShare(peer, await readJson(ctx, ShareNotice))
    ctx.status = 204
  })

  router.delete('/shares/:collection', async (ctx) => {
    const peer = requirePeer(ctx)
    const { member } = await readJson(ctx, EndNotice)
    await node.federation.dropShare(peer, parseWith(CollectionId, ctx.params.collection), member)
    ctx.status = 204
  })

  router.put('/shares/:collection/grant', async (ctx) => {
    const user = requireUser(ctx)
    const { token } = await readJson(ctx, GrantBody)
    await node.federation.setGrant(user, parseWith(CollectionId, ctx.params.collection), new Uint8Array(Buffer.from(token, 'base64url')))
    ctx.status = 204
  })

  return router
}
