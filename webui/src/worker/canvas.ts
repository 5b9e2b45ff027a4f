/**
 * Drawing a decoded image smaller on an OffscreenCanvas and encoding it as WebP: the one step
 * shared by upload renditions (media-processor.ts) and thumbnails made on the fly for items that
 * have none (thumbnails.ts, public-link.ts). Never scales up.
 */

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
