/** Short messages at the bottom of the screen (done, failed); the app shell shows them. */

export interface Toast { id: number, message: string, kind: 'info' | 'error' }

let next = 1

export function toast (message: string, kind: Toast['kind'] = 'info'): void {
  window.dispatchEvent(new CustomEvent<Toast>('obscura:toast', { detail: { id: next++, message, kind } }))
}
