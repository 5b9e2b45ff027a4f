/**
 * Poster frames for videos being uploaded, made on the page because only the page has <video>:
 * the crypto worker sends the File, this loads it into a detached, muted video element, seeks a
 * little in (past a black first frame), draws the frame and sends back a JPEG. Nothing of it
 * leaves the browser unencrypted: the worker turns it into the encrypted thumbnail and preview.
 */
import type { PosterReply } from '../worker/protocol.ts'

const LONGEST = 1440

async function frameOf (file: File): Promise<Blob | undefined> {
  const url = URL.createObjectURL(file)
  const video = Object.assign(document.createElement('video'), { muted: true, preload: 'auto', playsInline: true, src: url })
  try {
    await new Promise((resolve, reject) => {
      video.addEventListener('loadeddata', resolve, { once: true })
      video.addEventListener('error', reject, { once: true })
    })
    video.currentTime = Math.min(1, (Number.isFinite(video.duration) ? video.duration : 0) / 10)
    await new Promise((resolve) => { video.addEventListener('seeked', resolve, { once: true }) })
    const scale = Math.min(1, LONGEST / Math.max(video.videoWidth, video.videoHeight))
    const canvas = Object.assign(document.createElement('canvas'), { width: Math.round(video.videoWidth * scale), height: Math.round(video.videoHeight * scale) })
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height)
    return await new Promise<Blob | undefined>((resolve) => { canvas.toBlob((blob) => { resolve(blob ?? undefined) }, 'image/jpeg', 0.85) })
  } catch {
    return undefined
  } finally {
    video.removeAttribute('src')
    video.load()
    URL.revokeObjectURL(url)
  }
}

/** Answers the worker's poster requests (see worker/posters.ts). */
export function answerPosters (worker: EventTarget, reply: (message: PosterReply) => void): void {
  worker.addEventListener('poster', (event) => {
    const { requestId, file } = (event as CustomEvent<{ requestId: number, file: File }>).detail
    void frameOf(file).then((blob) => { reply({ posterReply: requestId, blob }) })
  })
}
