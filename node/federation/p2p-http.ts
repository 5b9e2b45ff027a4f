/**
 * HTTP between nodes over libp2p streams (docs/ARCHITECTURE.md, "Federation"): the gateway's own
 * Koa app answers requests that other nodes send over the `/http/1.1` protocol of @libp2p/http,
 * and `PeerClient` sends such requests, one per stream. Noise authenticates both ends, so the
 * serving side knows the remote peer id of every request (`remotePeerOf`) and one set of routes
 * and checks serves browsers and nodes.
 *
 * [Note: why Node's HTTP on both ends] Node's own HTTP/1.1 parser (llhttp) reads every request
 * from its first byte: `P2pHttpServer` registers the `/http/1.1` protocol of @libp2p/http with
 * libp2p itself, wraps each incoming stream in a `net.Socket`-like Duplex and gives it to a
 * non-listening `http.Server`. It does not use @libp2p/http's server side, whose `readHeaders`
 * hands each chunk to @achingbrain/http-parser-js: when a request's head and body arrive in one
 * chunk (as yamux delivers a 1 MiB block push more often than not), that parser counts the body
 * as head bytes and aborts at 80 KiB ("max header size exceeded"), so large node-to-node
 * requests failed by timing (issue 13). llhttp limits the head alone (`MAX_HEAD_BYTES`) however
 * the bytes are cut, and the gateway's body readers cap each body. Requests go out through
 * Node's `http.request` on the same kind of socket (not @libp2p/http's `fetch`, which drops
 * query strings), with the request's AbortSignal reaching the dial; Node's client and server
 * parse HTTP/1.1 exactly as they do over TCP.
 *
 * [Note: peers cannot stall the node] A peer's request that is malformed or has an oversized
 * head is answered `400 MALFORMED_REQUEST` or `431 HEAD_TOO_LARGE` in the gateway's JSON error
 * shape, then the stream closes. Node's header and request time-outs only run for a listening
 * server, so each stream has its own idle timer instead: armed while the node waits for the
 * peer (the head, the rest of the body, a next request), reset by every chunk, paused while the
 * node answers. A peer silent for `idleMs` gets `408 REQUEST_TIMEOUT` if nothing was answered
 * yet, and the stream is closed; so is a stream that carries more than `MAX_STREAM_BYTES`.
 * libp2p caps open streams of this protocol per connection
 * (`MAX_STREAMS_PER_CONNECTION`), so a peer holding many streams open starves only itself.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import { HTTP_PROTOCOL } from '@libp2p/http'
import { Libp2pSocket } from '@libp2p/http-utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { NodeError } from '../errors.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { Duplex } from 'node:stream'

/** Where a node is reached: its peer id and the multiaddrs it listens on. */
export interface PeerAddress {
  peerId: string
  multiaddrs: string[]
}

/** A node did not answer in time, or could not be dialled at all. */
export class PeerUnreachableError extends NodeError {
  readonly peerId: string

  constructor (peerId: string, reason: string, options?: ErrorOptions) {
    super('PEER_UNREACHABLE', `The node ${peerId} cannot be reached (${reason})`, 503, options)
    this.peerId = peerId
  }
}

/** Longest request head (request line and headers) a peer may send; Node's default. */
export const MAX_HEAD_BYTES = 16 * 1024
/**
 * Most bytes a peer may send on one stream. Nodes send one request per stream, and no route takes
 * a body larger than a block (1 MiB + 4 KiB): this stops a peer that keeps sending a body nobody
 * reads (after a 413, or to a route without a body) from holding the stream open.
 */
export const MAX_STREAM_BYTES = 4 * 1024 * 1024
/** Streams of the HTTP protocol one connection may hold open at once. */
export const MAX_STREAMS_PER_CONNECTION = 32

const peers = new WeakMap<object, string>()

/** The libp2p peer id of the node that sent a request on `socket`; undefined for plain HTTP. */
export function remotePeerOf (socket: object | null | undefined): string | undefined {
  return socket == null ? undefined : peers.get(socket)
}

export interface P2pHttpServerOptions {
  /** How long the node waits for a peer's next bytes (head, body, next request) before it closes the stream. */
  idleMs: number
}

/** A stream's idle timer (see [Note: peers cannot stall the node]). */
interface StreamWatch {
  arm: () => void
  pause: () => void
  answered: boolean
}

const rawAnswer = (status: number, reason: string, code: string, message: string): string => {
  const body = JSON.stringify({ error: { code, message } })
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
}

/** Sends `answer` (if any) and then resets the stream, so that a refused peer cannot keep it open. */
function refuse (socket: Duplex, answer: string | undefined): void {
  const reset = (): void => { socket.destroy(new Error('request refused')) }
  if (answer == null || !socket.writable) reset()
  else socket.end(answer, reset)
}

