/**
 * Short messages at the bottom of the screen (done, failed); the app shell shows them. A toast
 * of a reversible action carries its Undo, and stays longer so there is time to press it.
 */

export interface ToastAction { label: string, run: () => void }

export interface Toast { id: number, message: string, kind: 'info' | 'error', action?: ToastAction }

let next = 1

export function toast (message: string, kind: Toast['kind'] = 'info', action?: ToastAction): void {
  window.dispatchEvent(new CustomEvent<Toast>('obscura:toast', { detail: { id: next++, message, kind, ...(action != null ? { action } : {}) } }))
}
