/**
 * [Note: byte bodies as Blobs] Chromium uploads a request body given as a Blob several times
 * faster than the same bytes given as a Uint8Array (measured here, 1 MiB PUTs to a local
 * server: 12/s vs 43/s one at a time, 13/s vs 78/s four at a time), and block uploads are
 * exactly such bodies. The client library sends Uint8Arrays (right for Node), so the crypto
 * worker wraps them on their way out; nothing else about the request changes.
 */
const nativeFetch = globalThis.fetch.bind(globalThis)

export function sendBytesAsBlobs (): void {
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (init?.body instanceof Uint8Array) return await nativeFetch(input, { ...init, body: new Blob([init.body as Uint8Array<ArrayBuffer>]) })
    return await nativeFetch(input, init)
  }
}
