/**
 * Errors raised by Obscura's cryptography. Each class has a stable `code` that callers, the
 * gateway's error middleware and the test vectors (`test/vectors/*.json`, field
 * `expected.error`) match on, so a code never changes once published; messages may.
 * Authentication failures say *that* something failed and where, never why in a way that
 * helps an attacker (no partial plaintext, no key material).
 */
import { ObscuraError } from '../errors.ts'

/** An argument has the wrong type or length; a programming error, not an attack. */
export class InvalidInputError extends ObscuraError {
  static readonly code = 'ERR_INVALID_INPUT'
  constructor (message: string) { super(InvalidInputError.code, message) }
}

/** A sealed media chunk failed AEAD authentication: bit flip, reorder, swap or foreign chunk. */
export class ChunkAuthenticationError extends ObscuraError {
  static readonly code = 'ERR_CHUNK_AUTHENTICATION'
  readonly index: number
  constructor (index: number, message = `chunk ${index} failed authentication`) {
    super(ChunkAuthenticationError.code, message)
    this.index = index
  }
}

/** The chunk sequence ended before its last-flagged chunk. */
export class TruncatedStreamError extends ObscuraError {
  static readonly code = 'ERR_TRUNCATED_STREAM'
  constructor (message = 'stream ended before its last chunk') { super(TruncatedStreamError.code, message) }
}

/** Data follows the last chunk, or a last-flagged chunk appears before the end. */
export class TrailingDataError extends ObscuraError {
  static readonly code = 'ERR_TRAILING_DATA'
  constructor (message = 'data after the last chunk') { super(TrailingDataError.code, message) }
}

/** The key does not match the commitment stored beside the ciphertext. */
export class KeyCommitmentError extends ObscuraError {
  static readonly code = 'ERR_KEY_COMMITMENT'
  constructor (message = 'key does not match the stream commitment') { super(KeyCommitmentError.code, message) }
}

/** Authenticated plaintext carries padding that is not the canonical padding. */
export class PaddingError extends ObscuraError {
  static readonly code = 'ERR_PADDING'
  constructor (message = 'invalid padding') { super(PaddingError.code, message) }
}

/** A box (small-object AEAD) failed to open: wrong key, label, context, or altered bytes. */
export class BoxAuthenticationError extends ObscuraError {
  static readonly code = 'ERR_BOX_AUTHENTICATION'
  constructor (message = 'box failed authentication') { super(BoxAuthenticationError.code, message) }
}

/** The password does not unlock the key bundle. */
export class WrongPasswordError extends ObscuraError {
  static readonly code = 'ERR_WRONG_PASSWORD'
  constructor (message = 'wrong password') { super(WrongPasswordError.code, message) }
}

/** The recovery key is well formed but does not unlock the key bundle. */
export class WrongRecoveryKeyError extends ObscuraError {
  static readonly code = 'ERR_WRONG_RECOVERY_KEY'
  constructor (message = 'wrong recovery key') { super(WrongRecoveryKeyError.code, message) }
}

/** A recovery key string is mistyped: bad characters, length or checksum. */
export class RecoveryKeyFormatError extends ObscuraError {
  static readonly code = 'ERR_RECOVERY_KEY_FORMAT'
  constructor (message = 'malformed recovery key') { super(RecoveryKeyFormatError.code, message) }
}

/** A key bundle opened but its contents contradict its public fields. */
export class KeyBundleMismatchError extends ObscuraError {
  static readonly code = 'ERR_KEY_BUNDLE_MISMATCH'
  constructor (message = 'key bundle secrets do not match its public keys') { super(KeyBundleMismatchError.code, message) }
}

/** An Ed25519 signature does not verify. */
export class SignatureError extends ObscuraError {
  static readonly code = 'ERR_SIGNATURE'
  constructor (message = 'signature does not verify') { super(SignatureError.code, message) }
}

/** A structure, box or stream declares a format version this reader does not implement. */
export class UnsupportedVersionError extends ObscuraError {
  static readonly code = 'ERR_UNSUPPORTED_VERSION'
  constructor (message = 'unsupported format version') { super(UnsupportedVersionError.code, message) }
}
