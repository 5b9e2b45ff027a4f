/** The timeline's justified layout (webui/src/components/grid-layout.ts): pure arithmetic, run in Node. */
import { expect } from 'chai'
import { LABEL, GAP, itemAspect, layoutGrid, tileBoxes } from '../../webui/src/components/grid-layout.ts'
import type { ItemView } from '../../webui/src/worker/protocol.ts'

const DAY = Date.UTC(2024, 5, 1, 12)

function item (i: number, size?: { width: number, height: number }, takenAt = DAY): ItemView {
  return { id: String(i), name: `${i}.jpg`, mime: 'image/jpeg', kind: 'photo', size: 1, takenAt, takenOffsetMinutes: 0, addedAt: 0, favorite: false, archived: false, ...size }
}

describe('web UI timeline layout', function () {
  it('gives each tile its photo\'s aspect ratio: a portrait is taller than wide', function () {
    const items = [item(0, { width: 600, height: 900 }), item(1, { width: 900, height: 600 }), item(2)]
    const layout = layoutGrid(items, 1000, 'none', 200)
    const row = layout.tileRows[0]!
    const [portrait, landscape, unknown] = tileBoxes(row, items)
    expect(portrait!.width / row.tileHeight!).to.be.closeTo(2 / 3, 1e-9)
    expect(landscape!.width / row.tileHeight!).to.be.closeTo(1.5, 1e-9)
    expect(unknown!.width / row.tileHeight!).to.equal(1)
  })

  it('crops panoramas and slivers to a bounded ratio', function () {
    expect(itemAspect(item(0, { width: 10000, height: 1000 }), 0)).to.equal(3)
    expect(itemAspect(item(0, { width: 100, height: 1000 }), 0)).to.equal(0.5)
  })

  it('leaves room for day labels only in rows where a day starts', function () {
    // Twelve photos of one day at 390 px: several rows, the first alone has the day's label.
    const items = Array.from({ length: 12 }, (_, i) => item(i, { width: 900, height: 600 }))
    const rows = layoutGrid(items, 390, 'day', 110).tileRows
    expect(rows.length).to.be.greaterThan(1)
    expect(rows[0]!.band).to.equal(LABEL)
    expect(rows[0]!.height).to.be.closeTo(LABEL + rows[0]!.tileHeight! + GAP, 1e-9)
    for (const row of rows.slice(1)) {
      expect(row.band).to.equal(0)
      expect(row.height).to.be.closeTo(row.tileHeight! + GAP, 1e-9)
    }
  })
})
