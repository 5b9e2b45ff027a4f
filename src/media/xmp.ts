/**
 * The few XMP properties the pipeline uses, read from the packet's text: capture dates and GPS
 * (a fallback for files without EXIF, such as PNG screenshots), and the motion-photo markers
 * (Google's `GCamera:MicroVideoOffset` and `Container:Directory`). RDF allows a property as an
 * attribute (`exif:DateTimeOriginal="…"`) or as an element (`<exif:DateTimeOriginal>…<`); both
 * are accepted. No XML parser: XMP packets are small and these properties are flat.
 */
import { parseIsoDateTime, toTakenAt, validGps } from './dates.ts'
import type { MediaMetadata } from './metadata-types.ts'

/** A property's first value, as an attribute or as a simple element. */
export function xmpValue (xmp: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const m = new RegExp(`${escaped}\\s*=\\s*"([^"]*)"|<${escaped}>([^<]*)</${escaped}>`).exec(xmp)
  const value = (m?.[1] ?? m?.[2])?.trim()
  return value === '' ? undefined : value
}

/** Every `<Container:Item .../>` (or `<rdf:li>` carrying Item: attributes) in document order. */
export function xmpContainerItems (xmp: string): Array<{ semantic?: string, mime?: string, length?: number, padding?: number }> {
  const items: Array<{ semantic?: string, mime?: string, length?: number, padding?: number }> = []
  for (const m of xmp.matchAll(/<(?:Container:Item|rdf:li)\b[^>]*?Item:[^>]*>/g)) {
    const tag = m[0]
    const attr = (n: string): string | undefined => new RegExp(`Item:${n}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1]
    const length = attr('Length')
    const padding = attr('Padding')
    items.push({
      ...(attr('Semantic') != null ? { semantic: attr('Semantic') } : {}),
      ...(attr('Mime') != null ? { mime: attr('Mime') } : {}),
      ...(length != null ? { length: Number(length) } : {}),
      ...(padding != null ? { padding: Number(padding) } : {})
    })
  }
  return items
}

/** XMP GPS coordinates: "31,13.824N" (degrees, decimal minutes) or "31,13,49.44N". */
function xmpCoordinate (value: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$/.exec(value?.trim() ?? '')
  if (m == null) return undefined
  const abs = Number(m[1]) + Number(m[2]) / 60 + Number(m[3] ?? 0) / 3600
  return m[4] === 'S' || m[4] === 'W' ? -abs : abs
}

/** Metadata from XMP alone (used only for what EXIF did not give). */
export function readXmp (xmp: string): MediaMetadata {
  const out: MediaMetadata = {}
  const date = xmpValue(xmp, 'exif:DateTimeOriginal') ?? xmpValue(xmp, 'photoshop:DateCreated') ?? xmpValue(xmp, 'xmp:CreateDate')
  const clock = date != null ? parseIsoDateTime(date) : undefined
  if (clock != null) out.takenAt = toTakenAt(clock)
  const lat = xmpCoordinate(xmpValue(xmp, 'exif:GPSLatitude'))
  const lon = xmpCoordinate(xmpValue(xmp, 'exif:GPSLongitude'))
  const gps = lat != null && lon != null ? validGps(lat, lon) : undefined
  if (gps != null) out.gps = gps
  const make = xmpValue(xmp, 'tiff:Make')
  const model = xmpValue(xmp, 'tiff:Model')
  if (make != null || model != null) out.camera = { ...(make != null ? { make } : {}), ...(model != null ? { model } : {}) }
  return out
}
