/**
 * Errors the client raises: a refusal from the node (with the node's code and message), a node
 * that cannot be reached, and the client's own findings about what it was sent.
 */
import { ObscuraError } from '../errors.ts'

/** The node answered with `{ error: { code, message } }`. */
export class ApiError extends ObscuraError {
  readonly status: number

  constructor (status: number, code: string, message: string) {
    super(code, message)
    this.status = status
  }
}

export class NodeUnreachableError extends ObscuraError {
  constructor (url: string, options?: ErrorOptions) {
    super('NODE_UNREACHABLE', `cannot reach the node at ${url}: is it running?`, options)
  }
}

/** The node sent something that does not match the API's schema. */
export class BadResponseError extends ObscuraError {
  constructor (message: string) { super('BAD_RESPONSE', `the node sent an invalid response: ${message}`) }
}

export class NotFoundInLibraryError extends ObscuraError {
  constructor (what: string) { super('NOT_IN_LIBRARY', what) }
}

/**
 * The client holds no key for a key epoch of a collection it syncs: the owner re-keyed it and
 * did not give this account the new key (it was removed), or has not yet.
 */
export class CollectionKeyUnavailableError extends ObscuraError {
  readonly epoch: number
  constructor (collectionId: string, epoch: number) {
    super('KEY_UNAVAILABLE', `no key for epoch ${epoch} of collection ${collectionId}: you may have been removed from it`)
    this.epoch = epoch
  }
}

/**
 * A re-key moved the collection to its new key epoch, but some links (or members) could not be
 * given the new key: the owner's box of a link would not open (made by another client version,
 * or damaged), or the node refused. Everything else was re-keyed. `pending` names what is left;
 * the owner revokes those links, or retries with `finishRekey` (any later sharing action does).
 */
export class RekeyIncompleteError extends ObscuraError {
  readonly epoch: number
  readonly pending: Array<{ kind: 'link' | 'member', id: string, reason: string }>
  constructor (epoch: number, pending: RekeyIncompleteError['pending']) {
    const list = pending.map((p) => `${p.kind} ${p.id} (${p.reason})`).join(', ')
    super('REKEY_INCOMPLETE', `re-keyed to epoch ${epoch}, but ${pending.length} could not be given the new key: ${list}. ` +
      'Their holders see nothing added from now on; revoke those links, or retry (any sharing action on the album does)')
    this.epoch = epoch
    this.pending = pending
  }
}

/** A share the node lists is not confirmed by the collection's own, owner-signed log. */
export class UnconfirmedShareError extends ObscuraError {
  constructor (message: string) { super('SHARE_UNCONFIRMED', message) }
}

/** A link URL that is not of the form `http(s)://node/s/<token>#<secret>`. */
export class InvalidLinkError extends ObscuraError {
  constructor (message = 'not an Obscura link: expected http(s)://node/s/<token>#<key>') { super('INVALID_LINK', message) }
}

/** A password link opened without its password. */
export class LinkPasswordRequiredError extends ObscuraError {
  constructor () { super('LINK_PASSWORD', 'this link is protected by a password') }
}

/** The original of an item seen through a link whose owner turned off downloads. */
export class LinkNoDownloadError extends ObscuraError {
  constructor () { super('LINK_NO_DOWNLOAD', 'the owner of this link turned off downloads: it is for viewing only') }
}

/** A collaborator tried to change an item someone else added; readers would ignore the change. */
export class NotYourItemError extends ObscuraError {
  constructor (name: string) { super('NOT_YOUR_ITEM', `"${name}" was added by someone else: only they or the album's owner can change it`) }
}

/** An item changed (renamed) after someone else moved it to the trash, or deleted it, meanwhile. */
export class ItemTrashedError extends ObscuraError {
  constructor (name: string, deleted = false) {
    super('ITEM_TRASHED', deleted
      ? `"${name}" was deleted meanwhile (on another device or by another member): nothing was changed`
      : `"${name}" is in the trash: it was removed meanwhile (on another device or by another member); restore it first to change it`)
  }
}

/** A name the format does not allow (empty or too long), refused before anything is written. */
export class InvalidNameError extends ObscuraError {
  constructor (message: string) { super('INVALID_NAME', message) }
}

/** A name that fits more than one album or folder; the message says how to name each one. */
export class AmbiguousNameError extends ObscuraError {
  constructor (message: string) { super('AMBIGUOUS_NAME', message) }
}

/** An album shared with this account as a viewer, asked to take new items. */
export class ViewOnlyError extends ObscuraError {
  constructor (message: string) { super('VIEW_ONLY', message) }
}
