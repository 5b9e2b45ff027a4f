/**
 * The operations a record carries (docs/FORMAT.md, 9.1). A record's plaintext is
 * `{ ops: [op, …] }`: one signed, encrypted record holds a whole batch (an upload of a thousand
 * photos is one record), so opening a large collection costs few signature checks. Parsing is
 * strict: an unknown op or field makes the whole record an InvalidStructureError. Ops that change
 * what the collection is or who can read it (`meta`, `member`, `revoke`, `rekey`) are valid only
 * from the collection owner; `isOwnerOnly` names them so that every reader applies the same rule.
 * Writers seal ops only through `sealRecordOps`, which checks them against the same schema first:
 * a record every reader refuses must never be written (a bad name in an owner's record would make
 * the whole collection unreadable).
 */
import { z } from 'zod'
import { InvalidInputError } from '../crypto/errors.ts'
import type { RandomSource } from '../crypto/random.ts'
import { DAG_CBOR_CODE } from './cbor.ts'
import { MAX_EPOCH } from './ids.ts'
import { sealRecord, type SignedRecord } from './record.ts'
import { bytesSchema, cidSchema, describeIssue, idSchema, parseStructure } from './schema.ts'
import type { SigningKey } from './sign.ts'

/** The longest name (of a collection or an item) an op may carry, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 1024

const item = idSchema
const name = z.string().min(1).max(MAX_NAME_LENGTH)

export const itemKindSchema = z.enum(['photo', 'video', 'live', 'other'])
export type ItemKind = z.infer<typeof itemKindSchema>
export type CollectionKind = 'root' | 'album' | 'folder'

const metaOp = z.strictObject({
  op: z.literal('meta'), name, kind: z.enum(['root', 'album', 'folder']), parent: idSchema.nullable(), createdAt: z.int()
})
const addOp = z.strictObject({
  op: z.literal('add'),
  item,
  manifest: cidSchema.refine((cid) => cid.code === DAG_CBOR_CODE, 'manifest CIDs use the dag-cbor codec'),
  /** File-key box under this collection's key, context = item id. */
  fileKey: bytesSchema(73),
  name,
  size: z.int().nonnegative(),
  mime: z.string().max(255),
  kind: itemKindSchema,
  /** Capture time (UTC ms) when known, else the file's modification time; orders the timeline. */
  takenAt: z.int(),
  /**
   * The camera's UTC offset at capture in minutes, when the file said it (revision 1.3): lets a
   * listing show the time as taken without opening every manifest.
   */
  takenOffsetMinutes: z.int().min(-1080).max(1080).optional(),
  /**
   * The picture's width and height in pixels as shown, orientation applied, when known
   * (revision 1.4): a timeline lays out tiles at their aspect ratio without opening manifests.
   */
  width: z.int().positive().max(1_000_000).optional(),
  height: z.int().positive().max(1_000_000).optional(),
  /** The user's HMAC of the plaintext (dedup.ts): finds duplicates without revealing a hash. */
  contentTag: bytesSchema(32),
  addedAt: z.int()
})

export const recordOpSchema = z.discriminatedUnion('op', [
  metaOp,
  addOp,
  z.strictObject({ op: z.literal('remove'), item }),
  z.strictObject({ op: z.literal('rename'), item, name }),
  z.strictObject({ op: z.literal('trash'), item, at: z.int() }),
  z.strictObject({ op: z.literal('restore'), item }),
  z.strictObject({ op: z.literal('flag'), item, flag: z.enum(['favorite', 'archived']), value: z.boolean() }),
  /**
   * Root collection only: an album or folder of this user, its key boxed under the master key.
   * With `epoch` (>= 1), the key of that epoch, added beside the earlier ones after a re-key.
   */
  z.strictObject({
    op: z.literal('collection'), id: idSchema, kind: z.enum(['album', 'folder']), key: bytesSchema(73), epoch: z.int().min(1).max(MAX_EPOCH).optional()
  }),
  z.strictObject({ op: z.literal('uncollection'), id: idSchema }),
  /** Grants a member a role and hands them the collection key, sealed to their X25519 key. */
  z.strictObject({
    op: z.literal('member'),
    member: bytesSchema(32),
    boxPublicKey: bytesSchema(32),
    role: z.enum(['viewer', 'collaborator']),
    collectionKey: bytesSchema(105),
    label: z.string().optional()
  }),
  z.strictObject({ op: z.literal('revoke'), member: bytesSchema(32) }),
  /**
   * Opens key epoch `epoch`: the first op of the first record sealed under the new key. It
   * carries the previous epoch's key boxed under the new one, so whoever holds the newest key
   * reads the whole history.
   */
  z.strictObject({ op: z.literal('rekey'), epoch: z.int().min(1).max(MAX_EPOCH), previous: bytesSchema(73) })
])

export type RecordOp = z.infer<typeof recordOpSchema>
export type AddOp = z.infer<typeof addOp>
export type MemberOp = Extract<RecordOp, { op: 'member' }>
export type MemberRole = MemberOp['role']

export const recordContentSchema = z.strictObject({ ops: z.array(recordOpSchema).min(1).max(10_000) })

const OWNER_ONLY = new Set<RecordOp['op']>(['meta', 'member', 'revoke', 'rekey', 'collection', 'uncollection'])

/** True for ops only the collection owner may author. */
export function isOwnerOnly (op: RecordOp): boolean {
  return OWNER_ONLY.has(op.op)
}

/** Validates the content returned by `openRecord`: a batch of ops. */
export function parseRecordContent (content: unknown): RecordOp[] {
  return parseStructure(recordContentSchema, content, 'record content').ops
}

/**
 * Why `value` cannot be the name of an album, folder or file (`what`), in words for the user, or
 * undefined when it can: the rule of the `name` field, checked before anything is written.
 */
export function nameProblem (value: string, what: 'album' | 'folder' | 'file'): string | undefined {
  if (name.safeParse(value).success) return undefined
  return `${what} names must be 1 to ${MAX_NAME_LENGTH} characters (got ${value.length})`
}

/**
 * Checks a batch of ops against the schema readers apply (`recordContentSchema`). Throws
 * InvalidInputError naming the first offending field, e.g. `ops.0.name`.
 */
export function checkRecordOps (ops: readonly RecordOp[]): void {
  const result = recordContentSchema.safeParse({ ops })
  if (!result.success) throw new InvalidInputError(`refusing to write a record its readers would reject${describeIssue(result.error)}`)
}

/**
 * Seals a batch of ops as one record (`sealRecord`) after `checkRecordOps`: the one way clients
 * write records, so that none writes what every reader would refuse.
 */
export async function sealRecordOps (
  collectionKey: Uint8Array,
  collectionId: string,
  signingKey: SigningKey,
  ops: RecordOp[],
  random?: RandomSource,
  epoch = 0
): Promise<SignedRecord> {
  checkRecordOps(ops)
  return await sealRecord(collectionKey, collectionId, signingKey, { ops }, random, epoch)
}
