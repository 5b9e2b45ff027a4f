/**
 * Block upload and read. Uploads are checked against the quota from the declared length before
 * the body is read, then verified against their CID before anything is stored. Reads answer in
 * the IPFS trustless-gateway style (`/ipfs/{cid}?format=raw` or
 * `Accept: application/vnd.ipld.raw`) as well as under the API prefix; private blocks need a
 * session or grant, and a refusal never carries the bytes.
 */
import Router from '@koa/router'
import { z } from 'zod'
import { MAX_BLOCK_BYTES, parseBlockCid } from '../../node/blocks.ts'
import { InvalidRequestError, NodeError } from '../../node/errors.ts'
import { readJson, readRawBody } from '../body.ts'
import { requireWriter, type GatewayState } from '../middleware/auth.ts'
import type { ObscuraNode } from '../../node/node.ts'
import type { Context } from 'koa'

const HaveBody = z.strictObject({ cids: z.array(z.string().max(200)).min(1).max(1000) })
const RAW_TYPE = 'application/vnd.ipld.raw'

export function blockRoutes (node: ObscuraNode): Router {
  const router = new Router()

  router.put('/api/v1/blocks/:cid', async (ctx) => {
    const { user } = await requireWriter(ctx, node.accounts)
    const cid = parseBlockCid(ctx.params.cid as string)
    // An absent header reads as '' and Number('') is 0: without this check a chunked upload
    // would pass the quota check as an empty block.
    const lengthHeader = ctx.get('content-length')
    const declared = /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : NaN
    if (!Number.isSafeInteger(declared) || declared < 0) throw new NodeError('LENGTH_REQUIRED', 'Send Content-Length with a block upload', 411)
    node.blocks.checkQuota(user, declared)
    const bytes = await readRawBody(ctx, MAX_BLOCK_BYTES)
    const { stored } = await node.blocks.put(user, cid, bytes)
    ctx.status = stored ? 201 : 200
    ctx.body = { cid: cid.toString(), size: bytes.byteLength, stored }
  })

  router.post('/api/v1/blocks/have', async (ctx) => {
    const { user } = await requireWriter(ctx, node.accounts)
    const { cids } = await readJson(ctx, HaveBody)
    ctx.body = { have: await node.blocks.have(user, cids.map(parseBlockCid)) }
  })

  router.get('/api/v1/blocks/:cid', async (ctx) => { await sendBlock(ctx, node) })

  router.get('/ipfs/:cid', async (ctx) => {
    const format = ctx.query.format
    const wantsRaw = format === 'raw' || (format == null && ctx.get('accept').includes(RAW_TYPE))
    if (!wantsRaw) throw new NodeError('NOT_ACCEPTABLE', `Only raw blocks are served: add ?format=raw or Accept: ${RAW_TYPE}`, 406)
    await sendBlock(ctx, node)
  })

  return router
}

async function sendBlock (ctx: Context, node: ObscuraNode): Promise<void> {
  const cidText = ctx.params.cid
  if (typeof cidText !== 'string') throw new InvalidRequestError('A CID is required')
  const cid = parseBlockCid(cidText)
  const { user, grant } = ctx.state as GatewayState
  const bytes = await node.blocks.get(user, cid, AbortSignal.timeout(30_000), grant)
  ctx.set('content-type', RAW_TYPE)
  ctx.set('x-content-type-options', 'nosniff')
  ctx.set('cache-control', 'private, max-age=31536000, immutable')
  ctx.set('etag', `"${cid.toString()}.raw"`)
  ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
