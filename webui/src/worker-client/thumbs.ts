/**
 * Thumbnail URLs on the page side: each decrypted thumbnail (a Blob from the worker) becomes an
 * object URL, kept for the most recently used few hundred items and revoked after. A tile that
 * scrolls away aborts its request, which stops the worker's work on it.
 */
import { store } from '../state/store.ts'

const KEEP = 1500

const urls = new Map<string, string | null>()

export function cachedThumb (itemId: string): string | null | undefined {
  const url = urls.get(itemId)
  if (url !== undefined) {
    urls.delete(itemId)
    urls.set(itemId, url)
  }
  return url
}

export async function loadThumb (itemId: string, signal: AbortSignal): Promise<string | null> {
  const known = cachedThumb(itemId)
  if (known !== undefined) return known
  const blob = await store.worker.call('thumbnail', [itemId], signal)
  const url = blob != null ? URL.createObjectURL(blob) : null
  urls.set(itemId, url)
  while (urls.size > KEEP) {
    const [oldest, old] = urls.entries().next().value as [string, string | null]
    urls.delete(oldest)
    if (old != null) URL.revokeObjectURL(old)
  }
  return url
}

/** Logging out: forget every URL. */
export function clearThumbs (): void {
  for (const url of urls.values()) if (url != null) URL.revokeObjectURL(url)
  urls.clear()
}
