/**
 * The recovery key: 32 random bytes that can unwrap the master key when the password is lost,
 * shown to the user once as 56 Crockford base32 characters in groups of four (32 key bytes and a
 * 3-byte checksum). Crockford's alphabet has no I, L, O or U, and decoding forgives case,
 * spaces, dashes and the look-alikes O/0 and I/L/1, so a key copied from paper still works;
 * the checksum catches typos locally, before the node is asked for anything.
 */
import { assertBytes, concatBytes, constantTimeEqual, wipe } from './bytes.ts'
import { RecoveryKeyFormatError } from './errors.ts'
import { hkdf, sha256Sync } from './hash.ts'
import { LABELS, labelled } from './labels.ts'
import { signingKeyFromSeed, type SigningKey } from './sign.ts'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CHECKSUM_LENGTH = 3
const ENCODED_LENGTH = 56

function checksum (key: Uint8Array): Uint8Array {
  return sha256Sync(labelled(LABELS.recoveryChecksum, key)).subarray(0, CHECKSUM_LENGTH)
}

/** Formats a 32-byte recovery key for humans, e.g. `7ZQ4-M1XB-...` (14 groups). */
export function encodeRecoveryKey (key: Uint8Array): string {
  assertBytes(key, 32, 'recovery key')
  const data = concatBytes(key, checksum(key))
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of data) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET[(buffer >> bits) & 31]
    }
  }
  wipe(data)
  return (out.match(/.{4}/g) ?? []).join('-')
}

/** Parses a recovery key; RecoveryKeyFormatError for bad characters, length or checksum. */
export function decodeRecoveryKey (text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  if (clean.length !== ENCODED_LENGTH) throw new RecoveryKeyFormatError(`recovery key: expected ${ENCODED_LENGTH} characters, got ${clean.length}`)
  const data = new Uint8Array(32 + CHECKSUM_LENGTH)
  let buffer = 0
  let bits = 0
  let offset = 0
  for (const char of clean) {
    const value = ALPHABET.indexOf(char)
    if (value < 0) throw new RecoveryKeyFormatError(`recovery key: unexpected character ${JSON.stringify(char)}`)
    buffer = ((buffer << 5) | value) & 0xffff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      data[offset++] = (buffer >> bits) & 0xff
    }
  }
  const key = data.slice(0, 32)
  if (!constantTimeEqual(checksum(key), data.subarray(32))) throw new RecoveryKeyFormatError('recovery key: checksum does not match (typo?)')
  wipe(data)
  return key
}

export interface RecoveryKeys {
  /** Unwraps the master key's recovery box. */
  kek: Uint8Array
  /** Proves knowledge of the recovery key to the node (its public half is stored at sign-up). */
  authKey: SigningKey
}

/** HKDF(recoveryKey, "obscura/v1/recovery-kek") and the Ed25519 key from "obscura/v1/recovery-auth". */
export async function deriveRecoveryKeys (recoveryKey: Uint8Array): Promise<RecoveryKeys> {
  assertBytes(recoveryKey, 32, 'recovery key')
  const seed = hkdf(recoveryKey, { info: LABELS.recoveryAuth })
  const authKey = await signingKeyFromSeed(seed)
  wipe(seed)
  return { kek: hkdf(recoveryKey, { info: LABELS.recoveryKek }), authKey }
}
