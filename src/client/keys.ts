/**
 * The client's named key operations on top of src/crypto: the root collection's key (derived
 * from the master key, so it needs no storage), collection keys boxed under the master key, and
 * file keys boxed under a collection key. Each is bound to its id as box context, so a wrapped
 * key copied to another collection or item does not open.
 */
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { hkdf } from '../crypto/hash.ts'
import { LABELS } from '../crypto/labels.ts'
import { randomBytes } from '../crypto/random.ts'
import { idBytes } from '../format/ids.ts'

export function rootCollectionKey (masterKey: Uint8Array): Uint8Array {
  return hkdf(masterKey, { info: LABELS.rootCollectionKey })
}

export function newKey (): Uint8Array {
  return randomBytes(32)
}

export function wrapCollectionKey (masterKey: Uint8Array, collectionId: string, key: Uint8Array): Uint8Array {
  return boxSeal(masterKey, key, { label: LABELS.boxCollectionKey, context: idBytes(collectionId) })
}

export function unwrapCollectionKey (masterKey: Uint8Array, collectionId: string, box: Uint8Array): Uint8Array {
  return boxOpen(masterKey, box, { label: LABELS.boxCollectionKey, context: idBytes(collectionId) })
}

export function wrapFileKey (collectionKey: Uint8Array, itemId: string, fileKey: Uint8Array): Uint8Array {
  return boxSeal(collectionKey, fileKey, { label: LABELS.boxFileKey, context: idBytes(itemId) })
}

export function unwrapFileKey (collectionKey: Uint8Array, itemId: string, box: Uint8Array): Uint8Array {
  return boxOpen(collectionKey, box, { label: LABELS.boxFileKey, context: idBytes(itemId) })
}
