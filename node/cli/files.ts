/**
 * Files on the local disk as the client pipeline sees them: walking folders into upload sources
 * (hidden files and OS clutter left out), and writing downloads atomically — to a temporary name
 * first, renamed only once every block has verified and decrypted, so a failed download never
 * leaves a corrupted file under the real name.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { UsageError } from './errors.ts'
import type { UploadSource } from '../../src/client/upload.ts'
import type { Sha256Stream } from '../../src/crypto/content-tag.ts'

const SKIPPED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini'])

export function fileSource (path: string, size: number, mtime: number): UploadSource {
  return {
    name: basename(path),
    size,
    mtime,
    open: () => createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>
  }
}

/** node:crypto's streaming SHA-256: about three times the portable WebAssembly one. */
export const nodeSha256Stream: Sha256Stream = async (source, signal) => {
  const hash = createHash('sha256')
  for await (const piece of source) {
    signal?.throwIfAborted()
    hash.update(piece)
  }
  return new Uint8Array(hash.digest())
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
