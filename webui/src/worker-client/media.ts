/**
 * Media on the page side: registers the Service Worker that streams decrypted video (sw/sw.ts),
 * relays its range questions to the crypto worker, and gives URLs for an item's parts — through
 * the Service Worker when it controls the page, else as a Blob decrypted whole. Downloads of
 * originals go the same way. Either way the bytes are typed by the allowlist ([Note: shown media
 * types] in src/client/mime.ts), and what is saved is always `application/octet-stream`.
 */
import { OPAQUE_MIME } from '../../../src/client/mime.ts'
import { store } from '../state/store.ts'

export async function registerMediaWorker (): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string, range?: Parameters<typeof store.worker.relayRange>[0], zip?: Parameters<typeof store.worker.relayZip>[0] }
    const port = event.ports[0]
    if (port == null) return
    if (data.type === 'obscura:range' && data.range != null) store.worker.relayRange(data.range, port)
    if (data.type === 'obscura:zip' && data.zip != null) store.worker.relayZip(data.zip, port)
  })
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' })
  } catch {
    // Without it (private modes, old browsers) media are decrypted whole into Blobs instead.
  }
}

/** True when the Service Worker is in control and can stream. */
export function canStream (): boolean {
  return navigator.serviceWorker?.controller != null
}

/** A URL that plays or shows an item's part; release it with `releaseUrl`. */
export async function partUrl (itemId: string, part: 'original' | 'motion' | 'preview', signal?: AbortSignal): Promise<string> {
  if (canStream()) return `/_media/${itemId}/${part}`
  return URL.createObjectURL(await store.worker.call('partBlob', [itemId, part], signal))
}

export function releaseUrl (url: string | undefined): void {
  if (url?.startsWith('blob:') === true) URL.revokeObjectURL(url)
}

/**
 * Saves the decrypted original under its own name. Through the Service Worker the download is a
 * navigation of a hidden frame (downloads started by <a download> bypass Service Workers in
 * Chromium), so a large original streams to disk chunk by chunk; without it, a Blob.
 */
export async function downloadOriginal (itemId: string, name: string): Promise<void> {
  if (canStream()) {
    const frame = Object.assign(document.createElement('iframe'), { hidden: true, src: `/_media/${itemId}/original?download=1` })
    document.body.append(frame)
    setTimeout(() => { frame.remove() }, 120_000)
    return
  }
  saveBlob(await store.worker.call('partBlob', [itemId, 'original']), name)
}

/**
 * Saves decrypted bytes under `name`. The object URL is typed `application/octet-stream`
 * whatever the bytes are, so that even opened rather than saved it is a download, never a
 * document of this origin.
 */
export function saveBlob (blob: Blob, name: string): void {
  const url = URL.createObjectURL(new Blob([blob], { type: OPAQUE_MIME }))
  const a = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}

/**
 * Saves several items as one zip named `name` (worker/zip.ts); one item as its original unless
 * `zip` (an album of one is still an album), or `from` a public link (whose album is a zip). Through
 * the Service Worker the zip streams to disk as the worker makes it (`/_zip/<job>`, a navigation
 * of a hidden frame like a single original's); without it, it is made whole in memory first.
 * Progress and cancel are the zip panel's (components/zip-panel.ts).
 */
export async function downloadItems (itemIds: string[], name: string, options: { from?: 'library' | 'link', zip?: boolean } = {}): Promise<void> {
  const from = options.from ?? 'library'
  if (itemIds.length === 1 && from === 'library' && options.zip !== true) {
    const id = itemIds[0] as string
    await downloadOriginal(id, store.item(id)?.name ?? id)
    return
  }
  const file = `${zipName(name)}.zip`
  const id = await store.worker.call('zipStart', [itemIds, file, from])
  if (canStream()) {
    const frame = Object.assign(document.createElement('iframe'), { hidden: true, src: `/_zip/${id}?name=${encodeURIComponent(file)}` })
    document.body.append(frame)
    // The frame only starts the download; removing it later does not stop the stream.
    setTimeout(() => { frame.remove() }, 120_000)
    return
  }
  saveBlob(await store.worker.call('zipBlob', [id]), file)
}

/** A file name from an album's name: no path separators or characters file systems refuse. */
function zipName (name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 120) || 'Photos'
}
