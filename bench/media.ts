/**
 * `npm run bench -- media`: photos per second through the whole client pipeline — content tag,
 * metadata, thumbnail and preview, encryption, upload and commit — on 200 generated
 * 12-megapixel JPEGs (4000×3000, a smooth random picture with grain, ~2 MB each, each with its
 * own EXIF), into a node running in its own process. Each stage's busy time is measured inside
 * the same run: the processor's stages are wrapped, requests to the node are timed while any is
 * in flight, and encryption (with the content tag, hashed in the same read) is timed apart on the
 * same files. The
 * pipeline overlaps the next photo's media work with this one's upload, so the stages add up to
 * more than the wall time; shares are of their sum. The same files uploaded without the media
 * step give the baseline.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { uploadFiles, type UploadOptions, type UploadSource } from '../src/client/upload.ts'
import { signup } from '../src/client/session.ts'
import { Library } from '../src/client/library.ts'
import { createStreamEncryptor } from '../src/crypto/stream.ts'
import { newKey } from '../src/crypto/wrap.ts'
import { fileSource } from '../node/cli/files.ts'
import { createNodeMediaProcessor } from '../node/media/processor.ts'
import { MiB, mbPerSecond, round, type BenchResult } from './lib.ts'
import { startNodeProcess } from './processes.ts'
import { createSha256Hasher, hashingAlong } from '../src/crypto/content-tag.ts'
import type { MediaProcessor } from '../src/media/index.ts'

const PHOTOS = 200
const WIDTH = 4000
const HEIGHT = 3000

/** A smooth random picture with grain, so that it compresses like a photo rather than to nothing. */
async function basePixels (): Promise<Buffer> {
  const small = randomBytes(160 * 120 * 3)
  const smooth = await sharp(small, { raw: { width: 160, height: 120, channels: 3 } }).resize(WIDTH, HEIGHT, { kernel: 'cubic' }).raw().toBuffer()
  const grain = randomBytes(smooth.length)
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.min(255, (smooth[i] as number) + ((grain[i] as number) & 15))
  return smooth
}

async function makePhotos (dir: string): Promise<Array<UploadSource & { path: string }>> {
  const base = await basePixels()
  const sources: Array<UploadSource & { path: string }> = []
  for (let i = 0; i < PHOTOS; i++) {
    // A different patch in each photo, so no two files deduplicate.
    const pixels = Buffer.from(base)
    randomBytes(64 * 3).copy(pixels, (i * 4099 * 3) % (pixels.length - 64 * 3))
    const path = join(dir, `IMG_${String(i).padStart(4, '0')}.JPG`)
    const date = `2023:05:${String(1 + (i % 28)).padStart(2, '0')} 12:${String(i % 60).padStart(2, '0')}:00`
    await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .withExif({ IFD0: { Make: 'Bench', Model: 'Bench 12MP', DateTime: date } })
      .jpeg({ quality: 85 })
      .toFile(path)
    const info = await stat(path)
    sources.push({ ...fileSource(path, info.size, info.mtimeMs), path })
  }
  return sources
}

interface StageTimes { network: number, describe: number, metadata: number, decode: number, preview: number, thumbnail: number, thumbnailBytes: number, previewBytes: number }

function timedProcessor (times: StageTimes): MediaProcessor {
  const inner = createNodeMediaProcessor()
  return {
    async describe (source, options) {
      const started = performance.now()
      const description = await inner.describe(source, options)
      times.describe += performance.now() - started
      times.metadata += description.timings.metadataMs
      times.decode += description.timings.decodeMs
      times.preview += description.timings.previewMs
      times.thumbnail += description.timings.thumbnailMs
      times.thumbnailBytes += description.thumbnail?.bytes.length ?? 0
      times.previewBytes += description.preview?.bytes.length ?? 0
      return description
    }
  }
}

/** Encryption alone (AES-256-GCM and CIDs), on the same files, read from disk. */
async function encryptOnly (sources: Array<UploadSource & { path: string }>): Promise<number> {
  const started = performance.now()
  for (const source of sources) {
    const encryptor = createStreamEncryptor(newKey())
    const hasher = await createSha256Hasher()
    for await (const chunk of encryptor.encrypt(hashingAlong([new Uint8Array(await readFile(source.path))], hasher))) void chunk
    hasher.digest()
  }
  return performance.now() - started
}

