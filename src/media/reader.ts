/**
 * Random access to a file's bytes for the metadata parsers, which need a few small pieces (a
 * header, a box table, a video's `moov` that may sit at the very end) and never the whole file.
 * Sources that can read a range (a browser File, a Node file handle) are used directly; a plain
 * stream is read forward, keeping only the ranges asked for, and reopened for a range behind it.
 * Multi-byte readers are big-endian unless named `le`.
 */
import type { MediaSource } from './index.ts'

export interface RandomAccess {
  size: number
  /** Bytes [start, end), clamped to the file; shorter only at the end of the file. */
  read: (start: number, end: number) => Promise<Uint8Array>
}

export function bytesReader (bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(Math.max(0, start), Math.min(end, bytes.length)) }
}

export function sourceReader (source: Pick<MediaSource, 'size' | 'open' | 'read'>, signal?: AbortSignal): RandomAccess {
  const size = source.size
  const clamp = (start: number, end: number): [number, number] => [Math.max(0, Math.min(start, size)), Math.max(0, Math.min(end, size))]
  if (source.read != null) {
    const read = source.read
    return { size, read: async (start, end) => { signal?.throwIfAborted(); const [s, e] = clamp(start, end); return s >= e ? new Uint8Array(0) : await read(s, e) } }
  }
  return { size, read: async (start, end) => await readFromStream(source.open(), ...clamp(start, end), signal) }
}

async function readFromStream (stream: AsyncIterable<Uint8Array>, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
  const out = new Uint8Array(Math.max(0, end - start))
  if (out.length === 0) return out
  let position = 0
  for await (const piece of stream) {
    signal?.throwIfAborted()
    const from = Math.max(start, position)
    const to = Math.min(end, position + piece.length)
    if (from < to) out.set(piece.subarray(from - position, to - position), from - start)
    position += piece.length
    if (position >= end) break
  }
  return out.subarray(0, Math.max(0, Math.min(end, position) - start))
}

/** Reads a whole source into memory (callers check the size first). */
export async function readAll (source: Pick<MediaSource, 'size' | 'open'>, signal?: AbortSignal): Promise<Uint8Array> {
  const out = new Uint8Array(source.size)
  let position = 0
  for await (const piece of source.open()) {
    signal?.throwIfAborted()
    if (position + piece.length > out.length) throw new Error('the file grew while it was being read')
    out.set(piece, position)
    position += piece.length
  }
  return position === out.length ? out : out.subarray(0, position)
}

export const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)
export const u32 = (b: Uint8Array, at: number): number => (((b[at] ?? 0) << 24) >>> 0) + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0))
export const u64 = (b: Uint8Array, at: number): number => u32(b, at) * 2 ** 32 + u32(b, at + 4)
export const i32 = (b: Uint8Array, at: number): number => u32(b, at) | 0
export const u16le = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8)
export const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | ((b[at + 2] ?? 0) << 16)
export const u32le = (b: Uint8Array, at: number): number => u24le(b, at) + (b[at + 3] ?? 0) * 2 ** 24

/** Bytes as Latin-1 (box types, chunk ids, ASCII tags). */
export function ascii (b: Uint8Array, start = 0, end = b.length): string {
  let out = ''
  for (let i = start; i < end && i < b.length; i++) out += String.fromCharCode(b[i] as number)
  return out
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false })

/** UTF-8 text without trailing NULs and spaces; undefined when nothing is left. */
export function text (b: Uint8Array): string | undefined {
  // eslint-disable-next-line no-control-regex -- NULs pad fixed-size string fields
  const value = utf8Decoder.decode(b).replace(/[\u0000\s]+$/, '').replace(/^\s+/, '')
  return value === '' ? undefined : value
}

/** Index of `needle` in `hay` at or after `from`, or -1. Jumps between first-byte hits natively. */
export function indexOf (hay: Uint8Array, needle: Uint8Array, from = 0, to = hay.length): number {
  const first = needle[0] as number
  const last = Math.min(to, hay.length) - needle.length
  outer: for (let i = hay.indexOf(first, Math.max(0, from)); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}
