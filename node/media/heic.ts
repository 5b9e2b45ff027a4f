/**
 * HEIC/HEIF decoding. sharp's prebuilt libvips reads HEIF containers but carries no HEVC decoder
 * (patent licensing), so it fails on iPhone photos. heic-decode runs libheif with libde265
 * compiled to WebAssembly: no system package needed, the same code the web UI can use where the
 * browser cannot decode HEIC, ~0.2 s for a 12-megapixel photo here. libheif applies the image's
 * own rotation and mirroring (`irot`/`imir`), which for HEIF take precedence over EXIF
 * Orientation, so its output is already upright.
 */
import decode from 'heic-decode'

export interface DecodedPixels { rgba: Uint8Array, width: number, height: number }

export async function decodeHeic (bytes: Uint8Array): Promise<DecodedPixels> {
  const { width, height, data } = await decode({ buffer: bytes })
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height }
}