export async function run (): Promise<BenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'obscura-bench-media-'))
  try {
    await mkdir(join(work, 'photos'))
    const generated = performance.now()
    const sources = await makePhotos(join(work, 'photos'))
    const generateMs = performance.now() - generated
    const bytes = sources.reduce((sum, s) => sum + s.size, 0)

    const times: StageTimes = { network: 0, describe: 0, metadata: 0, decode: 0, preview: 0, thumbnail: 0, thumbnailBytes: 0, previewBytes: 0 }
    const totalMs = await uploadTo(join(work, 'node'), sources, { media: timedProcessor(times) }, times)
    const plainMs = await uploadTo(join(work, 'node-plain'), sources, {})
    const encryptMs = await encryptOnly(sources)
    const other = times.describe - times.metadata - times.decode - times.preview - times.thumbnail
    const stages = times.describe + encryptMs + times.network
    const share = (ms: number): { value: number, unit: string } => ({ value: round(ms / stages * 100, 1), unit: '%' })
    const perPhoto = (ms: number): string => `${round(ms / PHOTOS, 1)}`
    return {
      name: 'media',
      figures: {
        'photos per second, whole pipeline': { value: round(PHOTOS / (totalMs / 1000)), unit: 'photos/s' },
        'photos per second, originals only (no media step)': { value: round(PHOTOS / (plainMs / 1000)), unit: 'photos/s' },
        'whole pipeline throughput': { value: round(mbPerSecond(bytes, totalMs)), unit: 'MB/s' },
        'wall time per photo': { value: round(totalMs / PHOTOS, 1), unit: 'ms' },
        'share: metadata (EXIF, container)': share(times.metadata),
        'share: decode + orient + resize': share(times.decode),
        'share: preview encode (1440 px JPEG)': share(times.preview),
        'share: thumbnail encode (256 px JPEG)': share(times.thumbnail),
        'share: reading files for the media step': share(other),
        'share: encrypt (AES-256-GCM + CIDs + content tag)': share(encryptMs),
        'share: upload + commit (requests in flight)': share(times.network),
        'average photo size': { value: round(bytes / PHOTOS / MiB), unit: 'MiB' },
        'average preview size': { value: round(times.previewBytes / PHOTOS / 1024, 0), unit: 'KiB' },
        'average thumbnail size': { value: round(times.thumbnailBytes / PHOTOS / 1024, 1), unit: 'KiB' }
      },
      notes: [
        `${PHOTOS} JPEGs of ${WIDTH}×${HEIGHT}, generated in ${round(generateMs / 1000, 1)} s (not counted)`,
        'client in this process, node in its own process, over loopback HTTP; one file at a time, blocks of a file uploaded 4 at a time',
        'stages overlap (the next photo is described while this one uploads), so shares are of the summed busy time, not of the wall time',
        `busy ms per photo: metadata ${perPhoto(times.metadata)}, decode+resize ${perPhoto(times.decode)}, preview ${perPhoto(times.preview)}, thumbnail ${perPhoto(times.thumbnail)}, reading ${perPhoto(other)}, encrypt ${perPhoto(encryptMs)}, upload+commit ${perPhoto(times.network)}; wall ${perPhoto(totalMs)}`
      ]
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Adds to `times.network` the time during which at least one request to the node is in flight. */
function timeRequests (library: Library, times: StageTimes): void {
  const api = library.account.api
  const request = api.request.bind(api)
  let inFlight = 0
  let since = 0
  api.request = async (...args: Parameters<typeof request>) => {
    if (inFlight++ === 0) since = performance.now()
    try {
      return await request(...args)
    } finally {
      if (--inFlight === 0) times.network += performance.now() - since
    }
  }
}

/** Uploads `sources` to a fresh node as a new user; returns the upload's wall time in ms. */
async function uploadTo (dataDir: string, sources: UploadSource[], options: Pick<UploadOptions, 'media'>, times?: StageTimes): Promise<number> {
  const node = await startNodeProcess(dataDir)
  try {
    const library = new Library((await signup(node.url, 'bench', 'bench password 1')).account)
    await library.sync()
    const target = await library.ensureAlbum('Bench')
    if (times != null) timeRequests(library, times)
    const started = performance.now()
    const result = await uploadFiles(library, sources, { targets: [target], ...options })
    const ms = performance.now() - started
    if (result.uploaded !== sources.length) throw new Error(`uploaded ${result.uploaded} of ${sources.length}`)
    return ms
  } finally {
    await node.stop()
  }
}
