/**
 * Thumbnails and previews with sharp (libvips). One decode per image: the original is decoded
 * once, turned upright by its EXIF orientation, shrunk to the preview size (JPEG decoding shrinks
 * by powers of two on load, so a 12-megapixel photo is never held at full size), and the
 * thumbnail is made from that. JPEG output is about five times faster to encode than WebP at a
 * similar size; images with transparency are written as WebP, which keeps it.
 */
import sharp, { type Sharp } from 'sharp'
import { PREVIEW_SIZE, THUMBNAIL_SIZE, type Rendition } from '../../src/media/index.ts'

export interface Renditions {
  thumbnail: Rendition
  preview?: Rendition
  /** Milliseconds spent decoding and resizing, then encoding each rendition. */
  timings: { decodeMs: number, thumbnailMs: number, previewMs: number }
}

interface RawImage { data: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4 }

const JPEG_QUALITY = { thumbnail: 78, preview: 82 }

/** Renditions of an encoded image that sharp can read (JPEG, PNG, WebP, GIF, TIFF, AVIF). */
export async function renditionsOfImage (bytes: Uint8Array): Promise<Renditions> {
  const started = performance.now()
  const { data, info } = await sharp(bytes, { sequentialRead: true })
    .autoOrient()
    .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return await renditionsOfRaw(withoutOpaqueAlpha({ data, width: info.width, height: info.height, channels: info.channels }), started)
}

/** Renditions of decoded RGBA pixels already upright (a HEIC decoded by libheif). */
export async function renditionsOfPixels (rgba: Uint8Array, width: number, height: number): Promise<Renditions> {
  const started = performance.now()
  const { data, info } = await sharp(rgba, { raw: { width, height, channels: 4 } })
    .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true })
  return await renditionsOfRaw(withoutOpaqueAlpha({ data, width: info.width, height: info.height, channels: info.channels }), started)
}

/** Drops an alpha channel that is opaque everywhere (PNGs often carry one), so the output can be JPEG. */
function withoutOpaqueAlpha (image: RawImage): RawImage {
  if (image.channels !== 2 && image.channels !== 4) return image
  const { data, channels } = image
  for (let i = channels - 1; i < data.length; i += channels) if (data[i] !== 255) return image
  const kept = channels - 1
  const out = Buffer.alloc(image.width * image.height * kept)
  for (let from = 0, to = 0; from < data.length; from += channels, to += kept) data.copy(out, to, from, from + kept)
  return { data: out, width: image.width, height: image.height, channels: kept as 1 | 3 }
}

async function renditionsOfRaw (image: RawImage, started: number): Promise<Renditions> {
  const decoded = performance.now()
  const raw = { raw: { width: image.width, height: image.height, channels: image.channels } }
  const alpha = image.channels === 2 || image.channels === 4
  const encode = async (pipeline: Sharp, quality: number): Promise<Rendition> => {
    const out = alpha ? pipeline.webp({ quality, effort: 2 }) : pipeline.jpeg({ quality })
    const { data, info } = await out.toBuffer({ resolveWithObject: true })
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), mime: alpha ? 'image/webp' : 'image/jpeg', width: info.width, height: info.height }
  }
  const longest = Math.max(image.width, image.height)
  const preview = longest > THUMBNAIL_SIZE ? await encode(sharp(image.data, raw), JPEG_QUALITY.preview) : undefined
  const previewed = performance.now()
  const thumbnail = await encode(sharp(image.data, raw).resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }), JPEG_QUALITY.thumbnail)
  const done = performance.now()
  return {
    thumbnail,
    ...(preview != null ? { preview } : {}),
    timings: { decodeMs: decoded - started, previewMs: previewed - decoded, thumbnailMs: done - previewed }
  }
}

const placeholders = new Map<string, Promise<Rendition>>()

/**
 * A neutral tile standing in for a frame that could not be made: dark grey, 16:9, with a play
 * triangle for a video or a landscape glyph for a photo. Made once per kind.
 */
export async function placeholder (kind: 'video' | 'photo'): Promise<Rendition> {
  let made = placeholders.get(kind)
  if (made == null) {
    const glyph = kind === 'video'
      ? '<polygon points="108,44 108,100 156,72" fill="#d0d0d0"/>'
      : '<polygon points="76,104 112,56 136,88 152,72 180,104" fill="#d0d0d0"/><circle cx="160" cy="52" r="10" fill="#d0d0d0"/>'
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="144"><rect width="256" height="144" fill="#3a3a3a"/>${glyph}</svg>`
    made = sharp(Buffer.from(svg)).jpeg({ quality: JPEG_QUALITY.thumbnail }).toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => ({ bytes: new Uint8Array(data), mime: 'image/jpeg', width: info.width, height: info.height }))
    placeholders.set(kind, made)
  }
  return await made
}
