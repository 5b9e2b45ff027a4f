/**
 * Video posters, asked of the page: a worker cannot decode video into pixels without a demuxer,
 * but the page can, with a <video> element on the same File. The worker sends the File (not a
 * copy of its bytes) and waits a bounded time for a frame.
 */
import type { MediaSource } from '../../../src/media/index.ts'
import type { Post } from './session.ts'
import type { PosterReply } from './protocol.ts'

const WAIT_MS = 15_000
const waiting = new Map<number, (blob: Blob | undefined) => void>()
let next = 1

export function answerPoster (reply: PosterReply): void {
  waiting.get(reply.posterReply)?.(reply.blob)
  waiting.delete(reply.posterReply)
}

/** A PosterSource for the media processor: the File behind `source`, if there is one, goes to the page. */
export function pagePosters (post: Post, fileOf: (source: MediaSource) => File | undefined) {
  return async (source: MediaSource, signal?: AbortSignal): Promise<Blob | undefined> => {
    const file = fileOf(source)
    if (file == null) return undefined
    const requestId = next++
    return await new Promise<Blob | undefined>((resolve) => {
      const timer = setTimeout(() => { waiting.delete(requestId); resolve(undefined) }, WAIT_MS)
      signal?.addEventListener('abort', () => { clearTimeout(timer); waiting.delete(requestId); resolve(undefined) }, { once: true })
      waiting.set(requestId, (blob) => { clearTimeout(timer); resolve(blob) })
      post({ event: 'poster', requestId, file })
    })
  }
}
