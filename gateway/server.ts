/**
 * The Koa gateway in front of a node: security headers first, then error mapping, then what other nodes may ask over
 * libp2p, then session resolution, then the API, block and health routes, then the web UI.
 * `startGateway` listens on the configured address, serves the same app to other nodes over
 * libp2p, and returns its URL and a `close()` that waits for open connections to end.
 */
import { once } from 'node:events'
import { statfs } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import Koa from 'koa'
import { NodeError } from '../node/errors.ts'
import { remotePeerOf } from '../node/federation/p2p-http.ts'
import { authenticate } from './middleware/auth.ts'
import { errorHandler, lateErrorLogger } from './middleware/errors.ts'
import { peerRequests } from './middleware/peer.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import { adminRoutes } from './routes/admin.ts'
import { authRoutes } from './routes/auth.ts'
import { blockRoutes } from './routes/blocks.ts'
import { collectionRoutes } from './routes/collections.ts'
import { eventRoutes } from './routes/events.ts'
import { federationRoutes } from './routes/federation.ts'
import { linkRoutes } from './routes/links.ts'
import { meRoutes } from './routes/me.ts'
import { s3Routes } from './routes/s3.ts'
import { sharingRoutes } from './routes/sharing.ts'
import { serveWebUi } from './routes/static.ts'
import type { ObscuraNode } from '../node/node.ts'
import type Router from '@koa/router'

export interface GatewayOptions {
  /** Folder with the built web UI (webui/dist); a placeholder page is served without it. */
  webuiDir?: string
  /** Receives one line per server-side failure; nothing secret is ever in it. */
  log?: (line: string) => void
  /** The clock of the rate limits' windows; tests move it. */
  now?: () => number
}

export interface Gateway {
  url: string
  server: Server
  close: () => Promise<void>
}

/** Free space under which /healthz calls the disk full: a block (1 MiB) and its records would not fit. */
const LOW_DISK_BYTES = 2 * 1024 * 1024
/** How long after a write failed with ENOSPC /healthz goes on saying so, whatever the free space. */
const DISK_FULL_MEMORY_MS = 60_000

/**
 * The data folder's disk as /healthz reports it: full when its free space is below LOW_DISK_BYTES
 * or a write failed for lack of space in the last minute (the space a failed write needed is not
 * known, so a little free space does not prove the next write fits).
 */
async function diskState (dataDir: string, lastFullAt: number | undefined, now: number): Promise<{ full: boolean, freeBytes: number }> {
  const fs = await statfs(dataDir)
  const freeBytes = fs.bavail * fs.bsize
  const recentlyFull = lastFullAt != null && now - lastFullAt < DISK_FULL_MEMORY_MS
  return { full: freeBytes < LOW_DISK_BYTES || recentlyFull, freeBytes }
}

export function createGatewayApp (node: ObscuraNode, options: GatewayOptions = {}): Koa {
  const app = new Koa({ proxy: false })
  const now = options.now ?? Date.now
  let diskFullAt: number | undefined
  app.use(securityHeaders({ connectOrigins: directOrigins(node) }))
  app.use(errorHandler({ log: options.log, onDiskFull: () => { diskFullAt = now() } }))
  app.on('error', lateErrorLogger({ log: options.log }))
  app.use(peerRequests({ peerOf: remotePeerOf }))
  // 200 while the node can take writes; 507 with `disk.full` once its disk is full.
  app.use(async function health (ctx, next) {
    if (ctx.path !== '/healthz') return next()
    const disk = await diskState(node.config.dataDir, diskFullAt, now())
    ctx.status = disk.full ? 507 : 200
    ctx.body = { ok: !disk.full, disk }
  })
  app.use(authenticate(node.accounts, {
    linkSession: async (token) => await node.links.resolveSession(token),
    grantToken: async (bytes, peer) => await node.sharing.resolveGrantToken(bytes, peer)
  }))
  const routers: Router[] = [
    authRoutes(node, { now: options.now }), meRoutes(node), adminRoutes(node), blockRoutes(node), collectionRoutes(node), sharingRoutes(node), linkRoutes(node), s3Routes(node),
    federationRoutes(node), eventRoutes(node)
  ]
  const methodNotAllowed = (): NodeError => new NodeError('METHOD_NOT_ALLOWED', 'This route does not take that HTTP method', 405)
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods({ throw: true, methodNotAllowed, notImplemented: methodNotAllowed }))
  app.use(serveWebUi(options.webuiDir))
  app.use(async function notFound (ctx) {
    ctx.status = 404
    ctx.body = { error: { code: 'NOT_FOUND', message: `No route for ${ctx.method} ${ctx.path}` } }
  })
  return app
}

/** Origins of the bucket that clients reach in direct S3 mode: presigned URLs, and public reads. */
function directOrigins (node: ObscuraNode): string[] {
  const direct = node.direct
  if (direct == null || direct.mode === 'off') return []
  const bases = [direct.store.bucket.publicBaseUrl(), direct.describe().publicUrl]
  return [...new Set(bases.filter((base) => base != null).map((base) => new URL(base).origin))]
}

export async function startGateway (node: ObscuraNode, host: string, port: number, options: GatewayOptions = {}): Promise<Gateway> {
  const app = createGatewayApp(node, options)
  const callback = app.callback()
  const server = createServer(callback)
  // Other nodes reach the same app over libp2p streams (node/federation/p2p-http.ts).
  node.p2p.server.serve(callback)
  // A client that runs Argon2id between two requests (login: challenge, derive, proof) blocks its
  // own event loop for seconds on a slow machine, so its keep-alive timer cannot retire the idle
  // socket in time; with a 5 s server timeout the proof then went out on a socket the node had
  // just closed (ECONNRESET, "cannot reach the node"). 65 s outlasts any such pause; close()
  // still ends idle connections at once.
  server.keepAliveTimeout = 65_000
  server.listen(port, host)
  await once(server, 'listening')
  const address = server.address()
  const boundPort = typeof address === 'object' && address != null ? address.port : port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${boundPort}`,
    server,
    close: async () => {
      // Live update streams never go idle on their own: end them, and their clients reconnect later.
      node.changes.endAll()
      const closed = new Promise<void>((resolve) => server.close(() => { resolve() }))
      server.closeIdleConnections()
      setTimeout(() => server.closeAllConnections(), 2_000).unref()
      await closed
    }
  }
}
