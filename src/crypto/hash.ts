/**
 * Hashing and key derivation: SHA-256 through Web Crypto in browsers and OpenSSL under Node
 * (native.ts; used for content addressing of bulk data), and HMAC-SHA-256 and HKDF-SHA-256 (RFC 2104, RFC 5869)
 * through @noble/hashes, which are synchronous and only ever see short inputs. Every HKDF call
 * in Obscura passes an `obscura/v1/...` label as `info` so that no two derivations can
 * produce the same key (see docs/FORMAT.md, "Labels").
 */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { md5 } from '@noble/hashes/legacy.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { assertBytes, assertInteger, utf8 } from './bytes.ts'
import { nodeCrypto } from './native.ts'

/**
 * Web Crypto's TypeScript types demand an ArrayBuffer-backed view (not SharedArrayBuffer);
 * every buffer in Obscura is an ordinary one, so this only narrows the type.
 */
export function bufferSource (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>
}

/** SHA-256 through Web Crypto, or node:crypto under Node. */
export async function sha256 (data: Uint8Array): Promise<Uint8Array> {
  assertBytes(data, undefined, 'sha256 data')
  if (nodeCrypto != null) return new Uint8Array(nodeCrypto.createHash('sha256').update(data).digest())
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bufferSource(data)))
}

/** SHA-256 in JavaScript, for the few short inputs that must be hashed synchronously. */
export function sha256Sync (data: Uint8Array): Uint8Array {
  return nobleSha256(data)
}

/** HMAC-SHA-256 (RFC 2104). */
export function hmacSha256 (key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, undefined, 'hmac key')
  assertBytes(message, undefined, 'hmac message')
  return hmac(nobleSha256, key, message)
}

export interface HkdfOptions {
  /** Optional salt; absent means HashLen zero bytes (RFC 5869, 2.2). */
  salt?: Uint8Array
  /** ASCII label, e.g. `obscura/v1/kek`, or raw info bytes. */
  info: string | Uint8Array
  /** Output length in bytes; 32 unless said otherwise. */
  length?: number
}

/** HKDF-SHA-256 (RFC 5869) extract-then-expand. */
export function hkdf (ikm: Uint8Array, options: HkdfOptions): Uint8Array {
  assertBytes(ikm, undefined, 'hkdf ikm')
  if (options.salt !== undefined) assertBytes(options.salt, undefined, 'hkdf salt')
  const length = options.length ?? 32
  assertInteger(length, 1, 255 * 32, 'hkdf length')
  const info = typeof options.info === 'string' ? utf8(options.info) : options.info
  return nobleHkdf(nobleSha256, ikm, options.salt, info, length)
}

/**
 * The base64 MD5 of `data`, for S3's `Content-MD5` header: a transport checksum the bucket
 * checks a direct upload's body against (node/direct-s3.ts), never a security hash in Obscura.
 * OpenSSL under Node; @noble/hashes in browsers, where Web Crypto has no MD5.
 */
export function contentMd5 (data: Uint8Array): string {
  const digest = nodeCrypto != null ? nodeCrypto.createHash('md5').update(data).digest() : md5(data)
  let binary = ''
  for (const byte of digest) binary += String.fromCharCode(byte)
  return btoa(binary)
}
