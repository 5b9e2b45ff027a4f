/**
 * The page's side of the crypto worker: typed calls that return promises (cancellable with an
 * AbortSignal, which tells the worker to stop), and the worker's pushed events re-dispatched
 * as DOM events. One worker per page; it is the only holder of keys (see worker/protocol.ts).
 */
import type { CallMessage, EventMessage, MethodName, PosterReply, RangeRequest, ReplyMessage, WorkerMethods, ZipPull } from '../worker/protocol.ts'

/** An error from the worker, with the stable code the UI words its message from. */
export class WorkerError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.code = code
    this.name = 'WorkerError'
  }
}

type Pending = { resolve: (value: unknown) => void, reject: (err: unknown) => void }

export class WorkerClient extends EventTarget {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor () {
    super()
    this.worker = new Worker(new URL('../worker/crypto.worker.ts', import.meta.url), { type: 'module', name: 'obscura-crypto' })
    this.worker.addEventListener('message', (event: MessageEvent<ReplyMessage | EventMessage>) => {
      const data = event.data
      if ('event' in data) {
        this.dispatchEvent(new CustomEvent(data.event, { detail: data }))
        return
      }
      const waiting = this.pending.get(data.id)
      if (waiting == null) return
      this.pending.delete(data.id)
      if ('error' in data) waiting.reject(new WorkerError(data.error.code, data.error.message))
      else waiting.resolve(data.result)
    })
  }

  call<M extends MethodName> (method: M, args: Parameters<WorkerMethods[M]>, signal?: AbortSignal): ReturnType<WorkerMethods[M]> {
    const id = this.nextId++
    const promise = new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason)
        return
      }
      this.pending.set(id, { resolve, reject })
      signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return
        this.pending.delete(id)
        this.worker.postMessage({ id: this.nextId++, method: 'cancel', args: [id] } satisfies CallMessage)
        reject(signal.reason)
      }, { once: true })
      this.worker.postMessage({ id, method, args } satisfies CallMessage)
    })
    return promise as ReturnType<WorkerMethods[M]>
  }

  /** Sends the worker a video's poster frame it asked for. */
  replyPoster (reply: PosterReply): void {
    this.worker.postMessage(reply)
  }

  /** Hands a Service Worker's range request to the crypto worker, which answers on `port`. */
  relayRange (range: RangeRequest, port: MessagePort): void {
    this.worker.postMessage({ range }, [port])
  }

  /** Hands a Service Worker's pull of a zip's next piece to the crypto worker, which answers on `port`. */
  relayZip (zip: ZipPull, port: MessagePort): void {
    this.worker.postMessage({ zip }, [port])
  }
}
