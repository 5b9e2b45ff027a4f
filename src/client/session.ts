/**
 * Accounts from the client's side: signup (keys made here, only public keys and the encrypted
 * bundle leave the device), login (derive keys from the password, sign the node's challenge,
 * receive the bundle, unlock it), password change, the password reset with the recovery key, and
 * the saved form of a session for the CLI. The password and the recovery key never leave this module.
 */
import { z } from 'zod'
import { wipe } from '../crypto/bytes.ts'
import { WrongRecoveryKeyError } from '../crypto/errors.ts'
import {
  createAccountKeys, decodeKeyBundle, decodeRecoveryKey, derivePasswordKeys, deriveRecoveryKeys, encodeKeyBundle, recoverAccountKeys,
  rewrapAccountKeys, unlockWithKek, unlockWithMasterKey, type AccountKeys, type CreatedAccount, type KdfParams
} from '../crypto/keys.ts'
import { signDetached } from '../crypto/sign.ts'
import { LABELS } from '../crypto/labels.ts'
import { loginProofMessage } from '../format/login.ts'
import { newId } from '../format/ids.ts'
import { NodeApi, type ApiKdf, type ApiUser } from './api.ts'
import { ApiError } from './errors.ts'
import { fromBase64, toBase64 } from './encoding.ts'
import { Library } from './library.ts'

/** A logged-in account: the API with its session token, the user record and the unlocked keys. */
export interface Account {
  api: NodeApi
  user: ApiUser
  keys: AccountKeys
}

export interface SignupOptions {
  invite?: string
  signal?: AbortSignal
  /**
   * Keys made beforehand by `createAccountKeys(password)` for this password; by default they are
   * made here. (The tests make them once per user and password and sign up on many nodes with
   * them, paying Argon2id once; the node checks the KDF parameters either way.)
   */
  keys?: CreatedAccount
}

const toApiKdf = (kdf: KdfParams): ApiKdf => ({ ...kdf, salt: toBase64(kdf.salt) })
const fromApiKdf = (kdf: ApiKdf): KdfParams => ({ ...kdf, salt: fromBase64(kdf.salt) })

/** Creates the account and its library; returns the logged-in account and the recovery key to show once. */
export async function signup (nodeUrl: string, username: string, password: string, options: SignupOptions = {}): Promise<{ account: Account, recoveryKey: string }> {
  const created = options.keys ?? await createAccountKeys(password)
  const api = new NodeApi(nodeUrl)
  const { token, user } = await api.signup({
    username,
    invite: options.invite,
    authPublicKey: created.authPublicKey,
    recoveryAuthPublicKey: created.recoveryAuthPublicKey,
    kdf: toApiKdf(created.bundle.kdf),
    keyBundle: encodeKeyBundle(created.bundle),
    signingPublicKey: created.keys.signing.publicKey,
    boxPublicKey: created.keys.box.publicKey,
    rootCollection: newId()
  }, { signal: options.signal })
  api.token = token
  const account = { api, user, keys: created.keys }
  await new Library(account).initialise()
  return { account, recoveryKey: created.recoveryKey }
}

/** Proves the password to the node and unlocks the key bundle it then releases. */
export async function login (nodeUrl: string, username: string, password: string, options: { signal?: AbortSignal } = {}): Promise<Account> {
  const api = new NodeApi(nodeUrl)
  const { challengeId, challenge, kdf } = await api.challenge(username, options)
  const { kek, authKey } = await derivePasswordKeys(password, fromApiKdf(kdf), options)
  const signature = await signDetached(authKey, LABELS.login, loginProofMessage(challenge, username))
  const session = await api.login(challengeId, signature, options)
  api.token = session.token
  const keys = await unlockWithKek(decodeKeyBundle(session.keyBundle), kek)
  return { api, user: session.user, keys }
}

