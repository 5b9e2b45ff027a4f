/**
 * Errors raised while encoding, decoding and checking Obscura's structured blocks (heads,
 * commits, records, manifests, key bundles). Cryptographic failures (signatures, boxes,
 * chunks, versions) live in `src/crypto/errors.ts`; the codes here are equally stable.
 */
import { ObscuraError } from '../errors.ts'

/** Bytes are not valid dag-cbor at all. */
export class MalformedEncodingError extends ObscuraError {
  static readonly code = 'ERR_MALFORMED_ENCODING'
  constructor (message = 'malformed dag-cbor', options?: ErrorOptions) { super(MalformedEncodingError.code, message, options) }
}

/** Valid dag-cbor, but not the one canonical encoding of its value (e.g. unsorted map keys). */
export class NonCanonicalEncodingError extends ObscuraError {
  static readonly code = 'ERR_NON_CANONICAL_ENCODING'
  constructor (message = 'encoding is not canonical dag-cbor') { super(NonCanonicalEncodingError.code, message) }
}

/** A decoded value does not match the schema of the structure it claims to be. */
export class InvalidStructureError extends ObscuraError {
  static readonly code = 'ERR_INVALID_STRUCTURE'
  constructor (message: string) { super(InvalidStructureError.code, message) }
}

/** A block's bytes do not hash to the CID it was fetched under. */
export class CidMismatchError extends ObscuraError {
  static readonly code = 'ERR_CID_MISMATCH'
  constructor (message = 'block does not match its CID') { super(CidMismatchError.code, message) }
}

/** A CID uses a version, codec or hash Obscura does not accept (only CIDv1, raw/dag-cbor, sha2-256). */
export class UnsupportedCidError extends ObscuraError {
  static readonly code = 'ERR_UNSUPPORTED_CID'
  constructor (message: string) { super(UnsupportedCidError.code, message) }
}

/** A head does not follow the current one: its seq is not current + 1 or its prev is not the current head. */
export class StaleHeadError extends ObscuraError {
  static readonly code = 'ERR_STALE_HEAD'
  constructor (message = 'head does not succeed the current head') { super(StaleHeadError.code, message) }
}

/** A head belongs to a different collection or owner than the one it should replace. */
export class HeadMismatchError extends ObscuraError {
  static readonly code = 'ERR_HEAD_MISMATCH'
  constructor (message = 'head is for another collection or owner') { super(HeadMismatchError.code, message) }
}

/** A head is older than one the client has already seen (the server rolled it back). */
export class RollbackError extends ObscuraError {
  static readonly code = 'ERR_ROLLBACK'
  constructor (message = 'head seq went backwards') { super(RollbackError.code, message) }
}

/** A head has the seq the client has already seen but a different root (the server forked it). */
export class ForkError extends ObscuraError {
  static readonly code = 'ERR_FORK'
  constructor (message = 'two heads with the same seq and different roots') { super(ForkError.code, message) }
}

/** A record is validly signed, but by a key that may not write to this collection. */
export class UnauthorisedAuthorError extends ObscuraError {
  static readonly code = 'ERR_UNAUTHORISED_AUTHOR'
  constructor (message = 'record author may not write to this collection') { super(UnauthorisedAuthorError.code, message) }
}

/**
 * A record is sealed under a key epoch it may not use at its place in the log: an older epoch
 * after a re-key, or a new epoch not opened by the owner's `rekey` op.
 */
export class KeyEpochError extends ObscuraError {
  static readonly code = 'ERR_KEY_EPOCH'
  constructor (message = 'record key epoch is out of order') { super(KeyEpochError.code, message) }
}
