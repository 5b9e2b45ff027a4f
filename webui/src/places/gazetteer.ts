/**
 * The gazetteer's lookup: which populated place a point is in or near. [Note: place weighing]
 * The nearest centre alone names the wrong place beside a large city (the Eiffel Tower's
 * nearest centre of 15 000 people is Issy-les-Moulineaux, not Paris), so distances are divided
 * by the fourth root of the population: a city's reach grows with its size, but a town at 3 km
 * still wins over a metropolis at 50 km. Imported lazily (places/places.ts): it carries the table.
 */
import { PLACES } from './data.ts'

export interface Place {
  /** The place's name, as GeoNames spells it. */
  name: string
  /** ISO 3166-1 alpha-2 code of its country. */
  country: string
  /** Kilometres from the point to the place's centre. */
  km: number
}

/** Farther than this from every place, a point has no name (the sea, the wilderness). */
export const MAX_KM = 100
const KM_PER_DEGREE = 111.2

interface Table { names: string[], countries: string[], lat: Float64Array, lon: Float64Array, weight: Float64Array }

let table: Table | undefined

function parse (): Table {
  const rows = PLACES.split('\n')
  const t: Table = { names: [], countries: [], lat: new Float64Array(rows.length), lon: new Float64Array(rows.length), weight: new Float64Array(rows.length) }
  rows.forEach((row, i) => {
    const [name = '', country = '', lat = '0', lon = '0', thousands = '15'] = row.split('\t')
    t.names.push(name)
    t.countries.push(country)
    t.lat[i] = Number(lat) / 1000
    t.lon[i] = Number(lon) / 1000
    t.weight[i] = Math.pow(Math.max(15, Number(thousands)), 0.25)
  })
  return t
}

/** Kilometres between two points (equirectangular: exact enough within MAX_KM). */
function km (lat1: number, lon1: number, lat2: number, lon2: number): number {
  let dLon = Math.abs(lon1 - lon2)
  if (dLon > 180) dLon = 360 - dLon
  const x = dLon * Math.cos(((lat1 + lat2) / 2) * Math.PI / 180)
  return Math.hypot(x, lat1 - lat2) * KM_PER_DEGREE
}

/** The place whose weighed distance to (lat, lon) is least ([Note: place weighing]), within MAX_KM. */
export function nearestPlace (lat: number, lon: number): Place | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return undefined
  const t = table ??= parse()
  const band = MAX_KM / KM_PER_DEGREE
  let best = -1
  let bestScore = Infinity
  let bestKm = 0
  for (let i = 0; i < t.names.length; i++) {
    if (Math.abs((t.lat[i] as number) - lat) > band) continue
    const d = km(lat, lon, t.lat[i] as number, t.lon[i] as number)
    if (d > MAX_KM) continue
    const score = d / (t.weight[i] as number)
    if (score < bestScore) { best = i; bestScore = score; bestKm = d }
  }
  return best < 0 ? undefined : { name: t.names[best] as string, country: t.countries[best] as string, km: bestKm }
}
