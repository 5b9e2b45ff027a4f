/**
 * The Service Worker that lets <video> stream encrypted media. It answers requests for
 * `/_media/<item id>/<part>` on this origin — never sent to the network — by asking the page for
 * the plaintext bytes of the requested range; the page hands the question to the crypto worker,
 * which fetches and decrypts only the chunks that cover it and replies on a MessagePort. So a
 * video starts playing after its first chunk and seeks by fetching the chunks where it lands.
 * With `?download=1` the whole part streams as an attachment, so saving a large original never
 * holds it in memory. `/_zip/<job>` streams a zip the crypto worker is making (worker/zip.ts), pulled
 * a piece at a time as the browser writes it, so a download of an album never holds it in memory
 * either; cancelling it in the browser cancels the job. It knows no key, and imports only the allowlist of media types (which the
 * build puts in a chunk it shares with the page: the worker is registered as a module).
 *
 * [Note: media responses are inert] What it serves is on the app's own origin, and a typed or
 * pasted `/_media/...` URL makes it a document there. So a part goes out under its type only when
 * that type is on the allowlist ([Note: shown media types] in src/client/mime.ts), otherwise as
 * `application/octet-stream` with `Content-Disposition: attachment`; and every answer carries
 * `nosniff` and a CSP `sandbox` with `default-src 'none'`, so that even bytes a browser did render
 * run no script and reach nothing. Image and video documents get the least they need on top:
 * their own inline styles (Chromium draws them with some), and for video the `media-src 'self'`
 * and `allow-same-origin` its player's fetch of the same URL needs (scripts stay off).
 */
import { OPAQUE_MIME, shownMime } from '../../../src/client/mime.ts'

interface RangeReply { ok: true, size: number, mime: string, name: string, start: number, bytes: ArrayBuffer }
interface RangeFailure { ok: false, error: { code: string, message: string } }
interface FetchEventLike extends Event { request: Request, clientId: string, respondWith: (response: Promise<Response>) => void }
interface ClientLike { id: string, url: string, focused?: boolean, postMessage: (message: unknown, transfer: Transferable[]) => void }
interface ScopeLike {
  location: Location
  clients: { get: (id: string) => Promise<ClientLike | undefined>, matchAll: (o: { type: string }) => Promise<ClientLike[]>, claim: () => Promise<void> }
  skipWaiting: () => Promise<void>
  addEventListener: (type: string, listener: (event: Event & { waitUntil: (p: Promise<unknown>) => void }) => void) => void
}
const scope = self as unknown as ScopeLike
const PATH = /^\/_media\/([0-9a-f]{32})\/(original|motion|preview)$/
const ZIP_PATH = /^\/_zip\/([0-9a-f]{32})$/
interface ZipReply { ok: true, bytes: ArrayBuffer, done: boolean }

/** See [Note: media responses are inert]. */
const INERT = { 'x-content-type-options': 'nosniff', 'content-security-policy': "sandbox; default-src 'none'" }
const SHOWN_POLICY = {
  image: "sandbox; default-src 'none'; style-src 'unsafe-inline'",
  video: "sandbox allow-same-origin; default-src 'none'; media-src 'self'; style-src 'unsafe-inline'"
}