/**
 * Receives the HTTP requests that other nodes open as libp2p streams and hands them to the
 * request listener set with `serve` (the gateway's Koa callback); until one is set, it answers
 * 503 so that an early caller gets an answer rather than a hang.
 */
export class P2pHttpServer {
  private readonly server = createServer({ maxHeaderSize: MAX_HEAD_BYTES })
  private readonly watches = new WeakMap<object, StreamWatch>()
  private readonly options: P2pHttpServerOptions
  private listener?: RequestListener

  constructor (options: P2pHttpServerOptions) {
    this.options = options
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const watch = this.watches.get(req.socket)
      if (watch != null) {
        watch.answered = true
        req.once('end', watch.pause)
        res.once('finish', watch.arm)
      }
      if (this.listener != null) {
        this.listener(req, res)
        return
      }
      res.writeHead(503, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'STARTING', message: 'The node is starting; try again' } }))
    })
    this.server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
      refuse(socket, this.watches.get(socket)?.answered === true
        ? undefined
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? rawAnswer(431, 'Request Header Fields Too Large', 'HEAD_TOO_LARGE', `The request head is longer than ${MAX_HEAD_BYTES} bytes`)
          : rawAnswer(400, 'Bad Request', 'MALFORMED_REQUEST', `The request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`))
    })
  }

  serve (listener: RequestListener): void {
    this.listener = listener
  }

  /** Answers the `/http/1.1` protocol on `libp2p` from now on. */
  async start (libp2p: Pick<Libp2p, 'handle'>): Promise<void> {
    await libp2p.handle(HTTP_PROTOCOL, (stream, connection) => { this.accept(stream, connection) }, { maxInboundStreams: MAX_STREAMS_PER_CONNECTION })
  }

  /** Serves the requests of one incoming stream (what `start` registers for each). */
  accept (stream: Stream, connection: Connection): void {
    const socket = new Libp2pSocket(stream, connection)
    peers.set(socket, connection.remotePeer.toString())
    let timer: ReturnType<typeof setTimeout> | undefined
    let waiting = true
    const watch: StreamWatch = {
      answered: false,
      arm: () => {
        waiting = true
        clearTimeout(timer)
        timer = setTimeout(() => {
          refuse(socket, watch.answered ? undefined : rawAnswer(408, 'Request Timeout', 'REQUEST_TIMEOUT', `Nothing arrived for ${this.options.idleMs / 1000} s`))
        }, this.options.idleMs)
      },
      pause: () => {
        waiting = false
        clearTimeout(timer)
      }
    }
    this.watches.set(socket, watch)
    let received = 0
    stream.addEventListener('message', (evt) => {
      received += evt.data.byteLength
      if (received > MAX_STREAM_BYTES) {
        refuse(socket, watch.answered ? undefined : rawAnswer(413, 'Payload Too Large', 'PAYLOAD_TOO_LARGE', `A stream carries at most ${MAX_STREAM_BYTES} bytes`))
        return
      }
      if (waiting) watch.arm()
    })
    socket.once('close', () => { clearTimeout(timer) })
    watch.arm()
    this.server.emit('connection', socket)
  }
}

export interface PeerRequestOptions {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE'
  headers?: Record<string, string>
  /** Sent as is; a plain object is sent as JSON. */
  body?: Uint8Array | object
  signal?: AbortSignal
  /** Time limit of the whole exchange, dial to last byte. */
  timeoutMs?: number
  /** Longest response body accepted. */
  maxBytes?: number
}

export interface PeerResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Uint8Array
}

/**
 * Opens one stream per request on a (reused) connection to the peer. An Agent per request,
 * because Node does not hand a request's signal to `createConnection`, and a dial must stop
 * when its request does.
 */
class StreamAgent extends Agent {
  private readonly libp2p: Pick<Libp2p, 'dial'>
  private readonly addresses: Multiaddr[]
  private readonly signal: AbortSignal

  constructor (libp2p: Pick<Libp2p, 'dial'>, addresses: Multiaddr[], signal: AbortSignal) {
    super({ keepAlive: false })
    this.libp2p = libp2p
    this.addresses = addresses
    this.signal = signal
  }

  override createConnection (_options: unknown, cb: (err: Error | null, socket: Duplex) => void): Duplex {
    const signal = this.signal
    const opened = this.libp2p.dial(this.addresses, { signal })
      .then(async (connection) => ({ connection, stream: await connection.newStream(HTTP_PROTOCOL, { signal }) }))
    const socket = new Libp2pSocket(opened)
    const done = (err: Error | null): void => {
      socket.off('connect', onConnect)
      socket.off('error', onError)
      cb(err, socket)
    }
    const onConnect = (): void => { done(null) }
    const onError = (err: Error): void => { done(err) }
    socket.on('connect', onConnect)
    socket.on('error', onError)
    return socket
  }
}

