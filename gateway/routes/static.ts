/**
 * Serves the built web UI. Files come from one folder only (no path escapes); any other GET that
 * is not an API, block or health route gets index.html, so that client-side routes such as
 * `/s/<token>` (public links) and `/albums/...` load the app. Its security headers (CSP and the
 * rest) come from gateway/middleware/security-headers.ts, on every answer.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { Context, Next } from 'koa'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json'
}

const PLACEHOLDER = '<!doctype html><meta charset="utf-8"><title>Obscura</title><h1>Obscura</h1><p>The web UI is not built yet: run <code>npm run build</code>.</p>'

/** Whether `path` is the web UI's (its files and client routes) rather than the API's, blocks' or health's. */
export function isWebUiPath (path: string): boolean {
  return !/^\/(api|ipfs)\//.test(path) && path !== '/healthz'
}

export function serveWebUi (dir: string | undefined) {
  return async function webUi (ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next()
    if (!isWebUiPath(ctx.path)) return next()
    if (dir == null) {
      ctx.type = 'text/html'
      ctx.body = PLACEHOLDER
      return
    }
    const file = await resolveFile(dir, ctx.path) ?? await resolveFile(dir, '/index.html')
    if (file == null) {
      ctx.type = 'text/html'
      ctx.body = PLACEHOLDER
      return
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream'
    ctx.set('cache-control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache')
    ctx.body = await readFile(file)
  }
}

async function resolveFile (dir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  const file = normalize(join(dir, decoded))
  if (!file.startsWith(normalize(dir) + sep)) return undefined
  const info = await stat(file).catch(() => undefined)
  return info?.isFile() === true ? file : undefined
}
