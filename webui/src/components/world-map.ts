/**
 * A world map drawn here, with no tile server: an equirectangular projection with a graticule
 * and a coarse outline of the continents, and the given places as dots, merged into numbered clusters where they crowd. Clicking a
 * cluster reports its items. Drawn on a canvas, so thousands of points cost one frame.
 *
 * @fires map-pick - a cluster was clicked ({ ids: string[] })
 */
import { LitElement, css, html } from 'lit'
import { customElement, property, query } from 'lit/decorators.js'
import { WORLD_OUTLINE } from './world-outline.ts'
import { plural } from '../state/format.ts'

export interface MapPoint { id: string, lat: number, lon: number }
interface Cluster { x: number, y: number, ids: string[] }

const CELL = 28

@customElement('world-map')
export class WorldMap extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; background: #dfe9f3; }
    canvas { position: absolute; inset: 0; width: 100%; height: 100%; cursor: pointer; }
    @media (prefers-color-scheme: dark) { :host { background: #1b2430; } }
  `

  /** Places to show. */
  @property({ attribute: false }) points: MapPoint[] = []

  @query('canvas') private canvas!: HTMLCanvasElement
  private clusters: Cluster[] = []
  private readonly resize = new ResizeObserver(() => { this.draw() })

  override firstUpdated (): void {
    this.resize.observe(this)
    this.canvas.addEventListener('click', (event) => {
      const rect = this.canvas.getBoundingClientRect()
      const x = event.clientX - rect.left
      const y = event.clientY - rect.top
      const hit = this.clusters.find((c) => Math.hypot(c.x - x, c.y - y) < CELL / 1.5)
      if (hit != null) this.dispatchEvent(new CustomEvent('map-pick', { detail: { ids: hit.ids }, bubbles: true, composed: true }))
    })
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.resize.disconnect()
  }

  override updated (): void {
    this.draw()
  }

  private draw (): void {
    const canvas = this.canvas
    const width = this.clientWidth
    const height = this.clientHeight
    if (canvas == null || width === 0 || height === 0) return
    const ratio = devicePixelRatio
    canvas.width = width * ratio
    canvas.height = height * ratio
    const g = canvas.getContext('2d')
    if (g == null) return
    g.scale(ratio, ratio)
    const dark = matchMedia('(prefers-color-scheme: dark)').matches
    // Fit the 360 x 180 degree world into the box, centred.
    const scale = Math.min(width / 360, height / 180)
    const ox = (width - 360 * scale) / 2
    const oy = (height - 180 * scale) / 2
    const project = (lat: number, lon: number): [number, number] => [ox + (lon + 180) * scale, oy + (90 - lat) * scale]
    g.strokeStyle = dark ? 'rgba(255,255,255,.12)' : 'rgba(30,60,100,.15)'
    g.lineWidth = 1
    for (let lon = -180; lon <= 180; lon += 30) { const [x1, y1] = project(90, lon); const [, y2] = project(-90, lon); g.beginPath(); g.moveTo(x1, y1); g.lineTo(x1, y2); g.stroke() }
    for (let lat = -90; lat <= 90; lat += 30) { const [x1, y1] = project(lat, -180); const [x2] = project(lat, 180); g.beginPath(); g.moveTo(x1, y1); g.lineTo(x2, y1); g.stroke() }
    g.fillStyle = dark ? '#2a3442' : '#f4f1e8'
    g.strokeStyle = dark ? 'rgba(255,255,255,.18)' : 'rgba(60,70,90,.25)'
    for (const shape of WORLD_OUTLINE) {
      g.beginPath()
      for (const [i, [lon, lat]] of shape.entries()) {
        const [x, y] = project(lat, lon)
        if (i === 0) g.moveTo(x, y)
        else g.lineTo(x, y)
      }
      g.closePath()
      g.fill()
      g.stroke()
    }
    const cells = new Map<string, Cluster>()
    for (const p of this.points) {
      const [x, y] = project(p.lat, p.lon)
      const key = `${Math.floor(x / CELL)}:${Math.floor(y / CELL)}`
      const cluster = cells.get(key)
      if (cluster == null) cells.set(key, { x, y, ids: [p.id] })
      else {
        cluster.x = (cluster.x * cluster.ids.length + x) / (cluster.ids.length + 1)
        cluster.y = (cluster.y * cluster.ids.length + y) / (cluster.ids.length + 1)
        cluster.ids.push(p.id)
      }
    }
    this.clusters = [...cells.values()]
    g.font = '600 11px system-ui, sans-serif'
    g.textAlign = 'center'
    g.textBaseline = 'middle'
    for (const c of this.clusters) {
      const r = c.ids.length > 1 ? 9 + Math.min(8, Math.log2(c.ids.length) * 2) : 6
      g.beginPath()
      g.arc(c.x, c.y, r, 0, Math.PI * 2)
      g.fillStyle = '#e8453c'
      g.fill()
      g.lineWidth = 2
      g.strokeStyle = 'white'
      g.stroke()
      if (c.ids.length > 1) { g.fillStyle = 'white'; g.fillText(String(c.ids.length), c.x, c.y) }
    }
  }

  override render () {
    return html`<canvas role="img" aria-label=${`Map with ${plural(this.points.length, 'place')}`}></canvas>`
  }
}
