/**
 * The map's ground: land, country borders and country names from Natural Earth (the
 * `world-atlas` TopoJSON, public domain), shipped inside the app's build and fetched from the
 * node that serves it, so that drawing the map tells no third party where anyone looks. Two
 * levels of detail: 1:110m (108 kB) for the world, 1:50m (756 kB) fetched only once the map is
 * zoomed in. d3-geo projects each atlas once, when it arrives, into Web Mercator (cut at the
 * antimeridian); a frame then only scales and shifts the pieces on screen, dropping vertices
 * closer than a pixel, so that panning stays smooth on a slow machine (d3-geo's own clipped
 * drawing measured 6 to 20 times slower). Loaded with the map (see world-map.ts).
 *
 * [Note: no place leaves the browser]
 * A tile server answers requests for the tiles around each photo's place, so it learns where the
 * photos were taken; a geocoding service learns it outright. Here the URL of an atlas file is the
 * same for every user and every view, and nothing about a view or a photo's place is ever in a
 * request (test/webui/map.test.ts watches every request while the map is used).
 */
import { geoArea, geoBounds, geoMercator, geoPath } from 'd3-geo'
import { feature, mesh } from 'topojson-client'
import type { Feature, FeatureCollection, Geometry, MultiLineString, MultiPolygon, Polygon } from 'geojson'
import type { GeometryCollection, Topology } from 'topojson-specification'
import coarseUrl from 'world-atlas/countries-110m.json?url'
import fineUrl from 'world-atlas/countries-50m.json?url'
import { project, worldSize, type Size, type View } from './view.ts'

export type Detail = 'coarse' | 'fine'

/** From this zoom on, the finer atlas is drawn (once it arrived). */
export const FINE_FROM_ZOOM = 3

interface Label {
  name: string
  /** Where the name goes (the middle of the country's largest piece), and that piece's extent, unit Web Mercator. */
  at: [number, number]
  span: [number, number]
}

/** Projected lines, unit Web Mercator: each a flat [x, y, x, y, ...] with its extent. */
interface Lines { points: Float64Array[], boxes: Float64Array }

export interface Atlas {
  detail: Detail
  land: Lines
  borders: Lines
  labels: Label[]
}

export interface Colours { water: string, land: string, border: string, coast: string, label: string, halo: string }

type Countries = Topology<{ countries: GeometryCollection<{ name: string }>, land: GeometryCollection }>

export async function loadAtlas (detail: Detail, signal?: AbortSignal): Promise<Atlas> {
  const response = await fetch(detail === 'coarse' ? coarseUrl : fineUrl, signal != null ? { signal } : {})
  if (!response.ok) throw new Error(`map data: HTTP ${response.status}`)
  const topology = await response.json() as Countries
  const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>
  return {
    detail,
    land: projected(feature(topology, topology.objects.land)),
    borders: projected(mesh(topology, topology.objects.countries, (a, b) => a !== b)),
    labels: countries.features.flatMap((country) => label(country))
  }
}

/** `shape` projected once into unit Web Mercator by d3-geo, which cuts it at the antimeridian and the world's edge. */
function projected (shape: Feature | FeatureCollection | MultiLineString): Lines {
  const lines: number[][] = []
  const recorder = {
    moveTo (x: number, y: number) { lines.push([x, y]) },
    lineTo (x: number, y: number) { lines.at(-1)?.push(x, y) },
    closePath () {},
    arc () {}
  }
  geoPath(geoMercator().scale(1 / (2 * Math.PI)).translate([0.5, 0.5]).precision(0), recorder as unknown as CanvasRenderingContext2D)(shape)
  const boxes = new Float64Array(lines.length * 4)
  for (const [i, line] of lines.entries()) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
    for (let j = 0; j < line.length; j += 2) {
      const [x, y] = [line[j] as number, line[j + 1] as number]
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y)
    }
    boxes.set([x0, y0, x1, y1], i * 4)
  }
  return { points: lines.map((line) => Float64Array.from(line)), boxes }
}

