/**
 * The key bundle: what the node stores for an account and releases only after a login proof.
 * It holds the master key wrapped twice (under the password KEK and under the recovery KEK),
 * and the identity keys' public halves beside their secret halves boxed under the master key.
 * A password change replaces only `kdf` and `wrappedMasterKey`; nothing else, and no media,
 * is re-encrypted.
 */
import { z } from 'zod'
import { kdfParamsSchema, type KdfParams } from './password.ts'
import { decodeCanonical, encodeCanonical } from '../format/cbor.ts'
import { bytesSchema, parseStructure } from '../format/schema.ts'

export interface KeyBundle {
  v: 1
  /** Argon2id parameters of the current password. */
  kdf: KdfParams
  /** Master key boxed under the password KEK (label obscura/v1/box/master-key). */
  wrappedMasterKey: Uint8Array
  /** Master key boxed under the recovery KEK (label obscura/v1/box/master-key-recovery). */
  recoveryWrappedMasterKey: Uint8Array
  /** Ed25519 identity public key. */
  signingPublicKey: Uint8Array
  /** Ed25519 seed boxed under the master key (label obscura/v1/box/signing-seed, context = signingPublicKey). */
  wrappedSigningSeed: Uint8Array
  /** X25519 public key that others seal collection keys to. */
  boxPublicKey: Uint8Array
  /** X25519 secret boxed under the master key (label obscura/v1/box/box-secret, context = boxPublicKey). */
  wrappedBoxSecret: Uint8Array
}

/** A 32-byte key in a box: 1 + 24 + 32 + 16 bytes. */
const wrappedKeySchema = bytesSchema(73)

const keyBundleSchema = z.strictObject({
  v: z.literal(1),
  kdf: kdfParamsSchema,
  wrappedMasterKey: wrappedKeySchema,
  recoveryWrappedMasterKey: wrappedKeySchema,
  signingPublicKey: bytesSchema(32),
  wrappedSigningSeed: wrappedKeySchema,
  boxPublicKey: bytesSchema(32),
  wrappedBoxSecret: wrappedKeySchema
})

/** Validates and encodes a bundle as canonical dag-cbor. */
export function encodeKeyBundle (bundle: KeyBundle): Uint8Array {
  return encodeCanonical(parseStructure(keyBundleSchema, bundle, 'key bundle'))
}

/** Decodes a bundle: canonical dag-cbor, version 1, schema (including the KDF bounds). */
export function decodeKeyBundle (bytes: Uint8Array): KeyBundle {
  return parseStructure(keyBundleSchema, decodeCanonical(bytes), 'key bundle')
}

/** Validates a bundle received in object form (e.g. from a worker message). */
export function parseKeyBundle (value: unknown): KeyBundle {
  return parseStructure(keyBundleSchema, value, 'key bundle')
}
