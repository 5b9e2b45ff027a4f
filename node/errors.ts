/**
 * Errors raised by the storage node. Each carries a stable `code` and the HTTP status the
 * gateway answers with, so that one error middleware can map every domain failure to a
 * `{ error: { code, message } }` body without knowing each service.
 */
import { formatBytes } from '../src/format/byte-size.ts'
import { ObscuraError } from '../src/errors.ts'

export class NodeError extends ObscuraError {
  /** HTTP status the gateway uses for this error. */
  readonly status: number

  constructor (code: string, message: string, status: number, options?: ErrorOptions) {
    super(code, message, options)
    this.status = status
  }
}

export class InvalidRequestError extends NodeError {
  constructor (message = 'The request is malformed') { super('INVALID_REQUEST', message, 400) }
}

export class UnauthenticatedError extends NodeError {
  constructor (message = 'Log in first: no valid session') { super('UNAUTHENTICATED', message, 401) }
}

export class ForbiddenError extends NodeError {
  constructor (message = 'You do not have access to this resource') { super('FORBIDDEN', message, 403) }
}

export class NotFoundError extends NodeError {
  constructor (message = 'Not found') { super('NOT_FOUND', message, 404) }
}

export class ConflictError extends NodeError {
  constructor (code: string, message: string) { super(code, message, 409) }
}

export class UsernameTakenError extends ConflictError {
  constructor (username: string) { super('USERNAME_TAKEN', `The username "${username}" is already taken`) }
}

export class InviteRequiredError extends NodeError {
  constructor (message = 'Signing up on this node needs a valid invite from its admin') { super('INVITE_REQUIRED', message, 403) }
}

export class LoginFailedError extends NodeError {
  constructor () { super('LOGIN_FAILED', 'Wrong username or password', 401) }
}

export class RecoveryUnavailableError extends ConflictError {
  constructor () { super('RECOVERY_UNAVAILABLE', 'This account was created before recovery keys could be used: its recovery key cannot reset the password') }
}

export class RateLimitedError extends NodeError {
  constructor (retryAfterSeconds: number) { super('RATE_LIMITED', `Too many attempts; try again in ${retryAfterSeconds} s`, 429) }
}

export class QuotaExceededError extends NodeError {
  constructor (usedBytes: number, quotaBytes: number, requestedBytes: number) {
    super('QUOTA_EXCEEDED', `Storage quota exceeded: ${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used, ${formatBytes(requestedBytes)} more requested`, 413)
  }
}

export class BlockTooLargeError extends NodeError {
  constructor (size: number, max: number) { super('BLOCK_TOO_LARGE', `A block may hold at most ${max} bytes, got ${size}`, 413) }
}

export class BlockMismatchError extends NodeError {
  constructor (cid: string) { super('CID_MISMATCH', `The uploaded bytes do not hash to ${cid}`, 422) }
}

export class BlockMissingError extends ConflictError {
  constructor (cid: string, message = `Block ${cid} is not in the bucket: upload it before committing it`) { super('BLOCK_MISSING', message) }
}

/** A copy of a block that a collection already links, sent by a user who does not own it (see [Note: what uploading a block gives] in node/blocks.ts). */
export class BlockLinkedError extends ConflictError {
  constructor (cid: string) {
    super('BLOCK_LINKED', `Block ${cid} is already stored and linked by a collection: an upload of a copy by someone else is refused`)
  }
}

/** A direct S3 commit of a block another user stored meanwhile: only the gateway can check that this user had its bytes. */
export class AlreadyStoredError extends ConflictError {
  constructor (cid: string) {
    super('ALREADY_STORED', `Block ${cid} was stored by another user meanwhile: send it through PUT /api/v1/blocks/${cid}`)
  }
}

export class DirectS3DisabledError extends ConflictError {
  constructor () { super('DIRECT_S3_DISABLED', 'This node does not hand out direct S3 URLs: send blocks through the gateway') }
}

export class StaleHeadError extends ConflictError {
  constructor (expectedSeq: number, gotSeq: number) {
    super('STALE_HEAD', `The head moved on: expected seq ${expectedSeq}, got ${gotSeq}; sync and retry`)
  }
}

export class InvalidHeadError extends NodeError {
  constructor (message: string) { super('INVALID_HEAD', message, 422) }
}

export class PayloadTooLargeError extends NodeError {
  constructor (max: number) { super('PAYLOAD_TOO_LARGE', `The request body is larger than ${max} bytes`, 413) }
}

export class StorageUnavailableError extends NodeError {
  /** What went wrong, for logs and start-up messages: `ECONNREFUSED, after 4 attempts`. */
  readonly reason: string

  constructor (reason: string, options?: ErrorOptions) {
    super('STORAGE_UNAVAILABLE', `The node's block storage is unavailable (${reason}); try again later`, 503, options)
    this.reason = reason
  }
}

/** A public link past its expiry date: 410, so that viewers can say "this link expired". */
export class LinkExpiredError extends NodeError {
  constructor () { super('LINK_EXPIRED', 'This link has expired', 410) }
}

/** A public link its owner revoked. */
export class LinkRevokedError extends NodeError {
  constructor () { super('LINK_REVOKED', 'This link was revoked by its owner', 410) }
}

/** A password link opened without a valid proof of its password. */
export class LinkPasswordError extends NodeError {
  constructor (message = 'This link needs its password') { super('LINK_PASSWORD', message, 401) }
}

/** A public link already opened on as many devices as its owner allows. */
export class DeviceLimitError extends NodeError {
  constructor () { super('DEVICE_LIMIT', 'This link was already opened on as many devices as its owner allows', 403) }
}

/**
 * The node holding a shared album (its owner's node) did not answer: cached items stay readable,
 * anything else waits until it is back.
 */
export class OwnerNodeUnreachableError extends NodeError {
  constructor (peerId: string, reason: string) {
    super('OWNER_NODE_UNREACHABLE', `The album owner's node (${peerId}) cannot be reached (${reason}); cached items stay viewable and sync resumes when it is back`, 503)
  }
}

/** Another process (a second `obscura node`) holds the data folder's database lock. */
export class DataFolderInUseError extends NodeError {
  readonly pid?: number

  constructor (dataDir: string, pid: number | undefined, options?: ErrorOptions) {
    const who = pid != null ? `another node (PID ${pid})` : 'another node'
    super('DATA_FOLDER_IN_USE', `The data folder ${dataDir} is in use by ${who}: stop it first, or give this node another data folder`, 409, options)
    this.pid = pid
  }
}

/**
 * The disk under the node's data folder is full (ENOSPC): 507, so that clients can say so instead
 * of "the node failed". Nothing was stored; the request can be retried once the operator frees space.
 */
export class DiskFullError extends NodeError {
  constructor (options?: ErrorOptions) {
    super('DISK_FULL', "The node's disk is full: nothing was stored; ask the node's operator to free space, then retry", 507, options)
  }
}
