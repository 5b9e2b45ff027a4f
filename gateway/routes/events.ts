/**
 * `GET /api/v1/events`: a user's live updates as server-sent events ([Note: cheap live updates]
 * in node/changes.ts). The stream opens with a `ready` event, then sends a `change` event
 * (`{"collections":[ids]}` or `{"shared":true}`) whenever something the user can read changed,
 * and a comment line every HEARTBEAT_MS so that proxies and the client notice a dead connection.
 * It ends after STREAM_LIFETIME_MS or when the gateway closes; the client reconnects and syncs.
 * Only a user session opens one (not a link session, not another node).
 */
import { PassThrough } from 'node:stream'
import Router from '@koa/router'
import { STREAM_LIFETIME_MS, type Change } from '../../node/changes.ts'
import { requireUser } from '../middleware/auth.ts'
import type { ObscuraNode } from '../../node/node.ts'

export const HEARTBEAT_MS = 25_000

export function eventRoutes (node: ObscuraNode): Router {
  const router = new Router({ prefix: '/api/v1' })

  router.get('/events', async (ctx) => {
    const user = requireUser(ctx)
    const body = new PassThrough()
    let ended = false
    const end = (): void => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      clearTimeout(lifetime)
      unsubscribe()
      body.end()
    }
    const unsubscribe = node.changes.subscribe(user.id, {
      send: (change: Change) => { body.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`) },
      end
    })
    const heartbeat = setInterval(() => { body.write(': keep-alive\n\n') }, HEARTBEAT_MS)
    const lifetime = setTimeout(end, STREAM_LIFETIME_MS)
    heartbeat.unref()
    lifetime.unref()
    ctx.req.on('close', end)
    body.on('error', end)
    // No idle timeout on this socket, and each event leaves at once.
    ctx.req.socket.setTimeout(0)
    ctx.req.socket.setNoDelay(true)
    ctx.status = 200
    ctx.set('Content-Type', 'text/event-stream; charset=utf-8')
    ctx.set('Cache-Control', 'no-store')
    ctx.set('X-Accel-Buffering', 'no')
    body.write('retry: 3000\nevent: ready\ndata: {}\n\n')
    ctx.body = body
  })

  return router
}
