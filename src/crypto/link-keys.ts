/**
 * Keys of public links (docs/FORMAT.md, 9.6), after Ente's design: a link's URL is
 * `https://node/s/<token>#<secret>`. The token (16 random bytes) names the link to the node and
 * is all the node ever sees; the secret (32 random bytes) sits in the URL fragment, which
 * browsers never send. The link's **wrap key** comes from the secret (and, for a link with a
 * password, from the password too), and the node keeps only the collection key boxed under it.
 * So whoever has the URL (and the password) can read the album, and the node cannot.
 *
 * A link that lets its holders upload also has an Ed25519 key and an X25519 key derived from the
 * wrap key: the owner admits the Ed25519 key as a collaborator with an ordinary `member` op, so
 * readers accept what link holders add exactly as they accept a member's records.
 *
 * The password goes through Argon2id (the account's parameters and bounds) with a fresh salt
 * stored at the node; HKDF splits the result into the part mixed into the wrap key (never sent)
 * and an auth key whose signature over a node challenge proves the password. The node stores
 * only the auth public key: it can test a guess only at Argon2id cost, like a login.
 */
import { boxOpen, boxSeal } from './box.ts'
import { assertBytes, concatBytes, utf8, wipe } from './bytes.ts'
import { InvalidInputError } from './errors.ts'
import { hkdf } from './hash.ts'
import { LABELS } from './labels.ts'
import { argon2idRaw, kdfParamsSchema, type KdfParams } from './password.ts'
import type { RandomSource } from './random.ts'
import { signingKeyFromSeed, type SigningKey } from './sign.ts'
import { boxKeyPairFromSecret, type BoxKeyPair } from './x25519.ts'
import { idBytes } from '../format/ids.ts'

/** Bytes of a link token (128 bits: unguessable, and short in a URL). */
export const LINK_TOKEN_LENGTH = 16
/** Bytes of the secret carried in the URL fragment. */
export const LINK_SECRET_LENGTH = 32

/** What a link's holders derive from its secret (and password). Holds secrets. */
export interface LinkKeys {
  /** Opens the collection key the node keeps for the link. */
  wrapKey: Uint8Array
  /** Signs records and heads of uploads through the link (when the owner allows them). */
  signing: SigningKey
  /** Receives the collection key in the link's `member` op. */
  box: BoxKeyPair
  /** Keys the content tags of uploads through the link. */
  dedupKey: Uint8Array
}

/**
 * Derives a link's keys from the secret in its URL and, for a password link, the password part
 * from `deriveLinkPasswordKeys`.
 */
export async function deriveLinkKeys (secret: Uint8Array, passwordPart?: Uint8Array): Promise<LinkKeys> {
  assertBytes(secret, LINK_SECRET_LENGTH, 'link secret')
  if (passwordPart !== undefined) assertBytes(passwordPart, 32, 'link password part')
  const wrapKey = hkdf(secret, { salt: passwordPart, info: LABELS.linkKey })
  const seed = hkdf(wrapKey, { info: LABELS.linkSigning })
  const signing = await signingKeyFromSeed(seed)
  wipe(seed)
  return {
    wrapKey,
    signing,
    box: boxKeyPairFromSecret(hkdf(wrapKey, { info: LABELS.linkBox })),
    dedupKey: hkdf(wrapKey, { info: LABELS.linkDedup })
  }
}

export interface LinkPasswordKeys {
  /** Mixed into the wrap key; never leaves the device. */
  part: Uint8Array
  /** Signs the node's challenge to prove the password. */
  authKey: SigningKey
}

/** Runs Argon2id once over the link password and derives its two keys. */
export async function deriveLinkPasswordKeys (password: string, kdf: KdfParams): Promise<LinkPasswordKeys> {
  if (typeof password !== 'string' || password.length === 0) throw new InvalidInputError('link password: expected a non-empty string')
  const checked = kdfParamsSchema.safeParse(kdf)
  if (!checked.success) throw new InvalidInputError(`kdf params: ${checked.error.issues[0]?.message ?? 'invalid'}`)
  const passwordBytes = utf8(password.normalize('NFC'))
  const secret = await argon2idRaw(passwordBytes, kdf.salt, { ...kdf, hashLength: 32 })
  const part = hkdf(secret, { info: LABELS.linkPasswordKey })
  const authSeed = hkdf(secret, { info: LABELS.linkPasswordAuth })
  const authKey = await signingKeyFromSeed(authSeed)
  wipe(passwordBytes, secret, authSeed)
  return { part, authKey }
}

/** The message a password proof signs: the node's challenge and the link's id. */
export function linkProofMessage (challenge: Uint8Array, linkId: string): Uint8Array {
  assertBytes(challenge, 32, 'link challenge')
  return concatBytes(challenge, idBytes(linkId))
}

/** What the owner keeps of a link, so it can print the URL again and re-box keys after a re-key. */
export interface LinkOwnerSecrets {
  token: Uint8Array
  secret: Uint8Array
  wrapKey: Uint8Array
}

function ownerContext (collectionId: string, linkId: string): Uint8Array {
  return concatBytes(idBytes(collectionId), idBytes(linkId))
}

/** `box(masterKey, token || secret || wrapKey)`, context = collection id || link id. Draws 24 bytes. */
export function wrapLinkOwnerSecrets (masterKey: Uint8Array, collectionId: string, linkId: string, secrets: LinkOwnerSecrets, random?: RandomSource): Uint8Array {
  assertBytes(secrets.token, LINK_TOKEN_LENGTH, 'link token')
  assertBytes(secrets.secret, LINK_SECRET_LENGTH, 'link secret')
  assertBytes(secrets.wrapKey, 32, 'link wrap key')
  return boxSeal(masterKey, concatBytes(secrets.token, secrets.secret, secrets.wrapKey), {
    label: LABELS.boxLinkOwner, context: ownerContext(collectionId, linkId), random
  })
}

export function unwrapLinkOwnerSecrets (masterKey: Uint8Array, collectionId: string, linkId: string, wrapped: Uint8Array): LinkOwnerSecrets {
  const plain = boxOpen(masterKey, wrapped, { label: LABELS.boxLinkOwner, context: ownerContext(collectionId, linkId) })
  if (plain.length !== LINK_TOKEN_LENGTH + LINK_SECRET_LENGTH + 32) throw new InvalidInputError('link owner box: unexpected length')
  return {
    token: plain.slice(0, LINK_TOKEN_LENGTH),
    secret: plain.slice(LINK_TOKEN_LENGTH, LINK_TOKEN_LENGTH + LINK_SECRET_LENGTH),
    wrapKey: plain.slice(LINK_TOKEN_LENGTH + LINK_SECRET_LENGTH)
  }
}
