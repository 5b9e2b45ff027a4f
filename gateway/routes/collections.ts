/**
 * Collections: list, current head, the commit log after a cursor (sync), and head updates by
 * compare-and-swap. Heads and commits travel as base64 dag-cbor inside JSON.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { parseWith, readJson } from '../body.ts'
import { requireUser, requireWriter, type GatewayState } from '../middleware/auth.ts'
import { MAX_SYNC_CURSORS } from '../../src/client/api.ts'
import { b64Bytes, CollectionId } from '../schemas.ts'
import type { CollectionRecord } from '../../node/db.ts'
import type { ObscuraNode } from '../../node/node.ts'

/** A commit holds up to a few thousand records; its size is bounded so one request stays small. */
const MAX_COMMIT_BYTES = 4 * 1024 * 1024
const HeadBody = z.strictObject({ head: b64Bytes(1, 4096), commit: b64Bytes(1, MAX_COMMIT_BYTES) })
const LogQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000)
})
/**
 * Each cursor costs the node a collection read and an access check (20 000 of them took 5.6 s), so
 * one request carries at most MAX_SYNC_CURSORS; ~50 bytes each, well under the body cap.
 */
const SyncBody = z.strictObject({
  cursors: z.record(CollectionId, z.number().int().min(0))
    .refine((cursors) => Object.keys(cursors).length <= MAX_SYNC_CURSORS, `at most ${MAX_SYNC_CURSORS} cursors per request`)
})
const MAX_SYNC_JSON = 64 * 1024

export function describeCollection (c: CollectionRecord) {
  return { id: c.id, seq: c.seq, head: c.head, headCid: c.headCid, ownerKey: c.ownerKey }
}

export function collectionRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })

  router.get('/collections', async (ctx) => {
    const owned = await node.collections.owned(requireUser(ctx))
    ctx.body = { collections: owned.map(describeCollection) }
  })

  router.get('/collections/:id', async (ctx) => {
    const { user, grant } = ctx.state as GatewayState
    const collection = await node.collections.get(user, parseWith(CollectionId, ctx.params.id), grant)
    ctx.body = describeCollection(collection)
  })

  router.get('/collections/:id/log', async (ctx) => {
    const id = parseWith(CollectionId, ctx.params.id)
    const { after, limit } = parseWith(LogQuery, ctx.query)
    const { user, grant } = ctx.state as GatewayState
    const page = await node.collections.log(user, id, after, limit, grant)
    ctx.body = {
      ...describeCollection(page.collection),
      commits: page.commits.map((c) => ({ seq: c.seq, cid: c.cid, bytes: Buffer.from(c.bytes).toString('base64') })),
      more: page.more
    }
  })

  router.put('/collections/:id/head', async (ctx) => {
    const { user, grant } = await requireWriter(ctx, node.accounts)
    const id = parseWith(CollectionId, ctx.params.id)
    const { head, commit } = await readJson(ctx, HeadBody, Math.ceil(MAX_COMMIT_BYTES * 1.4))
    const updated = await node.collections.updateHead(user, id, head, commit, grant)
    ctx.body = describeCollection(updated)
  })

  /** One round trip for many collections: which ones moved past the client's cursors. */
  router.post('/sync', async (ctx) => {
    const user = requireUser(ctx)
    const { cursors } = await readJson(ctx, SyncBody, MAX_SYNC_JSON)
    const changed: ReturnType<typeof describeCollection>[] = []
    const gone: string[] = []
    for (const [id, seq] of Object.entries(cursors)) {
      const collection = await node.collections.get(user, id).catch(() => undefined)
      if (collection == null) gone.push(id)
      else if (collection.seq !== seq) changed.push(describeCollection(collection))
    }
    ctx.body = { changed, gone }
  })

  return router
}
