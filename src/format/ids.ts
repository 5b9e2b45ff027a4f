/**
 * Identifiers of collections and items: 16 random bytes, written as 32 lowercase hex characters.
 * Random (not content-derived) ids reveal nothing about what they name; the fixed textual form
 * makes them safe in URLs and as map keys, and `idBytes` gives the raw form that boxes and
 * signatures bind to.
 */
import { fromHex, toHex } from '../crypto/bytes.ts'
import { InvalidInputError } from '../crypto/errors.ts'
import { defaultRandom, randomBytes, type RandomSource } from '../crypto/random.ts'

export const ID_PATTERN = /^[0-9a-f]{32}$/

/** A fresh id. Draws 16 random bytes. */
export function newId (random: RandomSource = defaultRandom): string {
  return toHex(randomBytes(16, random))
}

export function isId (value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value)
}

/** The 16 raw bytes of an id; throws InvalidInputError unless it is 32 lowercase hex characters. */
export function idBytes (id: string): Uint8Array {
  if (!isId(id)) throw new InvalidInputError(`id: expected 32 lowercase hex characters, got ${JSON.stringify(id)}`)
  return fromHex(id)
}
