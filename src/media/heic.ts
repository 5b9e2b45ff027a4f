/**
 * HEIC/HEIF decoding to RGBA, on every platform. sharp's prebuilt libvips reads HEIF containers
 * but carries no HEVC decoder (patent licensing), so it fails on iPhone photos, and Chromium and
 * Firefox cannot decode HEIC either. heic-decode runs libheif with libde265 compiled to
 * WebAssembly: no system package, the same code in Node and in a browser worker (checked in
 * Chromium through Vite), ~0.2 s for a 12-megapixel photo here. It is loaded on first use, so
 * its 2 MB only arrive when a HEIC does. libheif applies the image's own rotation and mirroring
 * (`irot`/`imir`), which for HEIF take precedence over EXIF Orientation: its output is upright.
 */

export interface DecodedPixels {
  /** Width × height × 4 bytes, RGBA, rows top to bottom. */
  rgba: Uint8Array
  width: number
  height: number
}

export async function decodeHeic (bytes: Uint8Array): Promise<DecodedPixels> {
  const { default: decode } = await import('heic-decode')
  const { width, height, data } = await decode({ buffer: bytes })
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height }
}
