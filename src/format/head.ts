/**
 * Signed heads: the only mutable pointers in Obscura. A head names the latest commit (`root`)
 * of one collection, is signed by its owner or a collaborator, and chains to the previous head
 * block (`prev`) with a sequence number that grows by exactly one. The node accepts a new head
 * only as a compare-and-swap from the current one (`checkSuccession`); clients remember the
 * highest head they have seen and refuse anything older or divergent (`checkNotRolledBack`), so
 * a node can withhold updates but cannot undo or fork them unnoticed.
 */
import { z } from 'zod'
import type { CID } from 'multiformats/cid'
import { bytesEqual } from '../crypto/bytes.ts'
import { InvalidInputError, SignatureError } from '../crypto/errors.ts'
import { LABELS } from '../crypto/labels.ts'
import { cborCid } from './cid.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { ForkError, HeadMismatchError, RollbackError, StaleHeadError } from './errors.ts'
import { bytesSchema, cidSchema, idSchema, parseStructure } from './schema.ts'
import { signDetached, verifyDetached, type SigningKey } from './sign.ts'

export interface Head {
  v: 1
  /** Id of the collection this head points into. */
  collection: string
  /** The collection owner's Ed25519 public key. */
  owner: Uint8Array
  /** The key that signed this head: the owner's, or a collaborator's. */
  signer: Uint8Array
  /** 1 for the first head, then previous + 1. */
  seq: number
  /** CID of the latest commit. */
  root: CID
  /** CID of the previous head block; null when seq is 1. */
  prev: CID | null
  /** Ed25519 signature by `signer` over `obscura/v1/head || 0x00 || dag-cbor(head without sig)`. */
  sig: Uint8Array
}

/** The fields a writer chooses; `v` is implied and `signer` defaults to the signing key. */
export type HeadFields = Omit<Head, 'v' | 'sig' | 'signer'> & { signer?: Uint8Array }

const headSchema = z.strictObject({
  v: z.literal(1),
  collection: idSchema,
  owner: bytesSchema(32),
  signer: bytesSchema(32),
  seq: z.int().min(1),
  root: cidSchema,
  prev: cidSchema.nullable(),
  sig: bytesSchema(64)
}).refine((h) => (h.seq === 1) === (h.prev === null), { message: 'prev must be null exactly when seq is 1' })

function signedBytes (head: Omit<Head, 'sig'>): Uint8Array {
  const { v, collection, owner, signer, seq, root, prev } = head
  return encodeCanonical({ v, collection, owner, signer, seq, root, prev })
}

/** Builds, signs and encodes a head. Returns the block bytes and their CID. */
export async function createHead (fields: HeadFields, signingKey: SigningKey): Promise<{ head: Head, bytes: Uint8Array, cid: CID }> {
  const signer = fields.signer ?? signingKey.publicKey
  if (!bytesEqual(signer, signingKey.publicKey)) throw new InvalidInputError('head signer is not the signing key')
  const unsigned = { v: 1 as const, collection: fields.collection, owner: fields.owner, signer, seq: fields.seq, root: fields.root, prev: fields.prev }
  const sig = await signDetached(signingKey, LABELS.head, signedBytes(unsigned))
  const head = parseStructure(headSchema, { ...unsigned, sig }, 'head')
  const bytes = encodeCanonical(head)
  return { head, bytes, cid: await cborCid(bytes) }
}

/** Decodes a head block: canonical dag-cbor, version 1, schema. Does not check the signature. */
export function decodeHead (bytes: Uint8Array): Head {
  return parseStructure(headSchema, decodeCanonical(bytes), 'head')
}

/** Throws SignatureError unless `head.sig` is `head.signer`'s signature over the head. */
export async function verifyHeadSignature (head: Head): Promise<void> {
  if (!await verifyDetached(head.signer, LABELS.head, signedBytes(head), head.sig)) {
    throw new SignatureError('head signature does not verify')
  }
}

/**
 * The node's compare-and-swap rule: `next` may replace `previous` (whose block has CID
 * `previousCid`) only if it is for the same collection and owner, its seq is exactly one more,
 * and its prev names `previous`. With no current head, `next` must be the first (seq 1).
 */
export function checkSuccession (previous: Head | null, previousCid: CID | null, next: Head): void {
  if (previous === null) {
    if (next.seq !== 1 || next.prev !== null) throw new StaleHeadError(`first head must have seq 1 and no prev, got seq ${next.seq}`)
    return
  }
  if (previousCid === null) throw new InvalidInputError('previousCid is required with a previous head')
  if (next.collection !== previous.collection || !bytesEqual(next.owner, previous.owner)) throw new HeadMismatchError()
  if (next.seq !== previous.seq + 1) throw new StaleHeadError(`expected seq ${previous.seq + 1}, got ${next.seq}`)
  if (next.prev === null || !next.prev.equals(previousCid)) throw new StaleHeadError('head prev does not name the current head')
}

/**
 * The client's rollback rule, against the highest head it has accepted before (null when it
 * has seen none): RollbackError if seq went backwards, ForkError if the seq is the same but the
 * root differs.
 */
export function checkNotRolledBack (lastSeenSeq: number | null, lastSeenRoot: CID | null, head: Head): void {
  if (lastSeenSeq === null) return
  if (head.seq < lastSeenSeq) throw new RollbackError(`head seq ${head.seq} is older than seen seq ${lastSeenSeq}`)
  if (head.seq === lastSeenSeq) {
    if (lastSeenRoot === null) throw new InvalidInputError('lastSeenRoot is required with lastSeenSeq')
    if (!head.root.equals(lastSeenRoot)) throw new ForkError(`two heads with seq ${head.seq} and different roots`)
  }
}
