/**
 * A world map drawn in the browser from data shipped with the app — no tile server, see
 * [Note: no place leaves the browser] in map/atlas.ts — with the given places as markers
 * that show their newest photo and, for a cluster, how many it holds. The ground is a canvas
 * (map/atlas.ts); markers are buttons over it (map/clusters.ts), so they can be
 * focused and read out. The map's code and data load when a map is first shown, not with the
 * app. When `interactive`, the map pans and zooms by hand (components/map-gestures.ts) and by
 * its buttons, and clicking a cluster zooms in until it splits; a cluster whose photos are too
 * close to ever split, like a single photo, is "picked". Otherwise it is a still picture centred
 * on its places (the viewer's details panel).
 *
 * @fires map-pick - a single photo, or a cluster that no zoom splits, was clicked ({ ids: string[] })
 */
import { LitElement, css, html, nothing, svg } from 'lit'
import { customElement, property, query, state } from 'lit/decorators.js'
import { repeat } from 'lit/directives/repeat.js'
import { cachedThumb, loadThumb } from '../worker-client/thumbs.ts'
import { MAX_ZOOM, clampView, fitPoints, panBy, toScreen, unproject, worldSize, zoomAbout, type Size, type View } from '../map/view.ts'
import type { Clusters, MapPoint, Marker } from '../map/clusters.ts'
import type { Atlas, Colours } from '../map/atlas.ts'
import { MapGestures } from './map-gestures.ts'

export type { MapPoint }

/** Pixels kept between the places and the map's edge when the map fits them. */
const PADDING = 70
/** A still map of one place shows its region, not its street. */
const STILL_ZOOM = 3.5
const ANIMATION_MS = 280

const loadEngine = async () => await Promise.all([import('../map/atlas.ts'), import('../map/clusters.ts')])
type Engine = Awaited<ReturnType<typeof loadEngine>>

const ICONS = {
  in: 'M12 5v14M5 12h14',
  out: 'M5 12h14',
  fit: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5'
}

