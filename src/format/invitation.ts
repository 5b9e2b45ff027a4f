/**
 * Invitations (docs/FORMAT.md, 9.8): how a user of one node is addressed by a user of another.
 * A short text — base64url (RFC 4648, section 5, unpadded) of a canonical dag-cbor map — carries
 * the user's node (libp2p peer id and multiaddrs), username and public keys, signed with the
 * user's identity key, so that whoever pastes it shares with exactly the keys it names: a node
 * that relays it cannot swap the keys without breaking the signature. It proves nothing about
 * who the user is in the world; people pass it over a channel they trust, as with an SSH key.
 */
import { base64url } from 'multiformats/bases/base64'
import { z } from 'zod'
import { LABELS } from '../crypto/labels.ts'
import { PEER_ID, USERNAME, USERNAME_RULE } from './names.ts'
import { SignatureError } from '../crypto/errors.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { InvalidStructureError } from './errors.ts'
import { bytesSchema, parseStructure } from './schema.ts'
import { signDetached, verifyDetached, type SigningKey } from './sign.ts'

export interface Invitation {
  v: 1
  /** The libp2p peer id of the user's node. */
  node: string
  /** Multiaddrs at which that node is dialled (1 to 8). */
  addrs: string[]
  username: string
  /** The user's Ed25519 identity key, which signed the invitation. */
  signingPublicKey: Uint8Array
  /** The user's X25519 key, to which album keys are sealed. */
  boxPublicKey: Uint8Array
  /** Milliseconds since the Unix epoch. */
  createdAt: number
  sig: Uint8Array
}

/** Longest invitation text accepted, so a pasted blob cannot be arbitrarily large. */
export const MAX_INVITATION_TEXT = 4096

const invitationSchema = z.strictObject({
  v: z.literal(1),
  node: z.string().regex(PEER_ID, 'expected a base58 libp2p peer id'),
  addrs: z.array(z.string().regex(/^\/[\x21-\x7e]{1,255}$/, 'expected a multiaddr')).min(1).max(8),
  username: z.string().regex(USERNAME, USERNAME_RULE),
  signingPublicKey: bytesSchema(32),
  boxPublicKey: bytesSchema(32),
  createdAt: z.int().nonnegative(),
  sig: bytesSchema(64)
})

function signedBytes (invitation: Omit<Invitation, 'sig'>): Uint8Array {
  const { v, node, addrs, username, signingPublicKey, boxPublicKey, createdAt } = invitation
  return encodeCanonical({ v, node, addrs, username, signingPublicKey, boxPublicKey, createdAt })
}

/** Signs an invitation with the user's identity key; returns its text form. */
export async function createInvitation (
  fields: Pick<Invitation, 'node' | 'addrs' | 'username' | 'boxPublicKey' | 'createdAt'>,
  signingKey: SigningKey
): Promise<string> {
  const unsigned = { v: 1 as const, ...fields, addrs: [...fields.addrs], signingPublicKey: signingKey.publicKey }
  const sig = await signDetached(signingKey, LABELS.invitation, signedBytes(unsigned))
  const invitation = parseStructure(invitationSchema, { ...unsigned, sig }, 'invitation')
  return base64url.baseEncode(encodeCanonical(invitation))
}

/**
 * Decodes an invitation's text and verifies its signature. InvalidStructureError for text that is
 * not an invitation, SignatureError for one whose fields were changed after signing.
 */
export async function openInvitation (text: string): Promise<Invitation> {
  const trimmed = text.trim()
  if (trimmed.length > MAX_INVITATION_TEXT || !/^[A-Za-z0-9_-]+$/.test(trimmed)) throw new InvalidStructureError('not an invitation: expected base64url text')
  let bytes: Uint8Array
  try {
    bytes = base64url.baseDecode(trimmed)
  } catch {
    throw new InvalidStructureError('not an invitation: expected base64url text')
  }
  const invitation = parseStructure(invitationSchema, decodeCanonical(bytes), 'invitation')
  if (!await verifyDetached(invitation.signingPublicKey, LABELS.invitation, signedBytes(invitation), invitation.sig)) {
    throw new SignatureError('invitation signature does not verify')
  }
  return invitation
}

/** Whether `text` is shaped like an invitation rather than a username (which is at most 32 characters). */
export function looksLikeInvitation (text: string): boolean {
  return text.trim().length > 64 && /^[A-Za-z0-9_-]+$/.test(text.trim())
}
