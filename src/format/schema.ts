/**
 * Zod building blocks for decoded structures, and the one function that turns any decoded
 * value into a typed one: version first (so that a v2 structure is reported as unsupported,
 * not as malformed), then a strict schema (unknown fields are rejected, since everything
 * signed or hashed must mean exactly what the reader thinks it means).
 */
import { z } from 'zod'
import { CID } from 'multiformats/cid'
import { UnsupportedVersionError } from '../crypto/errors.ts'
import { InvalidStructureError } from './errors.ts'
import { ID_PATTERN } from './ids.ts'

/** The format version this code writes and reads. */
export const FORMAT_VERSION = 1

export const bytesSchema = (length?: number): z.ZodType<Uint8Array> =>
  z.instanceof(Uint8Array).refine((b) => length === undefined || b.length === length, {
    message: `expected ${length ?? 'any number of'} bytes`
  })

/** A CIDv1 with sha2-256 (codec is checked where it matters). */
export const cidSchema: z.ZodType<CID> = z.custom<CID>((value) => {
  const cid = CID.asCID(value)
  return cid !== null && cid.version === 1 && cid.multihash.code === 0x12 && cid.multihash.digest.length === 32
}, { message: 'expected a CIDv1 with a sha2-256 multihash' })

export const idSchema = z.string().regex(ID_PATTERN, 'expected 32 lowercase hex characters')

/** A non-negative safe integer. */
export const uintSchema = z.int().nonnegative()

/**
 * Validates `value` as the structure `what`: UnsupportedVersionError when `v` is not 1,
 * InvalidStructureError naming the first offending field otherwise.
 */
export function parseStructure<T> (schema: z.ZodType<T>, value: unknown, what: string): T {
  if (value !== null && typeof value === 'object' && 'v' in value && value.v !== FORMAT_VERSION) {
    throw new UnsupportedVersionError(`unsupported ${what} version ${String(value.v)}`)
  }
  const result = schema.safeParse(value)
  if (!result.success) throw new InvalidStructureError(`invalid ${what}${describeIssue(result.error)}`)
  return result.data
}

/** The first issue of a failed parse as ` at field.path: message`, the form every schema error uses. */
export function describeIssue (error: z.ZodError): string {
  const issue = error.issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`
  return `${where}: ${issue?.message ?? 'schema mismatch'}`
}
