/**
 * Grant tokens (docs/FORMAT.md, 9.7): a member of a collection signs, with its identity key, a
 * short statement "let the bearer read collection C on node N until T". A node that fetches an
 * album's blocks for one of its users from the album's home node (federation) presents it; the
 * home node checks the signature, that it is named, that the token is fresh, and that the key is
 * a current member of C — one signature check and one table lookup, cached per token, so the
 * block check stays O(1). Removing the member ends every token at once, expired or not.
 */
import { z } from 'zod'
import { LABELS } from '../crypto/labels.ts'
import { SignatureError } from '../crypto/errors.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { bytesSchema, idSchema, parseStructure } from './schema.ts'
import { signDetached, verifyDetached, type SigningKey } from './sign.ts'

/** Longest validity a node accepts, so that a leaked token is worth little. */
export const MAX_GRANT_TTL_MS = 60 * 60 * 1000

export interface GrantToken {
  v: 1
  /** The node the token is for (its libp2p peer id): a token for one node is refused by others. */
  node: string
  /** The collection it lets the bearer read. */
  collection: string
  /** The member's Ed25519 identity key, which signed it. */
  member: Uint8Array
  /** Milliseconds since the Unix epoch after which it is refused. */
  expiresAt: number
  sig: Uint8Array
}

const grantSchema = z.strictObject({
  v: z.literal(1),
  node: z.string().min(1).max(128),
  collection: idSchema,
  member: bytesSchema(32),
  expiresAt: z.int().nonnegative(),
  sig: bytesSchema(64)
})

function signedBytes (token: Omit<GrantToken, 'sig'>): Uint8Array {
  const { v, node, collection, member, expiresAt } = token
  return encodeCanonical({ v, node, collection, member, expiresAt })
}

/** Signs a grant token with the member's identity key; returns its dag-cbor bytes. */
export async function createGrantToken (fields: Omit<GrantToken, 'v' | 'sig' | 'member'>, signingKey: SigningKey): Promise<Uint8Array> {
  const unsigned = { v: 1 as const, node: fields.node, collection: fields.collection, member: signingKey.publicKey, expiresAt: fields.expiresAt }
  const sig = await signDetached(signingKey, LABELS.grant, signedBytes(unsigned))
  return encodeCanonical(parseStructure(grantSchema, { ...unsigned, sig }, 'grant token'))
}

/** Decodes a grant token and verifies its signature (not its freshness or membership). */
export async function openGrantToken (bytes: Uint8Array): Promise<GrantToken> {
  const token = parseStructure(grantSchema, decodeCanonical(bytes), 'grant token')
  if (!await verifyDetached(token.member, LABELS.grant, signedBytes(token), token.sig)) throw new SignatureError('grant token signature does not verify')
  return token
}
