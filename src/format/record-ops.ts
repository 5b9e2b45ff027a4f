/**
 * The operations a record can carry (the plaintext inside a record's box), as the client layer
 * replays them to build a collection's state. Parsing is strict: an unknown `op` is an
 * InvalidStructureError, and the client decides whether to skip it. Ops that change who can
 * read or what the collection is (`meta`, `member`, `revoke`) are valid only when the record's
 * author is the collection owner; `isOwnerOnly` names them so that every reader applies the
 * same rule.
 */
import { z } from 'zod'
import { DAG_CBOR_CODE } from './cbor.ts'
import { takenAtSchema } from './manifest.ts'
import { bytesSchema, cidSchema, idSchema, parseStructure } from './schema.ts'

const item = idSchema

export const recordOpSchema = z.discriminatedUnion('op', [
  /** Names the collection (first record of every log; later ones rename or re-parent it). */
  z.strictObject({ op: z.literal('meta'), name: z.string(), kind: z.enum(['album', 'folder']), parent: idSchema.optional() }),
  /** Adds an item: its manifest block and its file key boxed under the collection key. */
  z.strictObject({
    op: z.literal('add'),
    item,
    manifest: cidSchema.refine((cid) => cid.code === DAG_CBOR_CODE, 'manifest CIDs use the dag-cbor codec'),
    fileKey: bytesSchema(73),
    name: z.string(),
    takenAt: takenAtSchema.optional()
  }),
  z.strictObject({ op: z.literal('remove'), item }),
  z.strictObject({ op: z.literal('rename'), item, name: z.string() }),
  /** The item leaves this folder for folder `to` (whose log gets the matching `add`). */
  z.strictObject({ op: z.literal('move'), item, to: idSchema }),
  z.strictObject({ op: z.literal('trash'), item }),
  z.strictObject({ op: z.literal('restore'), item }),
  z.strictObject({ op: z.literal('flag'), item, flag: z.enum(['favorite', 'archived']), value: z.boolean() }),
  /** Grants a member a role and hands them the collection key, sealed to their X25519 key. */
  z.strictObject({
    op: z.literal('member'),
    member: bytesSchema(32),
    boxPublicKey: bytesSchema(32),
    role: z.enum(['viewer', 'contributor']),
    collectionKey: bytesSchema(105),
    label: z.string().optional()
  }),
  /** Removes a member; new records after it are unreadable to them only after a re-key. */
  z.strictObject({ op: z.literal('revoke'), member: bytesSchema(32) })
])

export type RecordOp = z.infer<typeof recordOpSchema>

const OWNER_ONLY = new Set<RecordOp['op']>(['meta', 'member', 'revoke'])

/** True for ops only the collection owner may author. */
export function isOwnerOnly (op: RecordOp): boolean {
  return OWNER_ONLY.has(op.op)
}

/** Validates the content returned by `openRecord`. */
export function parseRecordOp (content: unknown): RecordOp {
  return parseStructure(recordOpSchema, content, 'record op')
}
