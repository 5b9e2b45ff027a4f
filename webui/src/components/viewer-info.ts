/**
 * The viewer's side panel: what the decrypted manifest says about the item — name, date, size,
 * dimensions, camera, and where it was taken (coordinates and a dot on a plain world map).
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { bytes, formatFull } from '../state/format.ts'
import type { ItemDetails } from '../worker/protocol.ts'
import './world-map.ts'

@customElement('viewer-info')
export class ViewerInfo extends LitElement {
  static override styles = css`
    :host { display: block; padding: 1.2rem; overflow: auto; color: var(--fg); background: var(--bg-raised); }
    h2 { margin: 0 0 1rem; font-size: 1.05rem; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: .5rem 1rem; margin: 0; }
    dt { color: var(--fg-soft); }
    dd { margin: 0; word-break: break-word; }
    world-map { margin-top: 1rem; height: 160px; border-radius: 10px; overflow: hidden; }
  `

  /** The item's decrypted details. */
  @property({ attribute: false }) details?: ItemDetails
  /** The capture's UTC offset, from the item's record (the time shows as taken, in it). */
  @property({ type: Number }) offset?: number

  override render () {
    const d = this.details
    if (d == null) return html`<p>Loading…</p>`
    const camera = [d.camera?.make, d.camera?.model].filter((v) => v != null && v !== '').join(' ')
    return html`
      <h2>Details</h2>
      <dl>
        <dt>Name</dt><dd>${d.name}</dd>
        <dt>Taken</dt><dd>${d.takenAt > 0 ? formatFull(d.takenAt, this.offset) : 'Unknown'}</dd>
        <dt>Size</dt><dd>${bytes(d.size)}</dd>
        <dt>Type</dt><dd>${d.mime}</dd>
        ${d.width != null && d.height != null ? html`<dt>Pixels</dt><dd>${d.width} × ${d.height}</dd>` : nothing}
        ${d.durationMs != null ? html`<dt>Length</dt><dd>${(d.durationMs / 1000).toFixed(1)} s</dd>` : nothing}
        ${camera !== '' ? html`<dt>Camera</dt><dd>${camera}${d.camera?.lens != null ? html`<br>${d.camera.lens}` : nothing}</dd>` : nothing}
        ${d.gps != null ? html`<dt>Place</dt><dd>${d.gps.lat.toFixed(5)}, ${d.gps.lon.toFixed(5)}</dd>` : nothing}
      </dl>
      ${d.gps != null ? html`<world-map .points=${[{ id: d.id, lat: d.gps.lat, lon: d.gps.lon }]}></world-map>` : nothing}
      <p class="muted" style="font-size:.8rem;margin-top:1.2rem">Decrypted on this device. The node stores none of this in readable form.</p>
    `
  }
}
