/**
 * Decoding an image to a bitmap and drawing it smaller on an OffscreenCanvas, encoded as WebP:
 * the steps shared by upload renditions (media-processor.ts) and thumbnails made on the fly for
 * items that have none (thumbnails.ts, public-link.ts). HEIC, which no mainstream browser
 * decodes, goes through the same WebAssembly libheif as the CLI (src/media/heic.ts, fetched only
 * when the first HEIC arrives). Never scales up.
 */
import { decodeHeic } from '../../../src/media/heic.ts'

const HEIF_TYPES = /^image\/(heic|heif)(-sequence)?$/

/** True for HEIC and HEIF, which browsers cannot show in an <img> (only libheif here decodes them). */
export function isHeif (mime: string): boolean {
  return HEIF_TYPES.test(mime)
}

/** An upright bitmap of `image`, decoded by libheif when its type is HEIC or HEIF, else by the browser. */
export async function decodeImage (image: Blob): Promise<ImageBitmap> {
  if (!isHeif(image.type)) return await createImageBitmap(image)
  // libheif applies the image's own rotation, and raw pixels carry no EXIF to rotate them again.
  const { rgba, width, height } = await decodeHeic(new Uint8Array(await image.arrayBuffer()))
  return await createImageBitmap(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.byteLength), width, height))
}

/** `bitmap` scaled by `scale` (capped at 1), encoded as WebP at `quality`. */
export async function drawScaled (bitmap: ImageBitmap, scale: number, quality: number): Promise<{ blob: Blob, width: number, height: number }> {
  const factor = Math.min(1, scale)
  const width = Math.max(1, Math.round(bitmap.width * factor))
  const height = Math.max(1, Math.round(bitmap.height * factor))
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d')
  if (context == null) throw new Error('no 2d canvas in this worker')
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, width, height)
  return { blob: await canvas.convertToBlob({ type: 'image/webp', quality }), width, height }
}
