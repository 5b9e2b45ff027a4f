/**
 * A fetch for the CLI on node:http(s) with keep-alive connections (installed in main.ts through
 * src/client/fetch.ts). Request bodies are written to the socket as they are, where Node's fetch
 * first copies each one into a web stream: for 1 MiB blocks that copy and the garbage it leaves
 * were a fifth of the CLI's upload time (bench/results/upload.json). Responses are read whole
 * (the node's answers are JSON or one block of at most ~1 MiB) and handed over as a Response.
 */
import http from 'node:http'
import https from 'node:https'
import type { Fetch } from '../../src/client/fetch.ts'

const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true })
}

/** Statuses whose Response may not have a body (Fetch standard, "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

function plainHeaders (init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  new Headers(init).forEach((value, name) => { out[name] = value })
  return out
}

function responseHeaders (res: http.IncomingMessage): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(res.headers)) {
    if (value == null) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return headers
}

export const httpFetch: Fetch = async (url, init) => {
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  if (!secure && target.protocol !== 'http:') throw new TypeError(`cannot fetch ${target.protocol} URLs`)
  const body = init.body
  if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError('the CLI sends string or byte bodies only')
  }
  const method = (init.method ?? 'GET').toUpperCase()
  const headers = plainHeaders(init.headers)
  if (body != null) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
  const signal = init.signal ?? undefined
  signal?.throwIfAborted()

  return await new Promise<Response>((resolve, reject) => {
    const request = (secure ? https : http).request(target, { method, headers, agent: secure ? agents.https : agents.http, signal }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => { parts.push(part) })
      res.once('error', (err) => { reject(signal?.aborted === true ? signal.reason : err) })
      res.once('end', () => {
        const status = res.statusCode ?? 0
        const empty = NULL_BODY.has(status) || method === 'HEAD'
        resolve(new Response(empty ? null : Buffer.concat(parts), { status, statusText: res.statusMessage, headers: responseHeaders(res) }))
      })
    })
    request.once('error', (err) => { reject(signal?.aborted === true ? signal.reason : err) })
    request.end(body)
  })
}
