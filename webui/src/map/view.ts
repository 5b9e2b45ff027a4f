/**
 * The map's view arithmetic, pure and shared by the drawing and the input handling: Web
 * Mercator (the projection of every slippy map, and the one supercluster clusters in), a view as
 * a centre in unit coordinates ([0, 1] on both axes, north-west at 0, 0) and a fractional zoom
 * (the world is TILE * 2^zoom pixels wide), and the moves a map makes — zoom about a point,
 * pan, fit a set of points — each kept inside the world so that the map never shows blank space
 * beyond it.
 */

/** Pixels of the whole world at zoom 0 (the tile size of slippy maps). */
export const TILE = 256
/**
 * The deepest zoom: about 2.4 m a pixel. The bundled borders carry nothing finer, and photos
 * closer than a marker's width here never separate: their cluster opens as a grid instead.
 */
export const MAX_ZOOM = 16
/** Web Mercator's latitude limit (the world is square). */
const MAX_LAT = 85.0511287798

export interface View {
  /** Centre, unit Web Mercator x (0 at 180° W, 1 at 180° E). */
  x: number
  /** Centre, unit Web Mercator y (0 at MAX_LAT north, 1 at MAX_LAT south). */
  y: number
  zoom: number
}

export interface Size { width: number, height: number }

export function project (lon: number, lat: number): [number, number] {
  const phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180
  return [lon / 360 + 0.5, 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)]
}

export function unproject (x: number, y: number): [number, number] {
  return [(x - 0.5) * 360, (2 * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - Math.PI / 2) * 180 / Math.PI]
}

export function worldSize (zoom: number): number {
  return TILE * 2 ** zoom
}

/** The shallowest zoom at which the world still fills `size` (no blank beside or above it). */
export function minZoom (size: Size): number {
  return Math.max(0, Math.log2(Math.max(size.width, size.height) / TILE))
}

export function toScreen (view: View, size: Size, [x, y]: [number, number]): [number, number] {
  const w = worldSize(view.zoom)
  return [(x - view.x) * w + size.width / 2, (y - view.y) * w + size.height / 2]
}

export function toUnit (view: View, size: Size, [sx, sy]: [number, number]): [number, number] {
  const w = worldSize(view.zoom)
  return [view.x + (sx - size.width / 2) / w, view.y + (sy - size.height / 2) / w]
}

/** `view` with its zoom within bounds and its centre moved so that the world covers `size`. */
export function clampView (view: View, size: Size): View {
  const zoom = Math.min(MAX_ZOOM, Math.max(minZoom(size), view.zoom))
  const w = worldSize(zoom)
  const clamp = (c: number, span: number): number => span >= w ? 0.5 : Math.min(1 - span / 2 / w, Math.max(span / 2 / w, c))
  return { x: clamp(view.x, size.width), y: clamp(view.y, size.height), zoom }
}

/** Zooms to `zoom` keeping the place under the screen point `at` where it is (the wheel's and pinch's zoom). */
export function zoomAbout (view: View, size: Size, at: [number, number], zoom: number): View {
  const [ux, uy] = toUnit(view, size, at)
  const scale = worldSize(view.zoom) / worldSize(zoom)
  return clampView({ x: ux - (ux - view.x) * scale, y: uy - (uy - view.y) * scale, zoom }, size)
}

export function panBy (view: View, size: Size, dx: number, dy: number): View {
  const w = worldSize(view.zoom)
  return clampView({ x: view.x - dx / w, y: view.y - dy / w, zoom: view.zoom }, size)
}

/**
 * The view that shows every one of `points` (unit coordinates) with `padding` pixels around
 * them, zoomed no deeper than `maxZoom`.
 */
export function fitPoints (points: Array<[number, number]>, size: Size, padding: number, maxZoom = MAX_ZOOM): View {
  if (points.length === 0) return clampView({ x: 0.5, y: 0.5, zoom: 0 }, size)
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of points) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y)
  }
  const room = (pixels: number, span: number): number => span <= 0 ? Infinity : Math.log2(Math.max(1, pixels - 2 * padding) / TILE / span)
  const zoom = Math.min(maxZoom, room(size.width, x1 - x0), room(size.height, y1 - y0))
  return clampView({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, zoom }, size)
}

/** The longitudes and latitudes the view shows: [west, south, east, north]. */
export function visibleBounds (view: View, size: Size): [number, number, number, number] {
  const [west, north] = unproject(...toUnit(view, size, [0, 0]))
  const [east, south] = unproject(...toUnit(view, size, [size.width, size.height]))
  return [Math.max(-180, west), Math.max(-90, south), Math.min(180, east), Math.min(90, north)]
}
