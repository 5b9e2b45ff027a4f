/**
 * How a map is moved by hand: dragging pans (mouse, pen, one finger), two fingers pinch-zoom
 * about their midpoint and pan with it, the wheel zooms about the cursor (a trackpad pinch
 * arrives as a wheel with ctrlKey, finer), a double click zooms in (with Shift, out), and, with
 * the map focused, the arrow keys pan and + and - zoom. The map's own buttons are plain buttons
 * over the same surface: a drag that starts on a marker still pans, and the click that ends it is
 * then not taken for the marker's (see `dragged`).
 */

export interface GestureTarget {
  pan: (dx: number, dy: number) => void
  /** Zoom by `delta` levels about the screen point `at` (CSS pixels from the map's top left). */
  zoomBy: (at: [number, number], delta: number, animate: boolean) => void
  /** The map's size, for the keys (which zoom about the middle). */
  size: () => { width: number, height: number }
}

/** Movement (CSS pixels) past which a press is a drag, not a click. */
const SLOP = 5
/** Zoom levels per pixel of wheel delta: a mouse's notch (100) is half a level; a trackpad's pinch is finer-grained. */
const WHEEL_RATE = 1 / 200
const PINCH_WHEEL_RATE = 1 / 60
const KEY_PAN = 100

export class MapGestures {
  /** Whether the press that ended last was a drag (its click then activates nothing). */
  dragged = false
  private readonly pointers = new Map<number, [number, number]>()
  private travel = 0

  constructor (private readonly surface: HTMLElement, private readonly target: GestureTarget) {
    surface.addEventListener('pointerdown', this.down)
    surface.addEventListener('pointermove', this.move)
    surface.addEventListener('pointerup', this.up)
    surface.addEventListener('pointercancel', this.up)
    surface.addEventListener('wheel', this.wheel, { passive: false })
    surface.addEventListener('dblclick', this.doubleClick)
    surface.addEventListener('keydown', this.key)
  }

  private local (event: MouseEvent): [number, number] {
    const rect = this.surface.getBoundingClientRect()
    return [event.clientX - rect.left, event.clientY - rect.top]
  }

  private readonly down = (event: PointerEvent): void => {
    if (event.button !== 0) return
    if (this.pointers.size === 0) { this.travel = 0; this.dragged = false }
    this.pointers.set(event.pointerId, this.local(event))
  }

  private readonly move = (event: PointerEvent): void => {
    const before = this.pointers.get(event.pointerId)
    if (before == null) return
    // A button let go outside the map, before the press became a drag (and captured the pointer).
    if (event.pointerType === 'mouse' && event.buttons === 0) { this.pointers.delete(event.pointerId); return }
    const now = this.local(event)
    if (this.pointers.size >= 2) {
      const [a, b] = [...this.pointers.values()] as [[number, number], [number, number]]
      const other = before === a ? b : a
      const [oldMid, oldDistance] = [mid(before, other), Math.hypot(before[0] - other[0], before[1] - other[1])]
      const [newMid, newDistance] = [mid(now, other), Math.hypot(now[0] - other[0], now[1] - other[1])]
      if (oldDistance > 0 && newDistance > 0) this.target.zoomBy(newMid, Math.log2(newDistance / oldDistance), false)
      this.target.pan(newMid[0] - oldMid[0], newMid[1] - oldMid[1])
    } else {
      this.target.pan(now[0] - before[0], now[1] - before[1])
    }
    this.travel += Math.hypot(now[0] - before[0], now[1] - before[1])
    if (this.travel > SLOP && !this.dragged) {
      this.dragged = true
      this.surface.setPointerCapture(event.pointerId)
    }
    this.pointers.set(event.pointerId, now)
  }

  private readonly up = (event: PointerEvent): void => {
    this.pointers.delete(event.pointerId)
  }

  private readonly wheel = (event: WheelEvent): void => {
    event.preventDefault()
    const pixels = event.deltaY * (event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 800 : 1)
    this.target.zoomBy(this.local(event), -pixels * (event.ctrlKey ? PINCH_WHEEL_RATE : WHEEL_RATE), false)
  }

  private readonly doubleClick = (event: MouseEvent): void => {
    event.preventDefault()
    this.target.zoomBy(this.local(event), event.shiftKey ? -1 : 1, true)
  }

  private readonly key = (event: KeyboardEvent): void => {
    if (event.target !== this.surface) return
    const { width, height } = this.target.size()
    const middle: [number, number] = [width / 2, height / 2]
    const moves: Record<string, () => void> = {
      ArrowLeft: () => { this.target.pan(KEY_PAN, 0) },
      ArrowRight: () => { this.target.pan(-KEY_PAN, 0) },
      ArrowUp: () => { this.target.pan(0, KEY_PAN) },
      ArrowDown: () => { this.target.pan(0, -KEY_PAN) },
      '+': () => { this.target.zoomBy(middle, 1, true) },
      '=': () => { this.target.zoomBy(middle, 1, true) },
      '-': () => { this.target.zoomBy(middle, -1, true) }
    }
    const move = moves[event.key]
    if (move == null) return
    event.preventDefault()
    move()
  }
}

function mid (a: [number, number], b: [number, number]): [number, number] {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]
}
