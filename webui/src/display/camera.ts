/**
 * How the details panel words a photo's camera and exposure, in the way photographers read
 * them: "Canon EOS R6" (cameras repeat their maker in the model name), "f/2.8 · 1/250 s · ISO 400
 * · 50 mm".
 */
import type { ItemDetails } from '../worker/protocol.ts'

/**
 * The camera's name: the model alone when it already starts with the maker's name (Canon's
 * "Canon EOS R6", Nikon's "NIKON CORPORATION" and "NIKON D750"), else maker and model.
 */
export function cameraName (camera: ItemDetails['camera']): string | undefined {
  const make = camera?.make?.trim() ?? ''
  const model = camera?.model?.trim() ?? ''
  const brand = make.split(/\s+/)[0]?.toLowerCase() ?? ''
  const name = brand !== '' && model.toLowerCase().startsWith(brand) ? model : [make, model].filter((v) => v !== '').join(' ')
  return name === '' ? undefined : name
}

/** A number with at most one decimal, without a trailing ".0". */
function short (n: number): string {
  return String(Math.round(n * 10) / 10)
}

/** Shutter time as cameras show it: 1/250 s below a second (to the nearest whole fraction), 2.5 s above. */
export function shutter (seconds: number): string {
  if (seconds >= 1) return `${short(seconds)} s`
  const denominator = 1 / seconds
  return `1/${denominator >= 10 ? Math.round(denominator) : short(denominator)} s`
}

/** "f/2.8 · 1/250 s · ISO 400 · 50 mm", with whichever of them the file stated. */
export function exposureLine (exposure: ItemDetails['exposure']): string | undefined {
  if (exposure == null) return undefined
  const { fNumber, exposureTime, iso, focalLength } = exposure
  const parts = [
    fNumber != null ? `f/${short(fNumber)}` : undefined,
    exposureTime != null ? shutter(exposureTime) : undefined,
    iso != null ? `ISO ${Math.round(iso)}` : undefined,
    focalLength != null ? `${short(focalLength)} mm` : undefined
  ].filter((p) => p != null)
  return parts.length > 0 ? parts.join(' · ') : undefined
}
