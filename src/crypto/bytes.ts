/**
 * Byte helpers shared by every crypto and format module: argument checks with exact messages
 * (in the style of noble: "expected Uint8Array of length 32, got length=31"), concatenation,
 * constant-time comparison, big-endian integers, UTF-8 and hex, and wiping secrets. Kept free
 * of dependencies so that it runs unchanged in browsers, workers and Node.
 */
import { InvalidInputError } from './errors.ts'

/** Throws unless `value` is a Uint8Array (of exactly `length` bytes when given). */
export function assertBytes (value: unknown, length?: number, name = 'value'): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidInputError(`${name}: expected Uint8Array, got ${typeof value}`)
  }
  if (length !== undefined && value.length !== length) {
    throw new InvalidInputError(`${name}: expected Uint8Array of length ${length}, got length=${value.length}`)
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function assertInteger (value: unknown, min: number, max: number, name = 'value'): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name}: expected integer in [${min}, ${max}], got ${String(value)}`)
  }
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Compares without an early exit so that timing does not reveal the first differing byte
 * (used for key commitments and MACs).
 */
export function constantTimeEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

/** Ordinary (not constant-time) equality, for public data such as CIDs and public keys. */
export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lexicographic order on bytes, the order of sorted link lists. */
export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

/**
 * Writes `value` as an unsigned big-endian integer of `length` bytes. Works past 2^32 (chunk
 * indexes and sizes of multi-gigabyte videos) by dividing instead of shifting.
 */
export function uintBE (value: number, length: number): Uint8Array {
  assertInteger(value, 0, Number.MAX_SAFE_INTEGER, 'uintBE value')
  const out = new Uint8Array(length)
  let rest = value
  for (let i = length - 1; i >= 0; i--) {
    out[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
  if (rest !== 0) throw new InvalidInputError(`uintBE: ${value} does not fit in ${length} bytes`)
  return out
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function utf8 (text: string): Uint8Array {
  return encoder.encode(text)
}

export function fromUtf8 (bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** Parses lowercase or uppercase hex of even length. */
export function fromHex (hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new InvalidInputError(`expected hex string of even length, got length=${hex.length}`)
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * Overwrites secrets that this code created once they are no longer needed. JavaScript gives
 * no guarantee that no copy survives elsewhere; this only shortens the window.
 */
export function wipe (...buffers: Array<Uint8Array | undefined>): void {
  for (const buffer of buffers) buffer?.fill(0)
}