/** Re-wraps the master key under a new password after proving the current one; media is untouched. */
export async function changePassword (account: Account, currentPassword: string, newPassword: string): Promise<void> {
  const { api, user } = account
  const { challengeId, challenge, kdf } = await api.challenge(user.username)
  const { authKey } = await derivePasswordKeys(currentPassword, fromApiKdf(kdf))
  const signature = await signDetached(authKey, LABELS.login, loginProofMessage(challenge, user.username))
  const next = await rewrapAccountKeys(account.keys, newPassword)
  await api.changePassword({
    challengeId,
    signature,
    authPublicKey: next.authPublicKey,
    kdf: toApiKdf(next.bundle.kdf),
    keyBundle: encodeKeyBundle(next.bundle)
  })
  account.keys = next.keys
}

/**
 * Sets a new password with the recovery key shown at signup, and logs in with it. Two proofs with
 * the recovery auth key (see [Note: recovery in two proofs] in gateway/routes/auth.ts): the first
 * releases the key bundle, whose recovery box opens the master key here; the second carries the
 * master key re-wrapped under the new password. Nothing is re-encrypted and the recovery key keeps
 * working. Every other session of the account ends.
 *
 * RecoveryKeyFormatError for a mistyped key (found before the node is asked); WrongRecoveryKeyError
 * when the node refuses the proof, which it does alike for an unknown user and a wrong key.
 */
export async function recoverAccount (nodeUrl: string, username: string, recoveryKey: string, newPassword: string, options: { signal?: AbortSignal } = {}): Promise<Account> {
  const keyBytes = decodeRecoveryKey(recoveryKey)
  const { kek, authKey } = await deriveRecoveryKeys(keyBytes)
  wipe(keyBytes, kek)
  const api = new NodeApi(nodeUrl)
  const prove = async (): Promise<{ challengeId: string, signature: Uint8Array }> => {
    const { challengeId, challenge } = await api.challenge(username, options)
    return { challengeId, signature: await signDetached(authKey, LABELS.recoveryLogin, loginProofMessage(challenge, username)) }
  }
  let bundle: Uint8Array
  try {
    const first = await prove()
    bundle = await api.recoveryBundle(first.challengeId, first.signature, options)
  } catch (err) {
    if (err instanceof ApiError && err.code === 'LOGIN_FAILED') throw new WrongRecoveryKeyError('wrong username or recovery key')
    throw err
  }
  const keys = await recoverAccountKeys(decodeKeyBundle(bundle), recoveryKey)
  const next = await rewrapAccountKeys(keys, newPassword)
  const second = await prove()
  const session = await api.recover({
    ...second,
    authPublicKey: next.authPublicKey,
    kdf: toApiKdf(next.bundle.kdf),
    keyBundle: encodeKeyBundle(next.bundle)
  }, options)
  api.token = session.token
  return { api, user: session.user, keys: next.keys }
}

const SavedAccountSchema = z.object({
  v: z.literal(1),
  node: z.string(),
  token: z.string(),
  user: z.custom<ApiUser>((value) => typeof value === 'object' && value != null),
  masterKey: z.string(),
  keyBundle: z.string()
})
export type SavedAccount = z.infer<typeof SavedAccountSchema>

/** What the CLI keeps between commands (see [Note: keys at rest on the CLI]). */
export function serialiseAccount (account: Account): SavedAccount {
  return {
    v: 1,
    node: account.api.url,
    token: account.api.token ?? '',
    user: account.user,
    masterKey: toBase64(account.keys.masterKey),
    keyBundle: toBase64(encodeKeyBundle(account.keys.bundle))
  }
}

export async function restoreAccount (saved: unknown): Promise<Account> {
  const value = SavedAccountSchema.parse(saved)
  const keys = await unlockWithMasterKey(decodeKeyBundle(fromBase64(value.keyBundle)), fromBase64(value.masterKey))
  return { api: new NodeApi(value.node, value.token), user: value.user, keys }
}
