/**
 * Ids of albums and folders made by name (docs/FORMAT.md 5.6): a keyed MAC of the name, so that
 * two devices of one account that create "New" at the same time pick the same id and meet at
 * the node's compare-and-swap instead of making two albums. The MAC key comes from the master
 * key, so the node (which sees ids) can neither read a name from an id nor test a guess; the
 * generation counter gives a name a fresh id once its earlier one is taken (the album was
 * renamed or deleted).
 */
import { assertBytes, assertInteger, concatBytes, toHex, utf8 } from './bytes.ts'
import { hkdf, hmacSha256 } from './hash.ts'
import { InvalidInputError } from './errors.ts'
import { LABELS } from './labels.ts'

/** HKDF(masterKey, "obscura/v1/collection-id"): the key of named collection ids. */
export function collectionIdKey (masterKey: Uint8Array): Uint8Array {
  assertBytes(masterKey, 32, 'master key')
  return hkdf(masterKey, { info: LABELS.collectionId })
}

export interface NamedCollection {
  kind: 'album' | 'folder'
  /** Raw id (16 bytes) of the parent folder; absent for albums and top-level folders. */
  parent?: Uint8Array
  name: string
  /** 0 for the first collection of this name; one more each time the previous id is taken. */
  generation: number
}

const KIND_BYTE = { album: 0x01, folder: 0x02 } as const

/**
 * `HMAC(idKey, kind || parentFlag [|| parent] || uint32be(generation) || utf8(NFC(name)))`, its
 * first 16 bytes as 32 lowercase hex characters. Every field but the name has a fixed length,
 * so no two inputs share an encoding; the name is NFC-normalised so that one typed on macOS
 * (which may decompose accents) and on Linux meet.
 */
export function namedCollectionId (idKey: Uint8Array, named: NamedCollection): string {
  assertBytes(idKey, 32, 'collection id key')
  const kind = KIND_BYTE[named.kind]
  if (kind == null) throw new InvalidInputError(`kind: expected album or folder, got ${JSON.stringify(named.kind)}`)
  if (named.parent != null) assertBytes(named.parent, 16, 'parent id')
  assertInteger(named.generation, 0, 0xffffffff, 'generation')
  const counter = new Uint8Array(4)
  new DataView(counter.buffer).setUint32(0, named.generation)
  const parent = named.parent == null ? new Uint8Array([0x00]) : concatBytes(new Uint8Array([0x01]), named.parent)
  const mac = hmacSha256(idKey, concatBytes(new Uint8Array([kind]), parent, counter, utf8(named.name.normalize('NFC'))))
  return toHex(mac.subarray(0, 16))
}
