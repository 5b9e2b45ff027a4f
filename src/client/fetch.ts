/**
 * The one HTTP function the client uses for the node's API and for S3 URLs. By default it is the
 * platform's `fetch`; a platform with a cheaper client installs it once at start-up with
 * `useFetch` (the CLI under Node installs node/cli/http-fetch.ts: Node's fetch copies every
 * request body into a web stream, which cost a fifth of the CLI's upload time).
 *
 * An installed function needs to honour only what the client asks of fetch: method, headers,
 * a string or Uint8Array body, an AbortSignal, and a Response whose status, headers, `json()`,
 * `arrayBuffer()` and `body` work. Redirects are not followed.
 */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>

let current: Fetch = async (url, init) => await globalThis.fetch(url, init)

export async function clientFetch (url: string, init: RequestInit): Promise<Response> {
  return await current(url, init)
}

/** Makes every later request of the client go through `fetch`. */
export function useFetch (fetch: Fetch): void {
  current = fetch
}
