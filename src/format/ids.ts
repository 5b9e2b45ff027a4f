/**
 * Identifiers of collections and items: 16 random bytes, written as 32 lowercase hex characters.
 * Random (not content-derived) ids reveal nothing about what they name; the fixed textual form
 * makes them safe in URLs and as map keys, and `idBytes` gives the raw form that boxes and
 * signatures bind to.
 */
import { concatBytes, fromHex, toHex } from '../crypto/bytes.ts'
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

/** Highest key epoch of a collection (epochs are written as uint32be). */
export const MAX_EPOCH = 0xffffffff

/**
 * What boxes and signatures tied to one key epoch of a collection bind to: the id alone for
 * epoch 0 (so that collections never re-keyed read exactly as before epochs existed), else
 * `idBytes(id) || uint32be(epoch)`.
 */
export function epochContext (id: string, epoch: number): Uint8Array {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) throw new InvalidInputError(`epoch: expected integer in [0, ${MAX_EPOCH}], got ${String(epoch)}`)
  if (epoch === 0) return idBytes(id)
  const suffix = new Uint8Array(4)
  new DataView(suffix.buffer).setUint32(0, epoch)
  return concatBytes(idBytes(id), suffix)
}