/** Type and disposition headers for a part that claims `mime`: an allowlisted type, or a download. */
function typeHeaders (mime: string, name: string, download: boolean): Record<string, string> {
  const shown = download ? undefined : shownMime(mime)
  if (shown == null) {
    return { ...INERT, 'content-type': OPAQUE_MIME, 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` }
  }
  return { ...INERT, 'content-type': shown, 'content-security-policy': SHOWN_POLICY[shown.startsWith('video/') ? 'video' : 'image'] }
}

function failure (status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, { status, headers: { ...INERT, 'content-type': 'text/plain; charset=utf-8', ...headers } })
}

scope.addEventListener('install', (event) => { event.waitUntil(scope.skipWaiting()) })
scope.addEventListener('activate', (event) => { event.waitUntil(scope.clients.claim()) })

const isApp = (client: ClientLike): boolean => !/^\/_(media|zip)\//.test(new URL(client.url).pathname)

/**
 * The page that asked; for a download (a frame's navigation, which has no client yet) or a
 * `/_media/` URL opened as a document (whose player asks again for its ranges, and runs no app
 * to answer), the focused page of the app.
 */
async function clientFor (id: string): Promise<ClientLike | undefined> {
  const own = id !== '' ? await scope.clients.get(id) : undefined
  if (own != null && isApp(own)) return own
  const pages = (await scope.clients.matchAll({ type: 'window' })).filter(isApp)
  return pages.find((c) => c.focused === true) ?? pages[0]
}

async function ask (client: ClientLike, itemId: string, part: string, start: number, end: number): Promise<RangeReply> {
  const channel = new MessageChannel()
  const reply = new Promise<RangeReply | RangeFailure>((resolve) => { channel.port1.onmessage = (e) => { resolve(e.data as RangeReply | RangeFailure) } })
  client.postMessage({ type: 'obscura:range', range: { itemId, part, start, end } }, [channel.port2])
  const answer = await reply
  channel.port1.close()
  if (!answer.ok) throw new Error(answer.error.message)
  return answer
}

async function askZip (client: ClientLike, id: string, cancel: boolean): Promise<ZipReply> {
  const channel = new MessageChannel()
  const reply = new Promise<ZipReply | RangeFailure>((resolve) => { channel.port1.onmessage = (e) => { resolve(e.data as ZipReply | RangeFailure) } })
  client.postMessage({ type: 'obscura:zip', zip: { id, ...(cancel ? { cancel } : {}) } }, [channel.port2])
  const answer = await reply
  channel.port1.close()
  if (!answer.ok) throw new Error(answer.error.message)
  return answer
}

/** A zip as a download: each pull asks for the next piece; a failed piece fails the download (the browser says so). */
async function serveZip (event: FetchEventLike, id: string): Promise<Response> {
  const client = await clientFor(event.clientId)
  if (client == null) return failure(503, 'no page to decrypt with')
  const name = new URL(event.request.url).searchParams.get('name') ?? 'Photos.zip'
  const body = new ReadableStream<Uint8Array>({
    async pull (controller) {
      const piece = await askZip(client, id, false)
      if (piece.bytes.byteLength > 0) controller.enqueue(new Uint8Array(piece.bytes))
      if (piece.done) controller.close()
    },
    cancel () { askZip(client, id, true).catch(() => {}) }
  }, { highWaterMark: 0 })
  return new Response(body, { status: 200, headers: { ...typeHeaders(OPAQUE_MIME, name, true), 'cache-control': 'no-store' } })
}

function parseRange (header: string | null): { start: number, end?: number } | undefined {
  const found = /^bytes=(\d+)-(\d*)$/.exec(header ?? '')
  if (found == null) return undefined
  return { start: Number(found[1]), end: found[2] !== '' ? Number(found[2]) + 1 : undefined }
}

async function serve (event: FetchEventLike, itemId: string, part: string): Promise<Response> {
  const client = await clientFor(event.clientId)
  if (client == null) return failure(503, 'no page to decrypt with')
  const url = new URL(event.request.url)
  const range = parseRange(event.request.headers.get('range'))
  const download = url.searchParams.get('download') === '1'
  try {
    if (download || range == null) {
      const first = await ask(client, itemId, part, 0, Number.MAX_SAFE_INTEGER)
      let offset = first.start + first.bytes.byteLength
      const body = new ReadableStream<Uint8Array>({
        start (controller) { controller.enqueue(new Uint8Array(first.bytes)) },
        async pull (controller) {
          if (offset >= first.size) { controller.close(); return }
          const next = await ask(client, itemId, part, offset, Number.MAX_SAFE_INTEGER)
          offset += next.bytes.byteLength
          controller.enqueue(new Uint8Array(next.bytes))
        }
      })
      const headers = { ...typeHeaders(first.mime, first.name, download), 'content-length': String(first.size), 'accept-ranges': 'bytes' }
      return new Response(body, { status: 200, headers })
    }
    const reply = await ask(client, itemId, part, range.start, range.end ?? Number.MAX_SAFE_INTEGER)
    if (range.start >= reply.size && reply.size > 0) return failure(416, '', { 'content-range': `bytes */${reply.size}` })
    const last = reply.start + reply.bytes.byteLength - 1
    return new Response(reply.bytes, {
      status: 206,
      headers: { ...typeHeaders(reply.mime, reply.name, false), 'content-length': String(reply.bytes.byteLength), 'content-range': `bytes ${reply.start}-${last}/${reply.size}`, 'accept-ranges': 'bytes' }
    })
  } catch (err) {
    return failure(502, (err as Error).message)
  }
}

scope.addEventListener('fetch', (e) => {
  const event = e as unknown as FetchEventLike
  const url = new URL(event.request.url)
  if (url.origin !== scope.location.origin) return
  const zip = ZIP_PATH.exec(url.pathname)
  if (zip != null) {
    event.respondWith(serveZip(event, zip[1] as string))
    return
  }
  const found = PATH.exec(url.pathname)
  if (found == null) return
  event.respondWith(serve(event, found[1] as string, found[2] as string))
})
