/**
 * The account key hierarchy (docs/FORMAT.md, "Keys"): creating an account's keys, unlocking them
 * with the password or the recovery key, and re-wrapping them for a new password. The master
 * key is random and never changes, so neither a password change nor a recovery re-encrypts any
 * collection, file or media; only the small wraps around the master key change.
 */
import { boxOpen, boxSeal } from './box.ts'
import { bytesEqual, wipe } from './bytes.ts'
import { BoxAuthenticationError, KeyBundleMismatchError, WrongPasswordError, WrongRecoveryKeyError } from './errors.ts'
import { hkdf } from './hash.ts'
import { parseKeyBundle, type KeyBundle } from './key-bundle.ts'
import { LABELS } from './labels.ts'
import { defaultKdfParams, derivePasswordKeys, type KdfParams } from './password.ts'
import { defaultRandom, randomBytes, type RandomSource } from './random.ts'
import { decodeRecoveryKey, deriveRecoveryKeys, encodeRecoveryKey } from './recovery-key.ts'
import { signingKeyFromSeed, type SigningKey } from './sign.ts'
import { boxKeyPairFromSecret, type BoxKeyPair } from './x25519.ts'

export { defaultKdfParams, derivePasswordKeys, type KdfParams, type PasswordKeys } from './password.ts'
export { encodeKeyBundle, decodeKeyBundle, type KeyBundle } from './key-bundle.ts'
export { encodeRecoveryKey, decodeRecoveryKey, deriveRecoveryKeys } from './recovery-key.ts'

/** An unlocked account. Holds secrets: keep it in memory (or a worker) only. */
export interface AccountKeys {
  /** Random 32 bytes; wraps collection keys and the identity secrets. */
  masterKey: Uint8Array
  /** Ed25519 identity: signs heads and records. */
  signing: SigningKey
  /** X25519 identity: opens collection keys sealed to this account. */
  box: BoxKeyPair
  /** HKDF(masterKey, "obscura/v1/dedup"): keys content tags. */
  dedupKey: Uint8Array
  /** The bundle these keys were unlocked from (public parts and wraps only). */
  bundle: KeyBundle
}

export interface KeyOptions {
  random?: RandomSource
  /** Argon2id parameters; a default with a fresh salt when absent. */
  kdf?: KdfParams
}

export interface CreatedAccount {
  /** What the node stores and releases after login. */
  bundle: KeyBundle
  /** Public key the node checks login signatures against. */
  authPublicKey: Uint8Array
  /** Public key the node checks recovery-login signatures against. */
  recoveryAuthPublicKey: Uint8Array
  /** Shown to the user once; see encodeRecoveryKey. */
  recoveryKey: string
  keys: AccountKeys
}

function masterBox (key: Uint8Array, masterKey: Uint8Array, label: string, random: RandomSource): Uint8Array {
  return boxSeal(key, masterKey, { label, random })
}

/** Opens the identity secrets with the master key and checks them against the public keys. */
async function openIdentity (masterKey: Uint8Array, bundle: KeyBundle): Promise<AccountKeys> {
  let seed: Uint8Array
  let boxSecret: Uint8Array
  try {
    seed = boxOpen(masterKey, bundle.wrappedSigningSeed, { label: LABELS.boxSigningSeed, context: bundle.signingPublicKey })
    boxSecret = boxOpen(masterKey, bundle.wrappedBoxSecret, { label: LABELS.boxBoxSecret, context: bundle.boxPublicKey })
  } catch (err) {
    if (err instanceof BoxAuthenticationError) throw new KeyBundleMismatchError('identity secrets do not open under the master key')
    throw err
  }
  const signing = await signingKeyFromSeed(seed)
  wipe(seed)
  const box = boxKeyPairFromSecret(boxSecret)
  if (!bytesEqual(signing.publicKey, bundle.signingPublicKey) || !bytesEqual(box.publicKey, bundle.boxPublicKey)) {
    throw new KeyBundleMismatchError()
  }
  return { masterKey, signing, box, dedupKey: hkdf(masterKey, { info: LABELS.dedup }), bundle }
}

/**
 * Creates a new account's keys. Random draws, in order (what test vectors inject): KDF salt (16,
 * only without `kdf`), master key (32), recovery key (32), signing seed (32), box secret (32),
 * then four box nonces (24 each): password wrap, recovery wrap, signing seed, box secret.
 */
