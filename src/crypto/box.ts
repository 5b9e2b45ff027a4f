/**
 * Boxes: the one way Obscura encrypts small objects (keys, records, manifests). A box is
 * `0x01 || nonce(24) || XChaCha20-Poly1305(key, nonce, plaintext, aad)` with
 * `aad = label || 0x00 || context`, so a box opened under the wrong label (purpose) or context
 * (the id it belongs to) fails exactly as if the key were wrong: a node cannot move a file key
 * from one item to another, or pass a record off as a manifest. Optional Padmé padding hides
 * exact sizes. Sealed boxes add an ephemeral X25519 exchange so that anyone can encrypt to a
 * member's public box key (used to share collection keys).
 */
import { assertBytes, concatBytes, wipe } from './bytes.ts'
import { xchachaOpen, xchachaSeal } from './aead.ts'
import { BoxAuthenticationError, InvalidInputError, UnsupportedVersionError } from './errors.ts'
import { hkdf } from './hash.ts'
import { labelBytes, labelled } from './labels.ts'
import { defaultRandom, randomBytes, type RandomSource } from './random.ts'
import { boxKeyPairFromSecret, x25519SharedSecret } from './x25519.ts'
import { padBox, unpadBox } from '../format/padding.ts'

/** First byte of every v1 box and sealed box. */
export const BOX_VERSION = 0x01
const NONCE_LENGTH = 24
const TAG_LENGTH = 16
const EMPTY = new Uint8Array(0)

export interface BoxOptions {
  /** Purpose label, e.g. `obscura/v1/box/record` (see LABELS). */
  label: string
  /** Bytes the box is bound to, e.g. the 16-byte id of its item; empty when absent. */
  context?: Uint8Array
  /** Pad the plaintext with Padmé before sealing (and expect it when opening). */
  pad?: boolean
}

export interface BoxSealOptions extends BoxOptions {
  random?: RandomSource
}

function boxAad (options: BoxOptions): Uint8Array {
  if (options.context !== undefined) assertBytes(options.context, undefined, 'box context')
  return labelled(options.label, options.context ?? EMPTY)
}

/** Seals `plaintext` under a 32-byte key. Draws 24 random bytes (the nonce). */
export function boxSeal (key: Uint8Array, plaintext: Uint8Array, options: BoxSealOptions): Uint8Array {
  assertBytes(key, 32, 'box key')
  assertBytes(plaintext, undefined, 'box plaintext')
  const aad = boxAad(options)
  const nonce = randomBytes(NONCE_LENGTH, options.random ?? defaultRandom)
  const input = options.pad === true ? padBox(plaintext) : plaintext
  const sealed = xchachaSeal(key, nonce, input, aad)
  if (input !== plaintext) wipe(input)
  return concatBytes(Uint8Array.of(BOX_VERSION), nonce, sealed)
}

/** Opens a box; throws BoxAuthenticationError for any wrong key, label, context or byte. */
export function boxOpen (key: Uint8Array, box: Uint8Array, options: BoxOptions): Uint8Array {
  assertBytes(key, 32, 'box key')
  assertBytes(box, undefined, 'box')
  const aad = boxAad(options)
  if (box.length < 1 + NONCE_LENGTH + TAG_LENGTH) throw new BoxAuthenticationError('box is truncated')
  if (box[0] !== BOX_VERSION) throw new UnsupportedVersionError(`unsupported box version ${box[0]}`)
  const plaintext = xchachaOpen(key, box.subarray(1, 1 + NONCE_LENGTH), box.subarray(1 + NONCE_LENGTH), aad)
  if (plaintext === null) throw new BoxAuthenticationError()
  return options.pad === true ? unpadBox(plaintext) : plaintext
}

export interface SealOptions {
  /** Suffix of the full label `obscura/v1/seal/<label>`, e.g. `collection-key`. */
  label: string
  random?: RandomSource
}

function sealLabel (label: string): string {
  labelBytes(label)
  if (label.includes('/')) throw new InvalidInputError(`seal label: expected a suffix without '/', got ${JSON.stringify(label)}`)
  return `obscura/v1/seal/${label}`
}

function sealKey (shared: Uint8Array, epk: Uint8Array, rpk: Uint8Array, fullLabel: string): Uint8Array {
  return hkdf(shared, { salt: concatBytes(epk, rpk), info: fullLabel })
}

/**
 * Seals `plaintext` to an X25519 public key: `0x01 || epk(32) || nonce(24) || ciphertext`.
 * Draws 32 random bytes (ephemeral secret) then 24 (nonce). Only the recipient can open it;
 * the sender is anonymous, so callers that need authorship sign the surrounding record.
 */
export function sealTo (recipientPublicKey: Uint8Array, plaintext: Uint8Array, options: SealOptions): Uint8Array {
  assertBytes(recipientPublicKey, 32, 'recipient public key')
  assertBytes(plaintext, undefined, 'plaintext')
  const fullLabel = sealLabel(options.label)
  const random = options.random ?? defaultRandom
  const ephemeral = boxKeyPairFromSecret(randomBytes(32, random))
  const shared = x25519SharedSecret(ephemeral.secretKey, recipientPublicKey)
  const key = sealKey(shared, ephemeral.publicKey, recipientPublicKey, fullLabel)
  const nonce = randomBytes(NONCE_LENGTH, random)
  const aad = labelled(fullLabel, ephemeral.publicKey, recipientPublicKey)
  const sealed = xchachaSeal(key, nonce, plaintext, aad)
  wipe(ephemeral.secretKey, shared, key)
  return concatBytes(Uint8Array.of(BOX_VERSION), ephemeral.publicKey, nonce, sealed)
}

/** Opens a sealed box with the recipient's X25519 secret; BoxAuthenticationError on any failure. */
export function openSealed (recipientSecretKey: Uint8Array, sealed: Uint8Array, options: { label: string }): Uint8Array {
  assertBytes(recipientSecretKey, 32, 'recipient secret key')
  assertBytes(sealed, undefined, 'sealed box')
  const fullLabel = sealLabel(options.label)
  if (sealed.length < 1 + 32 + NONCE_LENGTH + TAG_LENGTH) throw new BoxAuthenticationError('sealed box is truncated')
  if (sealed[0] !== BOX_VERSION) throw new UnsupportedVersionError(`unsupported sealed box version ${sealed[0]}`)
  const epk = sealed.subarray(1, 33)
  const recipientPublicKey = boxKeyPairFromSecret(recipientSecretKey).publicKey
  let shared: Uint8Array
  try {
    shared = x25519SharedSecret(recipientSecretKey, epk)
  } catch {
    throw new BoxAuthenticationError('sealed box has an invalid ephemeral key')
  }
  const key = sealKey(shared, epk, recipientPublicKey, fullLabel)
  const aad = labelled(fullLabel, epk, recipientPublicKey)
  const plaintext = xchachaOpen(key, sealed.subarray(33, 33 + NONCE_LENGTH), sealed.subarray(33 + NONCE_LENGTH), aad)
  wipe(shared, key)
  if (plaintext === null) throw new BoxAuthenticationError()
  return plaintext
}
