/**
 * Security headers on every answer of the gateway, set before anything else runs so that errors
 * carry them too. The web UI holds a user's unlocked keys in its tab and worker, so the policy
 * lets nothing run or load but this origin's own code: scripts and workers from `'self'` only
 * (`'wasm-unsafe-eval'` for libheif, compiled in the crypto worker), no plugins, no `<base>`, no
 * form posts, and no framing by any page (`frame-ancestors 'none'`, and `X-Frame-Options` for
 * browsers that predate it). Network access is `'self'` plus, in direct S3 mode, the bucket's
 * origins (the worker moves block bytes to and from them). Decrypted media and downloads are
 * `blob:` and `/_media/` URLs of this origin (webui/src/sw/sw.ts gives those their own, stricter
 * headers). Styles allow `'unsafe-inline'` because Lit templates bind `style` attributes; with
 * scripts locked down, a style cannot reach a key.
 *
 * The policy is sent as a header, not a `<meta>` in index.html, so that dedicated and Service
 * Workers — which take their policy from their own script's response — are held to it as well.
 * Answers that are not the web UI (API, blocks, health) are never documents: should a browser be
 * led to one, it gets `sandbox; default-src 'none'`.
 */
import { isWebUiPath } from '../routes/static.ts'
import type { Context, Next } from 'koa'

export interface SecurityHeadersOptions {
  /** Origins besides this one that the app fetches from: the S3 bucket's in direct mode. */
  connectOrigins?: string[]
}

/** The Content-Security-Policy of the app, given the extra origins it may fetch from. */
export function appPolicy (connectOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    ['connect-src', "'self'", ...connectOrigins].join(' '),
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Downloads through the Service Worker are navigations of a hidden frame of this origin.
    "frame-src 'self'",
    "frame-ancestors 'none'"
  ].join('; ')
}

/** The policy of every answer that is not the web UI's. */
export const INERT_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"

export function securityHeaders (options: SecurityHeadersOptions = {}) {
  const app = appPolicy(options.connectOrigins)
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    // A page this tab opens, or that opened it, gets no handle on it (window.opener).
    'cross-origin-opener-policy': 'same-origin'
  }
  return async function securityHeaders (ctx: Context, next: Next): Promise<void> {
    ctx.set(headers)
    ctx.set('content-security-policy', isWebUiPath(ctx.path) ? app : INERT_POLICY)
    await next()
  }
}
