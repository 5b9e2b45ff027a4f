/**
 * The Service Worker that lets <video> stream encrypted media. It answers requests for
 * `/_media/<item id>/<part>` on this origin — never sent to the network — by asking the page for
 * the plaintext bytes of the requested range; the page hands the question to the crypto worker,
 * which fetches and decrypts only the chunks that cover it and replies on a MessagePort. So a
 * video starts playing after its first chunk and seeks by fetching the chunks where it lands.
 * With `?download=1` the whole part streams as an attachment, so saving a large original never
 * holds it in memory. Self-contained on purpose: it imports nothing, and knows no key.
 */

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

scope.addEventListener('install', (event) => { event.waitUntil(scope.skipWaiting()) })
scope.addEventListener('activate', (event) => { event.waitUntil(scope.clients.claim()) })

/** The page that asked; for a download (a frame's navigation, which has no client yet) the focused page. */
async function clientFor (id: string): Promise<ClientLike | undefined> {
  const own = id !== '' ? await scope.clients.get(id) : undefined
  if (own != null) return own
  const pages = (await scope.clients.matchAll({ type: 'window' })).filter((c) => !new URL(c.url).pathname.startsWith('/_media/'))
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

function parseRange (header: string | null): { start: number, end?: number } | undefined {
  const found = /^bytes=(\d+)-(\d*)$/.exec(header ?? '')
  if (found == null) return undefined
  return { start: Number(found[1]), end: found[2] !== '' ? Number(found[2]) + 1 : undefined }
}

async function serve (event: FetchEventLike, itemId: string, part: string): Promise<Response> {
  const client = await clientFor(event.clientId)
  if (client == null) return new Response('no page to decrypt with', { status: 503 })
  const url = new URL(event.request.url)
  const range = parseRange(event.request.headers.get('range'))
  try {
    if (url.searchParams.get('download') === '1' || range == null) {
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
      const headers: Record<string, string> = { 'content-type': first.mime, 'content-length': String(first.size), 'accept-ranges': 'bytes' }
      if (url.searchParams.get('download') === '1') headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(first.name)}`
      return new Response(body, { status: 200, headers })
    }
    const reply = await ask(client, itemId, part, range.start, range.end ?? Number.MAX_SAFE_INTEGER)
    if (range.start >= reply.size && reply.size > 0) return new Response(null, { status: 416, headers: { 'content-range': `bytes */${reply.size}` } })
    const last = reply.start + reply.bytes.byteLength - 1
    return new Response(reply.bytes, {
      status: 206,
      headers: { 'content-type': reply.mime, 'content-length': String(reply.bytes.byteLength), 'content-range': `bytes ${reply.start}-${last}/${reply.size}`, 'accept-ranges': 'bytes' }
    })
  } catch (err) {
    return new Response((err as Error).message, { status: 502 })
  }
}

scope.addEventListener('fetch', (e) => {
  const event = e as unknown as FetchEventLike
  const url = new URL(event.request.url)
  if (url.origin !== scope.location.origin) return
  const found = PATH.exec(url.pathname)
  if (found == null) return
  event.respondWith(serve(event, found[1] as string, found[2] as string))
})
