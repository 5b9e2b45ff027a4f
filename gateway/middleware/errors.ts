/**
 * The first middleware in the chain: turns every failure into `{ error: { code, message } }`
 * with the status the domain error names. Unknown errors become a 500 with a generic message;
 * their details go to the log only, never to the client. Logged URLs lose their query string
 * and link tokens so that no secret reaches a log file.
 */
import { NodeError } from '../../node/errors.ts'
import type { Context, Next } from 'koa'

export interface ErrorMiddlewareOptions {
  /** Where request failures are logged; defaults to no logging. */
  log?: (line: string) => void
}

/** A URL fit for a log line: no query string (presigned signatures) and no link tokens. */
export function redactUrl (url: string): string {
  return url.replace(/\?.*$/, '').replace(/^\/s\/[^/]+/, '/s/<token>').replace(/^\/api\/v1\/links\/[^/]+/, '/api/v1/links/<token>')
}

export function errorHandler (options: ErrorMiddlewareOptions = {}) {
  return async function handleErrors (ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (err) {
      const known = err instanceof NodeError
      const status = known ? err.status : httpStatusOf(err)
      ctx.status = status
      ctx.body = {
        error: known
          ? { code: err.code, message: err.message }
          : status < 500
            ? { code: 'INVALID_REQUEST', message: (err as Error).message }
            : { code: 'INTERNAL', message: 'The node failed to handle this request' }
      }
      if (status >= 500) options.log?.(`${ctx.method} ${redactUrl(ctx.url)} ${status}: ${(err as Error).stack ?? String(err)}`)
    }
  }
}

/** Koa's own errors (ctx.throw, body parser) carry `status`; everything else is a 500. */
function httpStatusOf (err: unknown): number {
  const status = (err as { status?: unknown }).status
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}
