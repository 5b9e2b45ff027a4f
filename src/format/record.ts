/**
 * Signed, encrypted change records: the entries of a collection's log. The record's content is
 * boxed under the collection key (only members can read it) and the box is signed by its author
 * (members can tell who wrote it, and the node can check that the author may write without
 * reading anything). Readers verify the signature and the author before they decrypt, so that
 * a forged record is rejected without spending a decryption on it or trusting its content.
 * The content schema is deliberately open here; `record-ops.ts` defines the operations.
 */
import { z } from 'zod'
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { assertBytes, concatBytes } from '../crypto/bytes.ts'
import { SignatureError } from '../crypto/errors.ts'
import { LABELS } from '../crypto/labels.ts'
import type { RandomSource } from '../crypto/random.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { InvalidStructureError, UnauthorisedAuthorError } from './errors.ts'
import { idBytes } from './ids.ts'
import { bytesSchema } from './schema.ts'
import { signDetached, verifyDetached, type SigningKey } from './sign.ts'

export interface SignedRecord {
  /** The author's Ed25519 public key. */
  author: Uint8Array
  /** Box under the collection key, label `obscura/v1/box/record`, context = collection id, padded. */
  box: Uint8Array
  /** Ed25519 by `author` over `obscura/v1/record || 0x00 || collection id(16) || box`. */
  sig: Uint8Array
}

export const signedRecordSchema = z.strictObject({
  author: bytesSchema(32),
  box: bytesSchema(),
  sig: bytesSchema(64)
})

function signedMessage (collectionId: string, box: Uint8Array): Uint8Array {
  return concatBytes(idBytes(collectionId), box)
}

/** Encodes `content` as canonical dag-cbor, boxes it and signs the box. Draws 24 random bytes. */
export async function sealRecord (
  collectionKey: Uint8Array,
  collectionId: string,
  signingKey: SigningKey,
  content: object,
  random?: RandomSource
): Promise<SignedRecord> {
  assertBytes(collectionKey, 32, 'collection key')
  const box = boxSeal(collectionKey, encodeCanonical(content), {
    label: LABELS.boxRecord, context: idBytes(collectionId), pad: true, random
  })
  const sig = await signDetached(signingKey, LABELS.record, signedMessage(collectionId, box))
  return { author: signingKey.publicKey, box, sig }
}

/**
 * Verifies, authorises, then opens a record. Throws SignatureError for a bad signature,
 * UnauthorisedAuthorError when `allowedAuthors` rejects the author, BoxAuthenticationError
 * when the box does not open, and InvalidStructureError when the content is not a map.
 */
export async function openRecord (
  collectionKey: Uint8Array,
  collectionId: string,
  record: SignedRecord,
  allowedAuthors?: (author: Uint8Array) => boolean
): Promise<Record<string, unknown>> {
  if (!await verifyDetached(record.author, LABELS.record, signedMessage(collectionId, record.box), record.sig)) {
    throw new SignatureError('record signature does not verify')
  }
  if (allowedAuthors !== undefined && !allowedAuthors(record.author)) throw new UnauthorisedAuthorError()
  const content = decodeCanonical(boxOpen(collectionKey, record.box, {
    label: LABELS.boxRecord, context: idBytes(collectionId), pad: true
  }))
  if (content === null || typeof content !== 'object' || Array.isArray(content) || content instanceof Uint8Array) {
    throw new InvalidStructureError('record content is not a map')
  }
  return content as Record<string, unknown>
}
