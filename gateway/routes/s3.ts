/**
 * Direct S3 routes: what the node offers (`/s3/config`), presigned uploads and their commit, and
 * presigned (or public) read URLs. The gateway only signs and checks here; block bytes travel
 * between clients and the bucket. Every batch is at most 1000 blocks and each CID is parsed with
 * the same rules as the block routes. See node/direct-s3.ts and docs/API.md.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { MAX_BLOCK_BYTES, parseBlockCid } from '../../node/blocks.ts'
import { CONTENT_MD5, MAX_DIRECT_BATCH } from '../../node/direct-s3.ts'
import { DirectS3DisabledError } from '../../node/errors.ts'
import { readJson } from '../body.ts'
import { requireUser, type GatewayState } from '../middleware/auth.ts'
import type { DirectS3 } from '../../node/direct-s3.ts'
import type { ObscuraNode } from '../../node/node.ts'

const CidText = z.string().max(200)
const UploadsBody = z.strictObject({
  blocks: z.array(z.strictObject({
    cid: CidText,
    size: z.number().int().min(0).max(MAX_BLOCK_BYTES),
    /** Base64 MD5 of the block, signed into its PUT URL as Content-MD5. */
    md5: z.string().regex(CONTENT_MD5, 'expected the base64 MD5 of the block (24 characters)')
  })).min(1).max(MAX_DIRECT_BATCH)
})
const CidsBody = z.strictObject({ cids: z.array(CidText).min(1).max(MAX_DIRECT_BATCH) })

/** A 1000-block request is ~130 KB of JSON. */
const MAX_JSON = 256 * 1024

export function s3Routes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1/s3' })
  const direct = (): DirectS3 => {
    if (node.direct == null) throw new DirectS3DisabledError()
    return node.direct
  }

  router.get('/config', async (ctx) => {
    ctx.set('cache-control', 'no-store')
    ctx.body = node.direct?.describe() ?? { direct: 'off' }
  })

  router.post('/uploads', async (ctx) => {
    const user = requireUser(ctx)
    const { blocks } = await readJson(ctx, UploadsBody, MAX_JSON)
    ctx.set('cache-control', 'no-store')
    ctx.body = await direct().authoriseUploads(user, blocks.map((b) => ({ cid: parseBlockCid(b.cid), size: b.size, md5: b.md5 })))
  })

  router.post('/commit', async (ctx) => {
    const user = requireUser(ctx)
    const { cids } = await readJson(ctx, CidsBody, MAX_JSON)
    ctx.body = { blocks: await direct().commitUploads(user, cids.map(parseBlockCid)) }
  })

  router.post('/reads', async (ctx) => {
    const { cids } = await readJson(ctx, CidsBody, MAX_JSON)
    ctx.set('cache-control', 'no-store')
    const { user, grant } = ctx.state as GatewayState
    ctx.body = await direct().authoriseReads(user, cids.map(parseBlockCid), grant)
  })

  return router
}
