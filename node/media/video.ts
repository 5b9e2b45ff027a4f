/**
 * Video posters and probing with ffmpeg, as a child process (which binary: ffmpeg.ts; the paths
 * can be configured). The poster frame is taken a moment into the clip (first frames are often
 * black), turned upright (ffmpeg applies the track's display matrix by default) and written as
 * PNG to a pipe. ffprobe fills in the size and duration of formats the portable parser does not
 * read (WebM, Matroska, AVI).
 */
import { spawn } from 'node:child_process'

export interface FfmpegTools {
  ffmpeg: string
  ffprobe: string
}

/** Longest a poster or probe may take before it is given up. */
const TIMEOUT_MS = 60_000
/** Where the poster is taken: this far in, or a third of a shorter clip. */
const POSTER_AT_MS = 1000

/** Runs a tool with stdout collected as bytes; rejects with the tool's last stderr line. */
function run (binary: string, args: string[], signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, timeout: TIMEOUT_MS })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (piece: Buffer) => out.push(piece))
    child.stderr.setEncoding('utf8').on('data', (text: string) => { err = (err + text).slice(-2000) })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new Error(err.trim().split('\n').pop() ?? `${binary} exited with ${code}`))
    })
  })
}

/** One frame as PNG bytes, or rejects when ffmpeg cannot decode the file. */
export async function posterFrame (tools: FfmpegTools, path: string, durationMs: number | undefined, signal?: AbortSignal): Promise<Uint8Array> {
  const at = durationMs != null ? Math.min(POSTER_AT_MS, durationMs / 3) : 0
  const grab = async (seekMs: number): Promise<Buffer> => await run(tools.ffmpeg, [
    '-v', 'error', '-nostdin', '-ss', (seekMs / 1000).toFixed(3), '-i', path,
    '-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'
  ], signal)
  let frame = await grab(at)
  // A seek past the last key frame of a short or odd clip yields nothing: start from the top.
  if (frame.length === 0 && at > 0) frame = await grab(0)
  if (frame.length === 0) throw new Error('no video frame could be decoded')
  return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
}

/** Size and duration of the first video stream, as ffprobe reports them. */
export async function probe (tools: FfmpegTools, path: string, signal?: AbortSignal): Promise<{ width?: number, height?: number, durationMs?: number }> {
  const json = JSON.parse((await run(tools.ffprobe, [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', path
  ], signal)).toString('utf8')) as { streams?: Array<{ width?: number, height?: number }>, format?: { duration?: string } }
  const stream = json.streams?.[0]
  const seconds = Number(json.format?.duration)
  return {
    ...(stream?.width != null && stream.height != null ? { width: stream.width, height: stream.height } : {}),
    ...(Number.isFinite(seconds) && seconds > 0 ? { durationMs: Math.round(seconds * 1000) } : {})
  }
}