export async function createAccountKeys (password: string, options: KeyOptions = {}): Promise<CreatedAccount> {
  const random = options.random ?? defaultRandom
  const kdf = options.kdf ?? defaultKdfParams(random)
  const masterKey = randomBytes(32, random)
  const recoveryKey = randomBytes(32, random)
  const seed = randomBytes(32, random)
  const boxSecret = randomBytes(32, random)
  const signing = await signingKeyFromSeed(seed)
  const box = boxKeyPairFromSecret(boxSecret)
  const passwordKeys = await derivePasswordKeys(password, kdf)
  const recovery = await deriveRecoveryKeys(recoveryKey)
  const bundle = parseKeyBundle({
    v: 1,
    kdf,
    wrappedMasterKey: masterBox(passwordKeys.kek, masterKey, LABELS.boxMasterKey, random),
    recoveryWrappedMasterKey: masterBox(recovery.kek, masterKey, LABELS.boxMasterKeyRecovery, random),
    signingPublicKey: signing.publicKey,
    wrappedSigningSeed: boxSeal(masterKey, seed, { label: LABELS.boxSigningSeed, context: signing.publicKey, random }),
    boxPublicKey: box.publicKey,
    wrappedBoxSecret: boxSeal(masterKey, boxSecret, { label: LABELS.boxBoxSecret, context: box.publicKey, random })
  })
  const recoveryKeyText = encodeRecoveryKey(recoveryKey)
  wipe(seed, recoveryKey, passwordKeys.kek, recovery.kek)
  return {
    bundle,
    authPublicKey: passwordKeys.authKey.publicKey,
    recoveryAuthPublicKey: recovery.authKey.publicKey,
    recoveryKey: recoveryKeyText,
    keys: { masterKey, signing, box, dedupKey: hkdf(masterKey, { info: LABELS.dedup }), bundle }
  }
}

/** Unlocks with the password; WrongPasswordError when it does not open the master key. */
export async function unlockAccountKeys (bundle: KeyBundle, password: string): Promise<AccountKeys> {
  const checked = parseKeyBundle(bundle)
  const { kek } = await derivePasswordKeys(password, checked.kdf)
  try {
    return await unlockWithKek(checked, kek)
  } finally {
    wipe(kek)
  }
}

/**
 * Unlocks with a KEK the caller already derived (login derives it together with the auth key,
 * so the bundle opens without a second Argon2id run). WrongPasswordError when it does not fit.
 */
export async function unlockWithKek (bundle: KeyBundle, kek: Uint8Array): Promise<AccountKeys> {
  const checked = parseKeyBundle(bundle)
  let masterKey: Uint8Array
  try {
    masterKey = boxOpen(kek, checked.wrappedMasterKey, { label: LABELS.boxMasterKey })
  } catch (err) {
    if (err instanceof BoxAuthenticationError) throw new WrongPasswordError()
    throw err
  }
  return await openIdentity(masterKey, checked)
}

/** Rebuilds the account keys from a master key kept on a trusted device (the CLI's session). */
export async function unlockWithMasterKey (bundle: KeyBundle, masterKey: Uint8Array): Promise<AccountKeys> {
  return await openIdentity(masterKey, parseKeyBundle(bundle))
}

/**
 * Unlocks with the recovery key (as the user typed it). RecoveryKeyFormatError for a typo,
 * WrongRecoveryKeyError for a well-formed key of another account. Follow with
 * `rewrapAccountKeys` to set a new password.
 */
export async function recoverAccountKeys (bundle: KeyBundle, recoveryKey: string): Promise<AccountKeys> {
  const checked = parseKeyBundle(bundle)
  const keyBytes = decodeRecoveryKey(recoveryKey)
  const { kek } = await deriveRecoveryKeys(keyBytes)
  wipe(keyBytes)
  let masterKey: Uint8Array
  try {
    masterKey = boxOpen(kek, checked.recoveryWrappedMasterKey, { label: LABELS.boxMasterKeyRecovery })
  } catch (err) {
    if (err instanceof BoxAuthenticationError) throw new WrongRecoveryKeyError()
    throw err
  } finally {
    wipe(kek)
  }
  return await openIdentity(masterKey, checked)
}

/**
 * Wraps the same master key under a new password (fresh salt unless `kdf` is given; use it to
 * raise the Argon2 cost too). Draws: KDF salt (16, only without `kdf`), then one box nonce (24).
 */
export async function rewrapAccountKeys (keys: AccountKeys, newPassword: string, options: KeyOptions = {}): Promise<{ bundle: KeyBundle, authPublicKey: Uint8Array, keys: AccountKeys }> {
  const random = options.random ?? defaultRandom
  const kdf = options.kdf ?? defaultKdfParams(random)
  const { kek, authKey } = await derivePasswordKeys(newPassword, kdf)
  const bundle = parseKeyBundle({ ...keys.bundle, kdf, wrappedMasterKey: masterBox(kek, keys.masterKey, LABELS.boxMasterKey, random) })
  wipe(kek)
  return { bundle, authPublicKey: authKey.publicKey, keys: { ...keys, bundle } }
}
