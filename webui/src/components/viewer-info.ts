/**
 * The viewer's side panel: what the decrypted manifest says about the item — file name, date,
 * camera, lens, exposure, size, and where it was taken: a place name from the gazetteer bundled
 * with the app (places/places.ts; the coordinates never leave the browser), the coordinates, and
 * a dot on a plain world map.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { bytes, formatFull } from '../display/text.ts'
import { cameraName, exposureLine } from '../display/camera.ts'
import { placeAt } from '../places/places.ts'
import type { ItemDetails } from '../worker/protocol.ts'
import './world-map.ts'

/** Closer than this to a place's centre, a photo is "in" it; farther, "near" it. */
const IN_PLACE_KM = 20

let countries: Intl.DisplayNames | undefined

function countryName (code: string): string {
  try {
    countries ??= new Intl.DisplayNames(undefined, { type: 'region' })
    return countries.of(code) ?? code
  } catch {
    return code
  }
}

function megapixels (width: number, height: number): string {
  const mp = (width * height) / 1e6
  return mp >= 0.1 ? ` (${mp >= 10 ? Math.round(mp) : mp.toFixed(1)} MP)` : ''
}

@customElement('viewer-info')
export class ViewerInfo extends LitElement {
  static override styles = css`
    :host { display: block; padding: 1.2rem; overflow: auto; color: var(--fg); background: var(--bg-raised); }
    h2 { margin: 0 0 1rem; font-size: 1.05rem; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: .6rem 1rem; margin: 0; }
    dt { color: var(--fg-soft); }
    dd { margin: 0; word-break: break-word; }
    .sub { display: block; color: var(--fg-soft); font-size: .85rem; margin-top: .1rem; }
    world-map { margin-top: 1rem; height: 160px; border-radius: 10px; overflow: hidden; }
  `

  /** The item's decrypted details. */
  @property({ attribute: false }) details?: ItemDetails
  /** The capture's UTC offset, from the item's record (the time shows as taken, in it). */
  @property({ type: Number }) offset?: number

  private readonly place = new Task(this, {
    args: () => [this.details?.gps?.lat, this.details?.gps?.lon] as const,
    task: async ([lat, lon]) => {
      if (lat == null || lon == null) return undefined
      const place = await placeAt(lat, lon)
      if (place == null) return undefined
      const name = `${place.name}, ${countryName(place.country)}`
      return place.km <= IN_PLACE_KM ? name : `Near ${name}`
    }
  })

  override render () {
    const d = this.details
    if (d == null) return html`<p>Loading…</p>`
    const camera = cameraName(d.camera)
    const exposure = exposureLine(d.exposure)
    const pixels = d.width != null && d.height != null ? `${d.width} × ${d.height}${megapixels(d.width, d.height)}` : undefined
    return html`
      <h2>Details</h2>
      <dl>
        <dt>Name</dt><dd>${d.name}</dd>
        <dt>Taken</dt><dd>${d.takenAt > 0 ? formatFull(d.takenAt, this.offset) : 'Unknown'}</dd>
        ${camera != null ? html`<dt>Camera</dt><dd class="camera">${camera}</dd>` : nothing}
        ${d.camera?.lens != null ? html`<dt>Lens</dt><dd class="lens">${d.camera.lens}</dd>` : nothing}
        ${exposure != null ? html`<dt>Exposure</dt><dd class="exposure">${exposure}</dd>` : nothing}
        <dt>Size</dt><dd>${pixels != null ? html`${pixels}<span class="sub">${bytes(d.size)} · ${d.mime}</span>` : html`${bytes(d.size)}<span class="sub">${d.mime}</span>`}</dd>
        ${d.durationMs != null ? html`<dt>Length</dt><dd>${(d.durationMs / 1000).toFixed(1)} s</dd>` : nothing}
        ${d.gps != null ? html`<dt>Place</dt><dd class="place">${this.place.render({
          pending: () => html`<span class="sub">Looking up…</span>`,
          complete: (name) => name != null ? html`<span class="name">${name}</span>` : nothing,
          error: () => nothing
        })}<span class="sub coords">${d.gps.lat.toFixed(5)}, ${d.gps.lon.toFixed(5)}</span></dd>` : nothing}
      </dl>
      ${d.gps != null ? html`<world-map .points=${[{ id: d.id, lat: d.gps.lat, lon: d.gps.lon }]}></world-map>` : nothing}
      <p class="muted" style="font-size:.8rem;margin-top:1.2rem">Decrypted on this device. The node stores none of this in readable form${d.gps != null ? '; the place name is looked up on this device too' : ''}.</p>
    `
  }
}
