/**
 * Places: every geotagged item on a world map drawn here from GPS decrypted on this device —
 * no map server learns where the photos were taken. Reading the places means opening each
 * item's manifest once (then they come from the sealed local cache), so it runs as a task.
 * A single photo on the map opens in the viewer; a cluster whose photos no zoom separates
 * opens as a grid of them beside the map (beneath it on a phone), from which the viewer opens.
 */
import { LitElement, css, html, nothing } from 'lit'
import { customElement, state } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { StoreController, store } from '../state/store.ts'
import { shared } from '../components/styles.ts'
import { icon } from '../components/icons.ts'
import { plural } from '../display/text.ts'
import type { ItemView } from '../worker/protocol.ts'
import type { MapPoint } from '../components/world-map.ts'
import '../components/world-map.ts'
import '../components/item-browser.ts'
import '../components/empty-state.ts'

@customElement('map-page')
export class MapPage extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; flex-direction: column; height: 100%; }
    .body { flex: 1; min-height: 16rem; position: relative; display: flex; margin: 0 1.25rem 1.25rem; gap: 1rem; }
    world-map { flex: 1; min-width: 0; border-radius: var(--radius); }
    .cluster { flex: none; width: min(26rem, 45%); display: flex; flex-direction: column; background: var(--bg-raised);
      border: 1px solid var(--line); border-radius: var(--radius); overflow: hidden; }
    .cluster item-browser { flex: 1; min-height: 0; }
    @media (max-width: 700px) {
      .body { flex-direction: column; margin: 0 0 .5rem; gap: 0; }
      world-map { border-radius: 0; }
      .cluster { width: auto; height: 55%; border-radius: var(--radius) var(--radius) 0 0; border-width: 1px 0 0; }
    }
  `]

  private readonly store = new StoreController(this)
  /** The photos of the cluster opened as a grid, newest first. */
  @state() private grid?: ItemView[]

  private readonly places = new Task(this, {
    args: () => [store.timeline.length] as const,
    task: async (_args, { signal }) => await store.worker.call('gpsPoints', [], signal)
  })

  private picked (ids: string[]): void {
    const items = ids.map((id) => store.items.get(id)).filter((i) => i != null).sort((a, b) => b.takenAt - a.takenAt)
    if (items.length === 1 && items[0] != null) {
      this.dispatchEvent(new CustomEvent('item-open', { detail: { id: items[0].id, ids: [items[0].id] }, bubbles: true, composed: true }))
    } else if (items.length > 1) {
      this.grid = items
    }
  }

  private made?: { places: Array<{ id: string, lat: number, lon: number }>, points: MapPoint[] }

  /** The places as the map takes them (made once per answer: a new array re-clusters the map). */
  private points (places: Array<{ id: string, lat: number, lon: number }>): MapPoint[] {
    if (this.made?.places !== places) {
      const points = places.flatMap((p) => {
        const item = store.items.get(p.id)
        return item == null ? [] : [{ ...p, at: item.takenAt, name: item.name }]
      })
      this.made = { places, points }
    }
    return this.made.points
  }

  override render () {
    return html`
      <div class="page-head"><h1>Places</h1></div>
      ${this.places.render({
        pending: () => html`<p class="muted" role="status" style="padding:0 1.25rem">Reading places from your photos…</p>`,
        complete: (places) => places.length === 0
          ? html`<empty-state icon="map" heading="No places yet" text="Photos with a location in their metadata appear here. The location is read and encrypted on your device when you upload."></empty-state>`
          : html`<p class="muted" style="padding:0 1.25rem;margin:0 0 .75rem">${plural(places.length, 'geotagged item')}</p>
              <div class="body">
                <world-map interactive .points=${this.points(places)} @map-pick=${(e: CustomEvent<{ ids: string[] }>) => { this.picked(e.detail.ids) }}></world-map>
                ${this.grid != null ? this.renderGrid(this.grid) : nothing}
              </div>`,
        error: () => html`<p class="error" role="alert" style="padding:0 1.25rem">Places could not be read.</p>`
      })}
    `
  }

  private renderGrid (items: ItemView[]) {
    const close = (): void => { this.grid = undefined }
    return html`<section class="cluster" aria-label="Photos taken here" @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') close() }}>
      <item-browser heading=${plural(items.length, 'photo')} subtitle="Taken here" .items=${items}>
        <button slot="actions" class="icon" aria-label="Close the photos taken here" @click=${close}>${icon('close')}</button>
      </item-browser>
    </section>`
  }
}