/** Adds the lines that cross the screen to the current path, in screen pixels. */
function trace (g: CanvasRenderingContext2D, lines: Lines, view: View, size: Size, close: boolean): void {
  const w = worldSize(view.zoom)
  const [ox, oy] = [size.width / 2 - view.x * w, size.height / 2 - view.y * w]
  const [vx0, vy0, vx1, vy1] = [-ox / w, -oy / w, (size.width - ox) / w, (size.height - oy) / w]
  const { points, boxes } = lines
  for (const [i, line] of points.entries()) {
    if ((boxes[i * 4 + 2] as number) < vx0 || (boxes[i * 4] as number) > vx1 || (boxes[i * 4 + 3] as number) < vy0 || (boxes[i * 4 + 1] as number) > vy1) continue
    let [lx, ly] = [(line[0] as number) * w + ox, (line[1] as number) * w + oy]
    g.moveTo(lx, ly)
    const last = line.length - 2
    for (let j = 2; j <= last; j += 2) {
      const [x, y] = [(line[j] as number) * w + ox, (line[j + 1] as number) * w + oy]
      if (j < last && Math.abs(x - lx) + Math.abs(y - ly) < 0.75) continue
      g.lineTo(x, y)
      lx = x
      ly = y
    }
    if (close) g.closePath()
  }
}

function label (country: Feature<Geometry, { name: string }>): Label[] {
  const g = country.geometry
  const pieces: Polygon[] = g.type === 'Polygon' ? [g] : g.type === 'MultiPolygon' ? (g as MultiPolygon).coordinates.map((coordinates) => ({ type: 'Polygon', coordinates })) : []
  const largest = pieces.map((p) => ({ p, area: geoArea(p) })).sort((a, b) => b.area - a.area)[0]?.p
  if (largest == null || country.properties.name == null) return []
  const [[west, south], [east, north]] = geoBounds(largest)
  const [x0, y0] = project(west, north)
  const [x1, y1] = project(east, south)
  return [{ name: country.properties.name, at: [(x0 + x1) / 2, (y0 + y1) / 2], span: [x1 - x0, y1 - y0] }]
}

/** Draws the atlas as `view` shows it on a `size` canvas context already scaled to CSS pixels. */
export function drawAtlas (g: CanvasRenderingContext2D, atlas: Atlas | undefined, view: View, size: Size, colours: Colours): void {
  g.fillStyle = colours.water
  g.fillRect(0, 0, size.width, size.height)
  if (atlas == null) return
  g.beginPath()
  trace(g, atlas.land, view, size, true)
  g.fillStyle = colours.land
  g.fill('evenodd')
  g.lineWidth = 0.8
  g.strokeStyle = colours.coast
  g.stroke()
  g.beginPath()
  trace(g, atlas.borders, view, size, false)
  g.lineWidth = view.zoom < 3 ? 0.6 : 1
  g.strokeStyle = colours.border
  g.stroke()
  drawLabels(g, atlas.labels, view, size, colours)
}

/** Country names where the country is wide enough on screen for its name, none over another. */
function drawLabels (g: CanvasRenderingContext2D, labels: Label[], view: View, size: Size, colours: Colours): void {
  const w = worldSize(view.zoom)
  const taken: Array<[number, number, number, number]> = []
  g.font = '500 11px system-ui, sans-serif'
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  g.lineJoin = 'round'
  g.lineWidth = 3
  g.strokeStyle = colours.halo
  g.fillStyle = colours.label
  // Larger countries first, so that a small neighbour gives way.
  for (const l of [...labels].sort((a, b) => b.span[0] * b.span[1] - a.span[0] * a.span[1])) {
    const x = size.width / 2 + (l.at[0] - view.x) * w
    const y = size.height / 2 + (l.at[1] - view.y) * w
    if (x < -100 || y < -20 || x > size.width + 100 || y > size.height + 20) continue
    const text = g.measureText(l.name).width
    if (l.span[0] * w < text * 1.3 || l.span[1] * w < 16) continue
    const box: [number, number, number, number] = [x - text / 2 - 4, y - 9, x + text / 2 + 4, y + 9]
    if (taken.some((t) => box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3])) continue
    taken.push(box)
    g.strokeText(l.name, x, y)
    g.fillText(l.name, x, y)
  }
}
