/**
 * Accounts from the client's side: signup (keys made here, only public keys and the encrypted
 * bundle leave the device), login (derive keys from the password, sign the node's challenge,
 * receive the bundle, unlock it), password change, and the saved form of a session for the CLI.
 * The password never leaves this module.
 */
import { z } from 'zod'
import {
  createAccountKeys, decodeKeyBundle, derivePasswordKeys, encodeKeyBundle, rewrapAccountKeys, unlockWithKek, unlockWithMasterKey,
  type AccountKeys, type KdfParams
} from '../crypto/keys.ts'
import { signDetached } from '../crypto/sign.ts'
import { LABELS } from '../crypto/labels.ts'
import { loginProofMessage } from '../format/login.ts'
import { newId } from '../format/ids.ts'
import { NodeApi, type ApiKdf, type ApiUser } from './api.ts'
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
}

const toApiKdf = (kdf: KdfParams): ApiKdf => ({ ...kdf, salt: toBase64(kdf.salt) })
const fromApiKdf = (kdf: ApiKdf): KdfParams => ({ ...kdf, salt: fromBase64(kdf.salt) })

/** Creates the account and its library; returns the logged-in account and the recovery key to show once. */
export async function signup (nodeUrl: string, username: string, password: string, options: SignupOptions = {}): Promise<{ account: Account, recoveryKey: string }> {
  const created = await createAccountKeys(password)
  const api = new NodeApi(nodeUrl)
  const { token, user } = await api.signup({
    username,
    invite: options.invite,
    authPublicKey: created.authPublicKey,
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
