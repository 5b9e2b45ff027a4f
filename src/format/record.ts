/**
 * Signed, encrypted change records: the entries of a collection's log. The record's content is
 * boxed under the collection key (only members can read it) and the box is signed by its author
 * (members can tell who wrote it, and the node can check that the author may write without
 * reading anything). Readers verify the signature and the author before they decrypt, so that
 * a forged record is rejected without spending a decryption on it or trusting its content.
 * The content schema is deliberately open here; `record-ops.ts` defines the operations.
 *
 * A record names the key epoch it is boxed under (absent for epoch 0). A collection starts at
 * epoch 0 and moves to the next one each time its owner re-keys it (after removing a member), so
 * that nothing written afterwards opens with a key the removed member held. The epoch is part
 * of the box's context and of the signed message: a node that changes it makes the signature
 * fail, not the reader pick another key.
 */
import { z } from 'zod'
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { assertBytes, concatBytes } from '../crypto/bytes.ts'
import { SignatureError } from '../crypto/errors.ts'
import { LABELS } from '../crypto/labels.ts'
import type { RandomSource } from '../crypto/random.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { InvalidStructureError, UnauthorisedAuthorError } from './errors.ts'
import { epochContext, MAX_EPOCH } from './ids.ts'
import { bytesSchema } from './schema.ts'
import { signDetached, verifyDetached, type SigningKey } from './sign.ts'

export interface SignedRecord {
  /** The author's Ed25519 public key. */
  author: Uint8Array
  /** Box under the collection key, label `obscura/v1/box/record`, context = collection id, padded. */
  box: Uint8Array
  /**
   * Ed25519 by `author` over `obscura/v1/record || 0x00 || context || box`, where context is
   * the collection id (16 bytes), followed by uint32be(epoch) when the epoch is not 0.
   */
  sig: Uint8Array
  /** Key epoch the box is sealed under; absent means 0 (docs/FORMAT.md, 9.4). */
  epoch?: number
}

export const signedRecordSchema = z.strictObject({
  author: bytesSchema(32),
  box: bytesSchema(),
  sig: bytesSchema(64),
  epoch: z.int().min(1).max(MAX_EPOCH).optional()
})

/** The key epoch of a record (0 when the field is absent). */
export function recordEpoch (record: Pick<SignedRecord, 'epoch'>): number {
  return record.epoch ?? 0
}

function signedMessage (collectionId: string, record: Pick<SignedRecord, 'box' | 'epoch'>): Uint8Array {
  return concatBytes(epochContext(collectionId, recordEpoch(record)), record.box)
}

/**
 * Encodes `content` as canonical dag-cbor, boxes it under the key of `epoch` (0 unless the
 * collection was re-keyed) and signs the box. Draws 24 random bytes.
 */
export async function sealRecord (
  collectionKey: Uint8Array,
  collectionId: string,
  signingKey: SigningKey,
  content: object,
  random?: RandomSource,
  epoch = 0
): Promise<SignedRecord> {
  assertBytes(collectionKey, 32, 'collection key')
  const box = boxSeal(collectionKey, encodeCanonical(content), {
    label: LABELS.boxRecord, context: epochContext(collectionId, epoch), pad: true, random
  })
  const unsigned = epoch === 0 ? { box } : { box, epoch }
  const sig = await signDetached(signingKey, LABELS.record, signedMessage(collectionId, unsigned))
  return { author: signingKey.publicKey, ...unsigned, sig }
}

/** Throws SignatureError unless `record.sig` is its author's signature (over box and epoch). */
export async function verifyRecordSignature (collectionId: string, record: SignedRecord): Promise<void> {
  if (!await verifyDetached(record.author, LABELS.record, signedMessage(collectionId, record), record.sig)) {
    throw new SignatureError('record signature does not verify')
  }
}

/**
 * Opens a record's box with the key of its epoch; the caller has verified the signature and
 * the author first. BoxAuthenticationError when it does not open, InvalidStructureError when
 * the content is not a map.
 */
export function openRecordBox (collectionKey: Uint8Array, collectionId: string, record: SignedRecord): Record<string, unknown> {
  const content = decodeCanonical(boxOpen(collectionKey, record.box, {
    label: LABELS.boxRecord, context: epochContext(collectionId, recordEpoch(record)), pad: true
  }))
  if (content === null || typeof content !== 'object' || Array.isArray(content) || content instanceof Uint8Array) {
    throw new InvalidStructureError('record content is not a map')
  }
  return content as Record<string, unknown>
}

/**
 * Verifies, authorises, then opens a record. Throws SignatureError for a bad signature,
 * UnauthorisedAuthorError when `allowedAuthors` rejects the author, BoxAuthenticationError
 * when the box does not open, and InvalidStructureError when the content is not a map.
 * `collectionKey` is the key of the record's epoch.
 */
export async function openRecord (
  collectionKey: Uint8Array,
  collectionId: string,
  record: SignedRecord,
  allowedAuthors?: (author: Uint8Array) => boolean
): Promise<Record<string, unknown>> {
  await verifyRecordSignature(collectionId, record)
  if (allowedAuthors !== undefined && !allowedAuthors(record.author)) throw new UnauthorisedAuthorError()
  return openRecordBox(collectionKey, collectionId, record)
}

