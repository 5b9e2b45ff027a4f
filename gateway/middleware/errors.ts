/**
 * The first middleware in the chain: turns every failure into `{ error: { code, message } }`
 * with the status the domain error names. Unknown errors become a 500 with a generic message;
 * their details go to the log only, never to the client. Two failures that are not the node's
 * fault get their own treatment: a full disk (ENOSPC) answers 507 DISK_FULL, which the client can
 * show and the operator can act on, and a request the client gave up on is logged as aborted, in
 * one line without a stack, since nobody is left to answer. Logged URLs lose their query string
 * and link tokens so that no secret reaches a log file.
 */
import { DiskFullError, NodeError } from '../../node/errors.ts'
import type { Context, Next } from 'koa'

export interface ErrorMiddlewareOptions {
  /** Where request failures are logged; defaults to no logging. */
  log?: (line: string) => void
  /** Called when a request failed because the disk is full (so that /healthz can say so). */
  onDiskFull?: () => void
}

/** A URL fit for a log line: no query string (presigned signatures) and no link tokens. */
export function redactUrl (url: string): string {
  return url.replace(/\?.*$/, '').replace(/^\/s\/[^/]+/, '/s/<token>').replace(/^\/api\/v1\/links\/[^/]+/, '/api/v1/links/<token>')
}

export function errorHandler (options: ErrorMiddlewareOptions = {}) {
  return async function handleErrors (ctx: Context, next: Next): Promise<void> {
    try {
      await next()
    } catch (caught) {
      if (clientAborted(ctx, caught)) {
        logAborted(ctx, options.log)
        return
      }
      let err: unknown = caught
      if (!(err instanceof NodeError) && isDiskFull(err)) {
        options.onDiskFull?.()
        options.log?.(`${ctx.method} ${redactUrl(ctx.url)} 507: the disk under the data folder is full (${(err as Error).message})`)
        err = new DiskFullError({ cause: err })
      }
      const known = err instanceof NodeError ? err : undefined
      const status = known != null ? known.status : httpStatusOf(err)
      ctx.status = status
      ctx.body = {
        error: known != null
          ? { code: known.code, message: known.message }
          : status < 500
            ? { code: 'INVALID_REQUEST', message: (err as Error).message }
            : { code: 'INTERNAL', message: 'The node failed to handle this request' }
      }
      if (status >= 500 && !(err instanceof DiskFullError)) options.log?.(`${ctx.method} ${redactUrl(ctx.url)} ${status}: ${(err as Error).stack ?? String(err)}`)
    }
  }
}

/**
 * Koa's 'error' listener, for failures after the middleware chain: the connection breaking while
 * the answer is sent (Koa would print each with its stack to stderr). A client that went away is
 * logged once, as aborted, like one that went away during its request; anything else with its stack.
 */
export function lateErrorLogger (options: ErrorMiddlewareOptions = {}) {
  return function logLateError (err: unknown, ctx?: Context): void {
    if (ctx == null) {
      options.log?.(`gateway: ${(err as Error).stack ?? String(err)}`)
      return
    }
    if (clientAborted(ctx, err)) logAborted(ctx, options.log)
    else options.log?.(`${ctx.method} ${redactUrl(ctx.url)} failed while answering: ${(err as Error).stack ?? String(err)}`)
  }
}

/** One line per aborted request, however many ways the broken connection reports it. */
function logAborted (ctx: Context, log: ((line: string) => void) | undefined): void {
  const state = ctx.state as { abortLogged?: boolean }
  if (state.abortLogged === true) return
  state.abortLogged = true
  log?.(`${ctx.method} ${redactUrl(ctx.url)} aborted by the client`)
}

/**
 * Whether `err` (or an error it wraps: LevelDB and the blockstores wrap what the file system said)
 * is the file system's "no space left on device".
 */
export function isDiskFull (err: unknown): boolean {
  for (let e = err, depth = 0; e != null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'ENOSPC') return true
    if (/ENOSPC|No space left on device/.test(String((e as { message?: unknown }).message ?? ''))) return true
  }
  return false
}

/**
 * A failure caused by the client closing the connection mid-request: Node reports it as
 * "aborted" or ECONNRESET while the body is read, and the request stream is destroyed.
 */
function clientAborted (ctx: Context, err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '')
  const byCode = code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code.startsWith('HPE_') || (err as Error).message === 'aborted'
  return byCode && (ctx.req.destroyed || ctx.req.socket?.destroyed === true)
}

/** Koa's own errors (ctx.throw, body parser) carry `status`; everything else is a 500. */
function httpStatusOf (err: unknown): number {
  const status = (err as { status?: unknown }).status
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}
