/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
 * Communication with PURBs", PETS 2019, section 4). `padme(L)` rounds a length up so that at
 * most O(log log L) bits of it remain visible, with at most ~12% overhead, which stops the
 * storage node from identifying files (or records) by their exact size. Media streams pad
 * with zeros up to `paddedLength` (the true size travels inside the encrypted manifest); boxes
 * pad with a 0x80 marker then zeros (ISO/IEC 7816-4), so that they can be unpadded alone.
 */
import { assertInteger } from '../crypto/bytes.ts'
import { PaddingError } from '../crypto/errors.ts'

/**
 * The Padmé length for `length` bytes. Uses arithmetic rather than bit operations because
 * JavaScript shifts are 32-bit and videos exceed 4 GiB.
 */
export function padme (length: number): number {
  assertInteger(length, 0, Number.MAX_SAFE_INTEGER, 'padme length')
  if (length < 2) return length
  const e = floorLog2(length)
  const s = floorLog2(e) + 1
  const step = 2 ** (e - s)
  return Math.ceil(length / step) * step
}

/** Math.log2 may round up just below a power of two, so correct it with exact arithmetic. */
function floorLog2 (n: number): number {
  let e = Math.floor(Math.log2(n))
  while (2 ** e > n) e--
  while (2 ** (e + 1) <= n) e++
  return e
}

/** Pads to padme(length + 1) with 0x80 then zeros; always adds at least one byte. */
export function padBox (plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(padme(plaintext.length + 1))
  out.set(plaintext)
  out[plaintext.length] = 0x80
  return out
}

/**
 * Reverses `padBox`. Rejects any padding `padBox` would not have produced (no marker, a
 * longer run of zeros than Padmé allows), so that each plaintext has exactly one padded form.
 */
export function unpadBox (padded: Uint8Array): Uint8Array {
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (end < 0 || padded[end] !== 0x80) throw new PaddingError('box padding has no 0x80 marker')
  if (padme(end + 1) !== padded.length) throw new PaddingError('box padding is not the Padmé length')
  return padded.subarray(0, end)
}
