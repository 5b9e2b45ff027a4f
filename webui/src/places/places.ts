/**
 * Place names for coordinates, looked up on this device in a gazetteer bundled with the app
 * (GeoNames' places of at least 15 000 inhabitants, places/data.ts): no request with a
 * location ever leaves the browser (DESIGN.md, web UI). The table (about 300 kB gzipped) is a
 * chunk of its own, loaded the first time a place is asked for, and parsed once.
 */
import type { Place } from './gazetteer.ts'

export type { Place }

let loading: Promise<typeof import('./gazetteer.ts')> | undefined

/** The populated place nearest to (lat, lon), weighed by size, or undefined far from any. */
export async function placeAt (lat: number, lon: number): Promise<Place | undefined> {
  loading ??= import('./gazetteer.ts')
  return (await loading).nearestPlace(lat, lon)
}
