/**
 * Test helpers shared by test/crypto and test/format: deterministic randomness, generated
 * inputs, collecting async iterables, and assertions on Obscura's named errors (class and
 * stable code both, since callers match on the code).
 */
import { expect } from 'chai'
import { sha256 } from '@noble/hashes/sha2.js'
import type { RandomSource } from '../../src/crypto/random.ts'

/** An error class with a static stable code, as every Obscura error has. */
export type NamedError = (abstract new (...args: never[]) => Error) & { code: string }

/** Runs `fn` and asserts that it throws (or rejects with) an instance of `errorClass`. */
export async function expectError (fn: () => unknown, errorClass: NamedError): Promise<Error & { code: string }> {
  let caught: unknown
  try {
    await fn()
  } catch (err) {
    caught = err
  }
  expect(caught, `expected ${errorClass.name}`).to.be.instanceOf(errorClass)
  const err = caught as Error & { code: string }
  expect(err.code).to.equal(errorClass.code)
  return err
}

/** A deterministic RandomSource: SHA-256 in counter mode over `seed`. Not for production. */
export function seededRandom (seed: string): RandomSource {
  let counter = 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let offset = 0; offset < length; offset += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`))
      out.set(block.subarray(0, Math.min(32, length - offset)), offset)
    }
    return out
  }
}

/** Bytes where byte i is (i * 31 + seed) mod 256: cheap, deterministic, not all one value. */
export function patternBytes (length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

/** Yields `total` pattern bytes in pieces of `pieceSize`, never holding them all. */
export function * patternPieces (total: number, pieceSize: number, seed = 0): Generator<Uint8Array> {
  for (let offset = 0; offset < total; offset += pieceSize) {
    const length = Math.min(pieceSize, total - offset)
    const piece = new Uint8Array(length)
    for (let i = 0; i < length; i++) piece[i] = ((offset + i) * 31 + seed) & 0xff
    yield piece
  }
}

export async function collect<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

export function concat (parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

export const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Flips bits of `bytes[index]` in place (negative index counts from the end). */
export function flipBit (bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const at = index < 0 ? bytes.length + index : index
  bytes[at] = (bytes[at] as number) ^ mask
  return bytes
}
