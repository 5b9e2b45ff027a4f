/**
 * Shapes shared by the gateway's request schemas: base64 byte strings of bounded size, ids,
 * usernames. Binary values travel as standard base64 inside JSON.
 */
import { z } from 'zod'
import { kdfCostSchema } from '../src/crypto/password.ts'
import { MEMBER_NAME, USERNAME, USERNAME_RULE } from '../src/format/names.ts'

/** Base64 that decodes to between `min` and `max` bytes, returned as bytes. */
export function b64Bytes (min: number, max: number) {
  return z.string()
    .max(Math.ceil(max / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')
    .transform((text, ctx) => {
      const bytes = new Uint8Array(Buffer.from(text, 'base64'))
      if (bytes.byteLength < min || bytes.byteLength > max) {
        ctx.addIssue({ code: 'custom', message: `expected ${min === max ? min : `${min}-${max}`} bytes, got ${bytes.byteLength}` })
        return z.NEVER
      }
      return bytes
    })
}

/** Collection and item ids: 16 random bytes as 32 lowercase hex characters. */
export const CollectionId = z.string().regex(/^[0-9a-f]{32}$/, 'expected a 32-character hex id')

export const Username = z.string().regex(USERNAME, USERNAME_RULE)

/** A member: a username on this node, or `username@peerId` for a user of another node. */
export const MemberName = z.string().regex(
  MEMBER_NAME,
  `a member is a username (${USERNAME_RULE}) or username@peerId`
)

/** Argon2id parameters as JSON: the bounds are the client's own (src/crypto/password.ts), the salt base64. */
export const KdfParams = z.strictObject({
  ...kdfCostSchema,
  salt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'expected a base64 16-byte salt')
})
