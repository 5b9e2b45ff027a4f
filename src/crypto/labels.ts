/**
 * Every domain-separation label Obscura uses, in one place so that a reviewer can check that no
 * two uses share one (docs/FORMAT.md, "Labels", lists the same table). A label is printable
 * ASCII, starts with `obscura/v1/`, and is followed by a 0x00 byte wherever it prefixes other
 * data, so that no label can be a prefix of another label's input.
 */
import { utf8 } from './bytes.ts'
import { InvalidInputError } from './errors.ts'

export const LABELS = {
  /** HKDF info: key-encryption key from the password secret. */
  kek: 'obscura/v1/kek',
  /** HKDF info: Ed25519 seed that proves the password to the node. */
  auth: 'obscura/v1/auth',
  /** HKDF info: key that wraps the master key under the recovery key. */
  recoveryKek: 'obscura/v1/recovery-kek',
  /** HKDF info: Ed25519 seed that proves the recovery key to the node. */
  recoveryAuth: 'obscura/v1/recovery-auth',
  /** Prefix of the recovery key's checksum hash. */
  recoveryChecksum: 'obscura/v1/recovery-key-checksum',
  /** HKDF info: HMAC key for content tags (deduplication). */
  dedup: 'obscura/v1/dedup',
  /** HKDF info: per-part AES-256-GCM key of a media stream. */
  streamKey: 'obscura/v1/stream/key',
  /** HKDF info: per-part key commitment of a media stream. */
  streamCommitment: 'obscura/v1/stream/commitment',
  /** Signature: login challenge. */
  login: 'obscura/v1/login',
  /** Signature: recovery challenge (the recovery auth key proves the recovery key to the node). */
  recoveryLogin: 'obscura/v1/recovery-login',
  /** Signature: collection head. */
  head: 'obscura/v1/head',
  /** Signature: change record. */
  record: 'obscura/v1/record',
  /** Box: master key under the password KEK. */
  boxMasterKey: 'obscura/v1/box/master-key',
  /** Box: master key under the recovery KEK. */
  boxMasterKeyRecovery: 'obscura/v1/box/master-key-recovery',
  /** Box: Ed25519 identity seed under the master key. */
  boxSigningSeed: 'obscura/v1/box/signing-seed',
  /** Box: X25519 identity secret under the master key. */
  boxBoxSecret: 'obscura/v1/box/box-secret',
  /** Box: collection key under the master key (context = collection id). */
  boxCollectionKey: 'obscura/v1/box/collection-key',
  /** Box: file key under the collection key (context = item id). */
  boxFileKey: 'obscura/v1/box/file-key',
  /** Box: record plaintext under the collection key (context = collection id). */
  boxRecord: 'obscura/v1/box/record',
  /** Box: manifest under the file key (context = item id). */
  boxManifest: 'obscura/v1/box/manifest',
  /** HKDF info: key of the user's root collection (the list of their albums and folders). */
  rootCollectionKey: 'obscura/v1/root-collection-key',
  /** HKDF info: key of the MAC that makes an album's or folder's id from its name (two devices pick the same id). */
  collectionId: 'obscura/v1/collection-id',
  /** HMAC message prefix (under the dedup key): names a file's upload journal entry by name, size and mtime. */
  journalSource: 'obscura/v1/journal-source',
  /** Box: a file key kept in the client's upload journal, under the master key. */
  boxJournalFileKey: 'obscura/v1/box/journal-file-key',
  /** HKDF info: key (from the file key) of the MAC that proves a manifest equal to one the upload journal names. */
  journalManifestMac: 'obscura/v1/journal-manifest-mac',
  /** Sealed-box suffix: a collection key sealed to a member (full label obscura/v1/seal/collection-key). */
  sealCollectionKey: 'collection-key',
  /** Box: the key of the previous epoch under the key of a newer one (context = collection id || epoch). */
  boxPreviousCollectionKey: 'obscura/v1/box/previous-collection-key',
  /** Box: an album's name under its collection key, in a share with a member of another node (context = collection id || epoch). */
  boxShareName: 'obscura/v1/box/share-name',
  /** Box: a collection key under a public link's wrap key (context = collection id || epoch). */
  boxLinkCollectionKey: 'obscura/v1/box/link-collection-key',
  /** Box: a public link's token and secrets, kept for its owner under the master key. */
  boxLinkOwner: 'obscura/v1/box/link-owner',
  /** HKDF info: a public link's wrap key from the secret in its URL fragment (salt: password part). */
  linkKey: 'obscura/v1/link/key',
  /** HKDF info: Ed25519 seed with which a public link's holders sign what they upload. */
  linkSigning: 'obscura/v1/link/signing',
  /** HKDF info: X25519 secret of a public link (its `member` op seals the collection key to it). */
  linkBox: 'obscura/v1/link/box',
  /** HKDF info: content-tag key of uploads through a public link. */
  linkDedup: 'obscura/v1/link/dedup',
  /** HKDF info: a link password's contribution to the wrap key, from its Argon2id output. */
  linkPasswordKey: 'obscura/v1/link/password-key',
  /** HKDF info: Ed25519 seed that proves a link password to the node, from its Argon2id output. */
  linkPasswordAuth: 'obscura/v1/link/password-auth',
  /** Signature: a link password proof over a node challenge and the link id. */
  linkLogin: 'obscura/v1/link/login',
  /** Signature: a member's grant token, with which a node acting for the member reads the collection. */
  grant: 'obscura/v1/grant',
  /** Signature: an invitation, with which a user of another node is addressed (node, addresses, keys). */
  invitation: 'obscura/v1/invitation'
} as const

/** Checks that `label` is printable ASCII and returns its bytes. */
export function labelBytes (label: string): Uint8Array {
  if (typeof label !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(label)) {
    throw new InvalidInputError(`label: expected 1-255 printable ASCII characters, got ${JSON.stringify(label)}`)
  }
  return utf8(label)
}

/** `label || 0x00 || data`: the exact bytes that labelled signatures and AADs cover. */
export function labelled (label: string, ...data: Uint8Array[]): Uint8Array {
  const prefix = labelBytes(label)
  let length = prefix.length + 1
  for (const part of data) length += part.length
  const out = new Uint8Array(length)
  out.set(prefix)
  let offset = prefix.length + 1
  for (const part of data) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
