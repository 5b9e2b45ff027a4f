/**
 * Files on the local disk as the client pipeline sees them: walking folders into upload sources
 * (hidden files and OS clutter left out), and writing downloads atomically — to a temporary name
 * first, renamed only once every block has verified and decrypted, so a failed download never
 * leaves a corrupted file under the real name.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { UsageError } from './errors.ts'
import { openItem, readPart } from '../../src/client/download.ts'
import { formatBytes, ProgressBar } from './progress.ts'
import type { NodeApi } from '../../src/client/api.ts'
import type { CollectionState } from '../../src/client/collection.ts'
import type { UploadSource } from '../../src/client/upload.ts'

const SKIPPED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini'])

export function fileSource (path: string, size: number, mtime: number): UploadSource {
  return {
    name: basename(path),
    size,
    mtime,
    open: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>
  }
}

/** Every regular file under `paths`, recursively, in a stable order. */
export async function collectFiles (paths: string[]): Promise<Array<UploadSource & { path: string }>> {
  const found: Array<UploadSource & { path: string }> = []
  const visit = async (path: string, top: boolean): Promise<void> => {
    const info = await lstat(path).catch(() => undefined)
    if (info == null) {
      if (top) throw new UsageError(`no such file or folder: ${path}`)
      return
    }
    if (!top && (basename(path).startsWith('.') || SKIPPED.has(basename(path)))) return
    if (info.isDirectory()) {
      for (const entry of (await readdir(path)).sort()) await visit(join(path, entry), false)
    } else if (info.isFile()) {
      found.push({ ...fileSource(path, info.size, Math.floor(info.mtimeMs)), path })
    }
  }
  for (const path of paths) await visit(path, true)
  return found
}

/** A name in `dir` not taken yet: "a.jpg", then "a (1).jpg", "a (2).jpg"… */
export async function freeName (dir: string, name: string, taken: Set<string>): Promise<string> {
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const ext = dot > 0 ? name.slice(dot) : ''
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem} (${n})${ext}`
    if (taken.has(candidate)) continue
    if (await stat(join(dir, candidate)).catch(() => undefined) == null) {
      taken.add(candidate)
      return candidate
    }
  }
}

/** Writes `source` to `path` via a temporary file; removes the temporary file on any failure. */
export async function writeAtomically (path: string, source: AsyncIterable<Uint8Array>): Promise<void> {
  const partial = `${path}.obscura-partial`
  await mkdir(join(path, '..'), { recursive: true })
  try {
    await pipeline(Readable.from(source), createWriteStream(partial))
    await rename(partial, path)
  } catch (err) {
    await rm(partial, { force: true })
    throw err
  }
}

/** A file name from the manifest, safe to create in a folder: no path separators, no "..". */
export function safeFileName (name: string): string {
  const cleaned = name.replace(/[/\\\0]/g, '_').replace(/^\.+$/, '_').trim()
  return cleaned === '' ? 'unnamed' : cleaned.slice(0, 255)
}

/**
 * Writes every live item of `collection` under `out`, originals byte-identical under their
 * names (and a Live Photo's video beside its still), with a progress bar; used by `download`
 * and `link download`.
 */
export async function downloadCollection (api: NodeApi, collection: CollectionState, out: string, signal?: AbortSignal): Promise<void> {
  const items = [...collection.items.values()].filter((i) => i.trashedAt == null)
  const total = items.reduce((sum, i) => sum + i.size, 0)
  const bar = new ProgressBar('download', total)
  const taken = new Set<string>()
  let done = 0
  try {
    for (const item of items) {
      const opened = await openItem(api, collection, item, signal)
      const name = await freeName(out, safeFileName(opened.manifest.name), taken)
      const base = done
      await writeAtomically(join(out, name), readPart(api, opened, 'original', {
        signal, onProgress: (bytes) => { bar.update(base + bytes, name) }
      }))
      // A Live Photo's video was a file of its own: it comes back beside the still.
      const { motionName } = opened.manifest
      if (motionName != null && opened.manifest.parts.motion != null) {
        await writeAtomically(join(out, await freeName(out, safeFileName(motionName), taken)), readPart(api, opened, 'motion', { signal }))
      }
      done += item.size
    }
  } finally {
    bar.finish()
  }
  process.stdout.write(`Downloaded ${items.length} item${items.length === 1 ? '' : 's'} (${formatBytes(total)}) to ${out}\n`)
}
