/**
 * The map's markers: places merged into clusters where they crowd, by supercluster (a cluster
 * hierarchy over every zoom, built once in a few milliseconds for 100 000 points). Every place
 * is in exactly one marker at every zoom, so the counts on screen add up to what the view
 * holds: clustering never hides a photo. Each cluster carries its newest photo, whose thumbnail
 * the marker shows. Loaded with the map (see world-map.ts), never with the app.
 */
import Supercluster, { type ClusterProperties } from 'supercluster'
import type { Feature, Point } from 'geojson'
import { MAX_ZOOM, TILE, project, toUnit, unproject, type Size, type View } from './view.ts'

export interface MapPoint {
  id: string
  lat: number
  lon: number
  /** Capture time (ms since the epoch): the newest photo of a cluster is its cover. */
  at?: number
  /** What a marker of this one photo is called (for screen readers and tests). */
  name?: string
}

export interface Marker {
  /** Stable while the marker stays on screen at one zoom level. */
  key: string
  /** Position, unit Web Mercator. */
  unit: [number, number]
  count: number
  /** The item whose thumbnail the marker shows (the newest). */
  cover: string
  name?: string
  /** Set for a cluster (count > 1). */
  clusterId?: number
}

interface Props { id: string, at: number, name?: string }

/** Radius (screen pixels) within which places merge: a little more than a marker, so that markers do not cover each other. */
const RADIUS = 60
/** Markers just off screen are kept, so that they slide in rather than pop up while panning. */
const MARGIN = 40

export class Clusters {
  private readonly index = new Supercluster<Props, Props>({
    radius: RADIUS,
    extent: TILE,
    maxZoom: MAX_ZOOM,
    map: (p) => ({ ...p }),
    reduce: (into, p) => { if (p.at > into.at) { into.id = p.id; into.at = p.at } }
  })

  readonly units: Array<[number, number]>

  constructor (points: MapPoint[]) {
    this.units = points.map((p) => project(p.lon, p.lat))
    this.index.load(points.map((p): Feature<Point, Props> => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { id: p.id, at: p.at ?? 0, ...(p.name != null ? { name: p.name } : {}) }
    })))
  }

  /** The markers on screen (and just beside it) in `view`. */
  markers (view: View, size: Size): Marker[] {
    const [west, north] = unproject(...toUnit(view, size, [-MARGIN, -MARGIN]))
    const [east, south] = unproject(...toUnit(view, size, [size.width + MARGIN, size.height + MARGIN]))
    const zoom = Math.floor(view.zoom)
    return this.index.getClusters([Math.max(-180, west), Math.max(-90, south), Math.min(180, east), Math.min(90, north)], zoom).map((f) => {
      const [lon, lat] = f.geometry.coordinates as [number, number]
      const props = f.properties as Props & Partial<ClusterProperties>
      const unit = project(lon, lat)
      return props.cluster === true && props.cluster_id != null
        ? { key: `c${zoom}:${props.cluster_id}`, unit, count: props.point_count ?? 0, cover: props.id, clusterId: props.cluster_id }
        : { key: `p:${props.id}`, unit, count: 1, cover: props.id, ...(props.name != null ? { name: props.name } : {}) }
    })
  }

  /** Ids of every photo in a cluster. */
  ids (clusterId: number): string[] {
    return this.index.getLeaves(clusterId, Infinity).map((f) => f.properties.id)
  }

  /** Where a cluster's photos are (unit coordinates), to zoom onto them. */
  places (clusterId: number): Array<[number, number]> {
    return this.index.getLeaves(clusterId, Infinity).map((f) => project(...f.geometry.coordinates as [number, number]))
  }

  /** The zoom at which a cluster splits; past MAX_ZOOM when its photos are too close to ever separate. */
  splitZoom (clusterId: number): number {
    return this.index.getClusterExpansionZoom(clusterId)
  }
}

