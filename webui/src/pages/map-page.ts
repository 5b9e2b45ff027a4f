/**
 * Places: every geotagged item on a world map drawn here from GPS decrypted on this device —
 * no map server learns where the photos were taken. Reading the places means opening each
 * item's manifest once (then they come from the sealed local cache), so it runs as a task.
 * Clicking a cluster opens its photos in the viewer.
 */
import { LitElement, css, html } from 'lit'
import { customElement } from 'lit/decorators.js'
import { Task } from '@lit/task'
import { StoreController, store } from '../state/store.ts'
import { shared } from '../components/styles.ts'
import { plural } from '../state/format.ts'
import '../components/world-map.ts'
import '../components/empty-state.ts'

@customElement('map-page')
export class MapPage extends LitElement {
  static override styles = [shared, css`
    :host { display: flex; flex-direction: column; height: 100%; }
    world-map { flex: 1; margin: 0 1.25rem 1.25rem; border-radius: var(--radius); overflow: hidden; min-height: 16rem; }
  `]

  private readonly store = new StoreController(this)

  private readonly places = new Task(this, {
    args: () => [store.timeline.length] as const,
    task: async (_args, { signal }) => await store.worker.call('gpsPoints', [], signal)
  })

  private open (ids: string[]): void {
    const sorted = ids.map((id) => store.items.get(id)).filter((i) => i != null).sort((a, b) => b.takenAt - a.takenAt).map((i) => i.id)
    if (sorted[0] != null) this.dispatchEvent(new CustomEvent('item-open', { detail: { id: sorted[0], ids: sorted }, bubbles: true, composed: true }))
  }

  override render () {
    return html`
      <div class="page-head"><h1>Places</h1></div>
      ${this.places.render({
        pending: () => html`<p class="muted" role="status" style="padding:0 1.25rem">Reading places from your photos…</p>`,
        complete: (points) => points.length === 0
          ? html`<empty-state icon="map" heading="No places yet" text="Photos with a location in their metadata appear here. The location is read and encrypted on your device when you upload."></empty-state>`
          : html`<p class="muted" style="padding:0 1.25rem;margin:0 0 .75rem">${plural(points.length, 'geotagged item')}</p>
              <world-map .points=${points} @map-pick=${(e: CustomEvent<{ ids: string[] }>) => { this.open(e.detail.ids) }}></world-map>`,
        error: () => html`<p class="error" role="alert" style="padding:0 1.25rem">Places could not be read.</p>`
      })}
    `
  }
}