@customElement('world-map')
export class WorldMap extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; overflow: hidden; user-select: none; -webkit-user-select: none;
      --map-water: #c4d9ec; --map-land: #f3f1ea; --map-border: #c2bcb0; --map-coast: #a3bbd3; --map-label: #646a74; --map-halo: #f3f1ea; background: var(--map-water); }
    @media (prefers-color-scheme: dark) {
      :host { --map-water: #141c27; --map-land: #2a2f37; --map-border: #48505d; --map-coast: #39485b; --map-label: #a7aebb; --map-halo: #2a2f37; }
    }
    .surface { position: absolute; inset: 0; touch-action: none; cursor: grab; outline: none; }
    .surface:active { cursor: grabbing; }
    .surface:focus-visible { box-shadow: inset 0 0 0 3px var(--accent); }
    :host(:not([interactive])) .surface { cursor: default; pointer-events: none; }
    canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
    .marker { all: unset; box-sizing: border-box; position: absolute; left: 0; top: 0; width: 44px; height: 44px; margin: -22px 0 0 -22px;
      border-radius: 10px; border: 2.5px solid #fff; background: var(--accent); box-shadow: 0 2px 8px rgba(0, 0, 0, .35); cursor: pointer; }
    .marker.cluster { width: 54px; height: 54px; margin: -27px 0 0 -27px; border-radius: 12px; }
    .marker:hover { z-index: 2; filter: brightness(1.06); }
    .marker:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; z-index: 2; }
    .marker img { width: 100%; height: 100%; object-fit: cover; border-radius: 8px; display: block; pointer-events: none; }
    .count { position: absolute; top: -9px; right: -10px; min-width: 22px; height: 22px; padding: 0 6px; box-sizing: border-box; border-radius: 11px;
      background: var(--accent); color: var(--accent-fg); font: 600 12px/22px system-ui, sans-serif; text-align: center; box-shadow: 0 1px 4px rgba(0, 0, 0, .35); }
    .controls { position: absolute; right: 12px; top: 12px; display: grid; border-radius: 10px; overflow: hidden;
      background: var(--bg-raised); box-shadow: 0 2px 10px rgba(0, 0, 0, .25); }
    .controls button { all: unset; width: 38px; height: 38px; display: grid; place-items: center; cursor: pointer; color: var(--fg); }
    .controls button + button { border-top: 1px solid var(--line); }
    .controls button:hover { background: var(--bg-soft); }
    .controls button:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
    .controls button:disabled { opacity: .4; cursor: default; }
    .credit { position: absolute; left: 8px; bottom: 4px; display: grid; justify-items: start; gap: 4px; font: 11px system-ui, sans-serif;
      color: var(--map-label); pointer-events: none; }
    .scale { box-sizing: border-box; border: 1.5px solid var(--map-label); border-top: none; padding: 0 4px; font-weight: 600; line-height: 14px; }
  `

  /** Places to show. */
  @property({ attribute: false }) points: MapPoint[] = []
  /** Whether the map moves by hand and its markers can be clicked. */
  @property({ type: Boolean, reflect: true }) interactive = false

  @state() private view?: View
  @state() private size: Size = { width: 0, height: 0 }
  @state() private atlas?: Atlas
  /** Bumped when a thumbnail arrives, so that its marker shows it. */
  @state() private thumbsSeen = 0
  @query('canvas') private readonly canvas!: HTMLCanvasElement
  @query('.surface') private readonly surface!: HTMLElement

  private engine?: Engine
  private clusters?: Clusters
  private markers: Marker[] = []
  private colours?: Colours
  /** Whether the map was moved since it last fitted its places (then new places do not move it). */
  private moved = false
  private animation = 0
  private gestures?: MapGestures
  /** Aborted when the map leaves the page: its data and thumbnail requests stop. */
  private life = new AbortController()
  private fineAsked = false
  /** Covers whose thumbnails were asked for (they arrive in worker-client/thumbs.ts's cache). */
  private readonly asked = new Set<string>()
  private readonly resize = new ResizeObserver(() => { this.size = { width: this.clientWidth, height: this.clientHeight } })
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)')
  private readonly schemeChanged = (): void => { this.colours = undefined; this.requestUpdate() }

  override connectedCallback (): void {
    super.connectedCallback()
    this.resize.observe(this)
    this.scheme.addEventListener('change', this.schemeChanged)
    const life = this.life = new AbortController()
    this.asked.clear()
    this.fineAsked = false
    void loadEngine().then(async (engine) => {
      this.engine = engine
      this.requestUpdate()
      this.atlas = await engine[0].loadAtlas('coarse', life.signal)
    }).catch(() => {})
  }

  override disconnectedCallback (): void {
    super.disconnectedCallback()
    this.resize.disconnect()
    this.scheme.removeEventListener('change', this.schemeChanged)
    this.life.abort()
    cancelAnimationFrame(this.animation)
  }

  override firstUpdated (): void {
    if (!this.interactive) return
    this.gestures = new MapGestures(this.surface, {
      pan: (dx, dy) => { this.move(panBy(this.current(), this.size, dx, dy)) },
      zoomBy: (at, delta, animate) => { this.move(zoomAbout(this.current(), this.size, at, this.current().zoom + delta), animate) },
      size: () => this.size
    })
  }

  private current (): View {
    return this.view ?? { x: 0.5, y: 0.5, zoom: 0 }
  }

  /** The view that shows every place. */
  private fitted (): View {
    const units = this.clusters?.units ?? []
    return fitPoints(units, this.size, PADDING, this.interactive ? MAX_ZOOM - 3 : STILL_ZOOM)
  }

  /** Moves the map to `target`, at once or (unless the reader asked for less motion) in a short glide. */
  private move (target: View, animate = false): void {
    this.moved = true
    cancelAnimationFrame(this.animation)
    const from = this.view
    if (!animate || from == null || matchMedia('(prefers-reduced-motion: reduce)').matches) {
      this.view = target
      return
    }
    const start = performance.now()
    const step = (now: number): void => {
      const t = Math.min(1, (now - start) / ANIMATION_MS)
      const e = 1 - (1 - t) ** 3
      this.view = { x: from.x + (target.x - from.x) * e, y: from.y + (target.y - from.y) * e, zoom: from.zoom + (target.zoom - from.zoom) * e }
      if (t < 1) this.animation = requestAnimationFrame(step)
    }
    this.animation = requestAnimationFrame(step)
  }

  protected override willUpdate (changed: Map<PropertyKey, unknown>): void {
    if (this.engine != null && (changed.has('points') || this.clusters == null)) {
      this.clusters = new this.engine[1].Clusters(this.points)
      if (!this.moved && this.size.width > 0) this.view = this.fitted()
    }
    if (changed.has('size') && this.size.width > 0 && this.clusters != null) {
      this.view = this.view == null || !this.moved ? this.fitted() : clampView(this.view, this.size)
    }
    const view = this.view
    this.markers = view != null && this.clusters != null ? this.clusters.markers(view, this.size) : []
    const atlas = this.engine?.[0]
    if (atlas != null && view != null && this.atlas != null && view.zoom >= atlas.FINE_FROM_ZOOM && !this.fineAsked) {
      this.fineAsked = true
      void atlas.loadAtlas('fine', this.life.signal).then((fine) => { this.atlas = fine }, () => {})
    }
  }

  protected override updated (): void {
    this.draw()
    for (const marker of this.markers) this.thumb(marker.cover)
  }

  private thumb (id: string): void {
    if (this.asked.has(id) || cachedThumb(id) !== undefined) return
    this.asked.add(id)
    void loadThumb(id, this.life.signal).then(() => { this.thumbsSeen++ }, () => {})
  }

  private draw (): void {
    const { width, height } = this.size
    const g = this.canvas?.getContext('2d')
    if (g == null || width === 0 || this.view == null) return
    const ratio = devicePixelRatio
    if (this.canvas.width !== Math.round(width * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(width * ratio)
      this.canvas.height = Math.round(height * ratio)
    }
    g.setTransform(ratio, 0, 0, ratio, 0, 0)
    if (this.colours == null) {
      const style = getComputedStyle(this)
      const read = (name: string): string => style.getPropertyValue(`--map-${name}`).trim()
      this.colours = { water: read('water'), land: read('land'), border: read('border'), coast: read('coast'), label: read('label'), halo: read('halo') }
    }
    this.engine?.[0].drawAtlas(g, this.atlas, this.view, this.size, this.colours)
  }

  private activate (marker: Marker): void {
    if (this.gestures?.dragged === true || !this.interactive) return
    const clusters = this.clusters
    if (marker.clusterId == null || clusters == null) {
      this.pick([marker.cover])
      return
    }
    const split = clusters.splitZoom(marker.clusterId)
    if (split > MAX_ZOOM) {
      this.pick(clusters.ids(marker.clusterId))
      return
    }
    // Deep enough to split the cluster, with a level to spare when its photos fit, never deeper:
    // past a city the bundled map has nothing left to show.
    const target = fitPoints(clusters.places(marker.clusterId), this.size, PADDING)
    this.move(clampView({ ...target, zoom: Math.max(split, Math.min(target.zoom, split + 1)) }, this.size), true)
  }

  private pick (ids: string[]): void {
    this.dispatchEvent(new CustomEvent('map-pick', { detail: { ids }, bubbles: true, composed: true }))
  }

  private zoomButton (delta: number): void {
    this.move(zoomAbout(this.current(), this.size, [this.size.width / 2, this.size.height / 2], this.current().zoom + delta), true)
  }

  override render () {
    const view = this.view
    const count = this.points.length
    return html`
      <div class="surface" tabindex=${this.interactive ? 0 : -1} role="region" aria-roledescription="map"
        aria-label=${`Map of ${count} ${count === 1 ? 'place' : 'places'}${this.interactive ? '; arrow keys move it, + and - zoom' : ''}`}>
        <canvas aria-hidden="true"></canvas>
        ${view == null ? nothing : repeat(this.markers, (m) => m.key, (m) => this.renderMarker(m, view))}
      </div>
      ${this.interactive
        ? html`<div class="controls">
            <button aria-label="Zoom in" ?disabled=${(view?.zoom ?? 0) >= MAX_ZOOM} @click=${() => { this.zoomButton(1) }}>${glyph(ICONS.in)}</button>
            <button aria-label="Zoom out" @click=${() => { this.zoomButton(-1) }}>${glyph(ICONS.out)}</button>
            <button aria-label="Show all places" @click=${() => { this.move(this.fitted(), true); this.moved = false }}>${glyph(ICONS.fit)}</button>
          </div>
          <div class="credit">${view != null ? this.renderScale(view) : nothing}Natural Earth</div>`
        : nothing}
    `
  }

  /** A scale bar: the map has no streets to judge distance by once zoomed in. */
  private renderScale (view: View) {
    const metresPerPixel = 40_075_016.686 * Math.cos(unproject(view.x, view.y)[1] * Math.PI / 180) / worldSize(view.zoom)
    const most = metresPerPixel * 90
    const step = 10 ** Math.floor(Math.log10(most))
    const metres = [5, 2, 1].map((f) => f * step).find((m) => m <= most) ?? step
    const text = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`
    return html`<span class="scale" style="width:${(metres / metresPerPixel).toFixed(0)}px">${text}</span>`
  }

  private renderMarker (m: Marker, view: View) {
    const [x, y] = toScreen(view, this.size, m.unit)
    const url = cachedThumb(m.cover)
    const label = m.count > 1 ? `${m.count} photos` : `Photo ${m.name ?? ''}`.trim()
    return html`<button class="marker ${m.count > 1 ? 'cluster' : ''}" style="transform:translate(${x.toFixed(1)}px,${y.toFixed(1)}px)"
      tabindex=${this.interactive ? 0 : -1} aria-label=${label} data-count=${m.count} @click=${() => { this.activate(m) }}>
      ${url != null ? html`<img src=${url} alt="" draggable="false">` : nothing}
      ${m.count > 1 ? html`<span class="count">${m.count > 999 ? `${Math.floor(m.count / 1000)}k` : m.count}</span>` : nothing}
    </button>`
  }
}

function glyph (d: string) {
  return svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d=${d}></path></svg>`
}
