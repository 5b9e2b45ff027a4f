/**
 * Raw HTTP against a test node's gateway, for tests that check the API itself (status codes,
 * error bodies, headers) rather than what the client library makes of it. `call` never throws
 * on a non-2xx answer; it returns the status, the headers and the body as bytes and, when the
 * body is JSON, parsed.
 */
import { request as httpRequest } from 'node:http'

export interface HttpResult {
  status: number
  headers: Headers
  bytes: Uint8Array
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary bodies
}

export interface CallOptions {
  token?: string
  /** Sent as JSON unless it is bytes or a string. */
  body?: unknown
  headers?: Record<string, string>
}

export async function call (baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token != null) headers.authorization = `Bearer ${options.token}`
  let body: BodyInit | undefined
  if (options.body instanceof Uint8Array) {
    headers['content-type'] ??= 'application/octet-stream'
    body = options.body as Uint8Array<ArrayBuffer>
  } else if (typeof options.body === 'string') {
    headers['content-type'] ??= 'application/json'
    body = options.body
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(options.body)
  }
  const res = await fetch(baseUrl + path, { method, headers, body })
  const bytes = new Uint8Array(await res.arrayBuffer())
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {}
  return { status: res.status, headers: res.headers, bytes, json }
}

/**
 * Sends only the request line and headers of a PUT (declaring `contentLength`) and waits for the
 * node's answer without ever sending the body: proves a refusal is decided before bytes arrive.
 */
export async function putHeadersOnly (baseUrl: string, path: string, token: string, contentLength: number): Promise<{ status: number, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- error body
  const url = new URL(path, baseUrl)
  return await new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(contentLength) }
    }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) })
      })
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => { req.destroy(new Error('no answer within 10 s: the node waited for the body')) })
    req.flushHeaders()
  })
}

/** Asserts the gateway's error shape and returns the code. */
export function errorCode (result: HttpResult): string {
  const error = result.json?.error
  if (error == null || typeof error.code !== 'string' || typeof error.message !== 'string') {
    throw new Error(`expected { error: { code, message } }, got HTTP ${result.status} ${Buffer.from(result.bytes).toString('utf8').slice(0, 200)}`)
  }
  return error.code
}
