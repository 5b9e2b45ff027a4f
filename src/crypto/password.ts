/**
 * From a password to keys. The password (NFC-normalised, UTF-8) goes through Argon2id (RFC 9106,
 * via hash-wasm so that the same code runs in browsers) with parameters stored beside the
 * account, giving a 32-byte password secret. Two independent keys come out of it by HKDF:
 * the KEK, which unwraps the master key and never leaves the device, and the auth key, an
 * Ed25519 key whose public half the node stores and whose signatures over login challenges
 * prove the password without the node ever seeing anything it could test guesses against
 * offline until the user has authenticated.
 */
import { argon2id } from 'hash-wasm'
import { z } from 'zod'
import { assertBytes, utf8, wipe } from './bytes.ts'
import { InvalidInputError } from './errors.ts'
import { hkdf } from './hash.ts'
import { LABELS } from './labels.ts'
import { defaultRandom, randomBytes, type RandomSource } from './random.ts'
import { signingKeyFromSeed, type SigningKey } from './sign.ts'

/** Argon2id parameters, stored with the account and raised over time. */
export interface KdfParams {
  algorithm: 'argon2id'
  /** Memory in KiB; at least 65536 (64 MiB). */
  memoryKiB: number
  /** Passes over memory; at least 3. */
  iterations: number
  /** Lanes; 1 unless every client can run more in parallel. */
  parallelism: number
  /** Random 16 bytes, fresh for every password. */
  salt: Uint8Array
}

/**
 * The bounds of docs/FORMAT.md 5.1, written once: the client refuses parameters
 * outside them, so that a hostile node cannot hand it weak ones and then brute-force the auth key
 * it derives, nor exhaust its memory; the node refuses them at signup, password change and link
 * creation (gateway/schemas.ts), so that no account is stored with parameters its clients reject.
 */
export const KDF_BOUNDS = {
  memoryKiB: { min: 65536, max: 4194304 },
  iterations: { min: 3, max: 64 },
  parallelism: { min: 1, max: 16 },
  saltBytes: 16
} as const

/** The numeric fields of KdfParams, checked against KDF_BOUNDS. */
export const kdfCostSchema = {
  algorithm: z.literal('argon2id'),
  memoryKiB: z.int().min(KDF_BOUNDS.memoryKiB.min).max(KDF_BOUNDS.memoryKiB.max),
  iterations: z.int().min(KDF_BOUNDS.iterations.min).max(KDF_BOUNDS.iterations.max),
  parallelism: z.int().min(KDF_BOUNDS.parallelism.min).max(KDF_BOUNDS.parallelism.max)
}

export const kdfParamsSchema = z.strictObject({
  ...kdfCostSchema,
  salt: z.instanceof(Uint8Array).refine((b) => b.length === KDF_BOUNDS.saltBytes, { message: `expected ${KDF_BOUNDS.saltBytes} bytes` })
})

/** 64 MiB, 3 passes, 1 lane (RFC 9106 section 4, second recommended option), fresh salt. */
export function defaultKdfParams (random: RandomSource = defaultRandom): KdfParams {
  return { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: randomBytes(16, random) }
}

/** Argon2id version 0x13 through hash-wasm; exported for the published-vector tests. */
export async function argon2idRaw (password: Uint8Array, salt: Uint8Array, params: { memoryKiB: number, iterations: number, parallelism: number, hashLength: number }): Promise<Uint8Array> {
  return await argon2id({
    password,
    salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: params.hashLength,
    outputType: 'binary'
  })
}

export interface PasswordKeys {
  /** Unwraps the master key; 32 bytes. */
  kek: Uint8Array
  /** Proves the password to the node by signing login challenges. */
  authKey: SigningKey
}

/** Runs Argon2id once and derives the KEK and the auth key from its output. */
export async function derivePasswordKeys (password: string, params: KdfParams, options: { signal?: AbortSignal } = {}): Promise<PasswordKeys> {
  if (typeof password !== 'string' || password.length === 0) throw new InvalidInputError('password: expected a non-empty string')
  const checked = kdfParamsSchema.safeParse(params)
  if (!checked.success) throw new InvalidInputError(`kdf params: ${checked.error.issues[0]?.message ?? 'invalid'}`)
  assertBytes(params.salt, 16, 'kdf salt')
  options.signal?.throwIfAborted()
  const passwordBytes = utf8(password.normalize('NFC'))
  const secret = await argon2idRaw(passwordBytes, params.salt, { ...params, hashLength: 32 })
  options.signal?.throwIfAborted()
  const kek = hkdf(secret, { info: LABELS.kek })
  const authSeed = hkdf(secret, { info: LABELS.auth })
  const authKey = await signingKeyFromSeed(authSeed)
  wipe(passwordBytes, secret, authSeed)
  return { kek, authKey }
}
