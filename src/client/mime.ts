/**
 * Media types: from file names, for the files a photo library holds (browsers give a type with
 * each File, the CLI has only the name; both end up here so that kinds agree), and the allowlist
 * of types decrypted bytes may be shown under (the web UI's Service Worker, its crypto worker and
 * its public link page all ask `shownMime`).
 *
 * [Note: shown media types] A manifest's `mime` is whatever its uploader wrote — in a shared
 * album, another person. Served as it is, `text/html` or `image/svg+xml` on the node's origin
 * is a document whose script runs with the gallery's rights (it can ask the logged-in tab to
 * decrypt other photos). So decrypted bytes are handed to a browser only under a type from
 * SHOWN: images and videos a browser draws or plays and never renders as a document — no HTML,
 * SVG, XML, JavaScript, PDF or text. Anything else goes out as `application/octet-stream`, as a
 * download. The check compares the type's essence (no parameters, lower case), so
 * `Image/SVG+XML; charset=x` is refused like `image/svg+xml`.
 */
import type { ItemKind } from '../format/record-ops.ts'

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  heic: 'image/heic', heif: 'image/heif', avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff',
  dng: 'image/x-adobe-dng', cr2: 'image/x-canon-cr2', nef: 'image/x-nikon-nef', arw: 'image/x-sony-arw',
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska',
  avi: 'video/x-msvideo', '3gp': 'video/3gpp'
}

/** The type of whatever is not on the allowlist: a browser only ever saves it. */
export const OPAQUE_MIME = 'application/octet-stream'

/** See [Note: shown media types]. Raw camera formats are absent: no browser shows them anyway. */
const SHOWN = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/tiff', 'image/heic', 'image/heif',
  'video/mp4', 'video/webm', 'video/quicktime', 'video/ogg', 'video/x-matroska', 'video/3gpp'
])

export function mimeFromName (name: string): string {
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase() ?? ''
  return BY_EXTENSION[ext] ?? OPAQUE_MIME
}

export function kindFromMime (mime: string): ItemKind {
  if (mime.startsWith('image/')) return 'photo'
  if (mime.startsWith('video/')) return 'video'
  return 'other'
}

/** The allowlisted type `claimed` names, in canonical form, or undefined when it is not on the list. */
export function shownMime (claimed: string): string | undefined {
  const essence = claimed.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return SHOWN.has(essence) ? essence : undefined
}

/** The type to give decrypted bytes that claim `claimed`: the allowlisted type, else OPAQUE_MIME. */
export function servedMime (claimed: string): string {
  return shownMime(claimed) ?? OPAQUE_MIME
}
