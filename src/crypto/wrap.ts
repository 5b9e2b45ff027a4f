/**
 * The named key wraps below the account level (docs/FORMAT.md, "Keys"): a collection key boxed
 * under the owner's master key or sealed to a member's X25519 key, and a file key boxed under
 * its collection key. Each box is bound to the id of what the key belongs to, so a node cannot
 * make a client use one album's key for another album, or one item's key for another item.
 */
import { boxOpen, boxSeal, openSealed, sealTo } from './box.ts'
import { utf8 } from './bytes.ts'
import { hkdf } from './hash.ts'
import { LABELS } from './labels.ts'
import { defaultRandom, randomBytes, type RandomSource } from './random.ts'
import { epochContext, idBytes } from '../format/ids.ts'

/** The user's root collection key, derived from the master key so that it needs no storage. */
export function rootCollectionKey (masterKey: Uint8Array): Uint8Array {
  return hkdf(masterKey, { info: LABELS.rootCollectionKey })
}

/** A fresh 32-byte symmetric key (collection key or file key). */
export function newKey (random: RandomSource = defaultRandom): Uint8Array {
  return randomBytes(32, random)
}

/**
 * Collection key under the master key; context = collection id, followed by uint32be(epoch) for
 * the keys of later epochs (a re-keyed collection). Draws 24 bytes.
 */
export function wrapCollectionKey (masterKey: Uint8Array, collectionId: string, collectionKey: Uint8Array, random?: RandomSource, epoch = 0): Uint8Array {
  return boxSeal(masterKey, collectionKey, { label: LABELS.boxCollectionKey, context: epochContext(collectionId, epoch), random })
}

export function unwrapCollectionKey (masterKey: Uint8Array, collectionId: string, wrapped: Uint8Array, epoch = 0): Uint8Array {
  return boxOpen(masterKey, wrapped, { label: LABELS.boxCollectionKey, context: epochContext(collectionId, epoch) })
}

/**
 * The key of epoch `previousEpoch` boxed under the key of the next epoch (the `previous` field
 * of a `rekey` op), so that the newest key unlocks the whole chain. Draws 24 bytes.
 */
export function wrapPreviousKey (newKey: Uint8Array, collectionId: string, previousEpoch: number, previousKey: Uint8Array, random?: RandomSource): Uint8Array {
  return boxSeal(newKey, previousKey, { label: LABELS.boxPreviousCollectionKey, context: epochContext(collectionId, previousEpoch), random })
}

export function unwrapPreviousKey (newKey: Uint8Array, collectionId: string, previousEpoch: number, wrapped: Uint8Array): Uint8Array {
  return boxOpen(newKey, wrapped, { label: LABELS.boxPreviousCollectionKey, context: epochContext(collectionId, previousEpoch) })
}

/** A collection key under a public link's wrap key (the node keeps it; see link-keys.ts). Draws 24 bytes. */
export function wrapLinkCollectionKey (linkWrapKey: Uint8Array, collectionId: string, epoch: number, collectionKey: Uint8Array, random?: RandomSource): Uint8Array {
  return boxSeal(linkWrapKey, collectionKey, { label: LABELS.boxLinkCollectionKey, context: epochContext(collectionId, epoch), random })
}

export function unwrapLinkCollectionKey (linkWrapKey: Uint8Array, collectionId: string, epoch: number, wrapped: Uint8Array): Uint8Array {
  return boxOpen(linkWrapKey, wrapped, { label: LABELS.boxLinkCollectionKey, context: epochContext(collectionId, epoch) })
}

/**
 * Collection key sealed to a member's X25519 public key. The sealed box itself is anonymous;
 * it travels inside an owner-signed `member` record, which gives it an author. Draws 32 + 24.
 */
export function sealCollectionKey (memberBoxPublicKey: Uint8Array, collectionKey: Uint8Array, random?: RandomSource): Uint8Array {
  return sealTo(memberBoxPublicKey, collectionKey, { label: LABELS.sealCollectionKey, random })
}

export function openCollectionKey (boxSecretKey: Uint8Array, sealed: Uint8Array): Uint8Array {
  return openSealed(boxSecretKey, sealed, { label: LABELS.sealCollectionKey })
}

/**
 * An album's name under its collection key, carried by a share with a member of another node so
 * that the album is listed by name before its log was ever fetched (the owner's node may be
 * offline by then); context = collection id || epoch. Draws 24 bytes.
 */
export function boxShareName (collectionKey: Uint8Array, collectionId: string, epoch: number, name: string, random?: RandomSource): Uint8Array {
  return boxSeal(collectionKey, utf8(name), { label: LABELS.boxShareName, context: epochContext(collectionId, epoch), random })
}

export function openShareName (collectionKey: Uint8Array, collectionId: string, epoch: number, boxed: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(boxOpen(collectionKey, boxed, { label: LABELS.boxShareName, context: epochContext(collectionId, epoch) }))
}

/** File key under the collection key; context = item id. Draws 24 bytes. */
export function wrapFileKey (collectionKey: Uint8Array, itemId: string, fileKey: Uint8Array, random?: RandomSource): Uint8Array {
  return boxSeal(collectionKey, fileKey, { label: LABELS.boxFileKey, context: idBytes(itemId), random })
}

export function unwrapFileKey (collectionKey: Uint8Array, itemId: string, wrapped: Uint8Array): Uint8Array {
  return boxOpen(collectionKey, wrapped, { label: LABELS.boxFileKey, context: idBytes(itemId) })
}