const DEFAULT_TIMEOUT_MS = 15_000
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

/** Parses a node's multiaddrs, each ending in (or given) `/p2p/<peerId>`, so that Noise checks who answers. */
export function dialAddresses (peer: PeerAddress): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const text of peer.multiaddrs) {
    let ma: Multiaddr
    try {
      ma = multiaddr(text)
    } catch {
      continue
    }
    const named = ma.getComponents().find((c) => c.name === 'p2p')?.value
    if (named != null && named !== peer.peerId) continue
    out.push(named == null ? ma.encapsulate(`/p2p/${peer.peerId}`) : ma)
  }
  return out
}

/**
 * Sends HTTP requests to other nodes over libp2p, each on its own stream, with a time limit on
 * the whole exchange. Connections are reused by libp2p; streams are not.
 */
export class PeerClient {
  private readonly libp2p: Pick<Libp2p, 'dial'>

  constructor (libp2p: Pick<Libp2p, 'dial'>) {
    this.libp2p = libp2p
  }

  async request (peer: PeerAddress, path: string, options: PeerRequestOptions = {}): Promise<PeerResponse> {
    const addresses = dialAddresses(peer)
    if (addresses.length === 0) throw new PeerUnreachableError(peer.peerId, 'no usable address is known')
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const signal = options.signal != null ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    const headers: Record<string, string> = { ...options.headers }
    let body: Uint8Array | undefined
    if (options.body instanceof Uint8Array) {
      body = options.body
      headers['content-type'] ??= 'application/octet-stream'
    } else if (options.body != null) {
      body = Buffer.from(JSON.stringify(options.body))
      headers['content-type'] = 'application/json'
    }
    if (body != null) headers['content-length'] = String(body.byteLength)

    const agent = new StreamAgent(this.libp2p, addresses, signal)
    try {
      return await new Promise<PeerResponse>((resolve, reject) => {
        // A stream still being dialled closes only when its dial ends: answer the caller now.
        signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
        const req = request({ agent, path, method: options.method ?? 'GET', host: peer.peerId, headers, signal }, (res) => {
          const parts: Buffer[] = []
          let total = 0
          res.on('data', (part: Buffer) => {
            total += part.byteLength
            if (total > maxBytes) {
              res.destroy(new PeerUnreachableError(peer.peerId, `answered with more than ${maxBytes} bytes`))
              return
            }
            parts.push(part)
          })
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: new Uint8Array(Buffer.concat(parts, total)) }) })
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end(body)
      })
    } catch (err) {
      if (err instanceof PeerUnreachableError) throw err
      if (signal.aborted && options.signal?.aborted === true) throw options.signal.reason
      const reason = signal.aborted ? `no answer within ${timeoutMs / 1000} s` : describe(err)
      throw new PeerUnreachableError(peer.peerId, reason, { cause: err })
    }
  }

  /** `request`, then the JSON body of a 2xx answer; other answers become NodeErrors with the peer's code. */
  async json<T = unknown> (peer: PeerAddress, path: string, options: PeerRequestOptions = {}): Promise<T> {
    const res = await this.request(peer, path, options)
    if (res.status < 200 || res.status >= 300) throw errorOf(res)
    if (res.status === 204) return undefined as T
    try {
      return JSON.parse(Buffer.from(res.body).toString('utf8')) as T
    } catch {
      throw new PeerUnreachableError(peer.peerId, `answered ${path} with something other than JSON`)
    }
  }

}

/** The `{ error: { code, message } }` of a peer's refusal as a NodeError with the same status and code. */
export function errorOf (res: PeerResponse): NodeError {
  let code = 'PEER_ERROR'
  let message = `The other node answered ${res.status}`
  try {
    const parsed = JSON.parse(Buffer.from(res.body).toString('utf8')) as { error?: { code?: unknown, message?: unknown } }
    if (typeof parsed.error?.code === 'string' && /^[A-Z_]{1,64}$/.test(parsed.error.code)) code = parsed.error.code
    if (typeof parsed.error?.message === 'string') message = `The other node answered: ${parsed.error.message.slice(0, 300)}`
  } catch {}
  const status = res.status >= 400 && res.status < 600 ? res.status : 502
  return new NodeError(code, message, status)
}

function describe (err: unknown): string {
  const e = err as { code?: unknown, message?: unknown, name?: unknown }
  if (typeof e?.code === 'string') return e.code
  if (typeof e?.message === 'string' && e.message !== '') return e.message
  if (typeof e?.name === 'string') return e.name
  return 'connection failed'
}

