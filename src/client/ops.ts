/**
 * The operations inside a collection's records (docs/FORMAT.md, "Record operations"). A record's
 * plaintext is `{ ops: Op[] }`: one signed, encrypted record carries a whole batch (an upload of
 * a thousand photos is one record), so opening a large collection costs few signature checks.
 * Every op is validated on the way in; an op that fails validation makes the record invalid.
 */
import { z } from 'zod'
import { cidSchema, idSchema } from '../format/schema.ts'

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes')
const name = z.string().min(1).max(1024)

export const CollectionKindSchema = z.enum(['root', 'album', 'folder'])
export type CollectionKind = z.infer<typeof CollectionKindSchema>
export const ItemKindSchema = z.enum(['photo', 'video', 'live', 'other'])
export type ItemKind = z.infer<typeof ItemKindSchema>

/** A collection's own name and place; the latest meta op wins. */
const MetaOp = z.strictObject({ op: z.literal('meta'), name, kind: CollectionKindSchema, parent: idSchema.nullable(), createdAt: z.number() })

/** An item: its manifest block, its file key boxed under this collection's key, and a summary for listings. */
const AddOp = z.strictObject({
  op: z.literal('add'),
  item: idSchema,
  manifest: cidSchema,
  fileKey: bytes,
  name,
  size: z.int().nonnegative(),
  mime: z.string().max(255),
  kind: ItemKindSchema,
  /** Capture time (UTC ms) when known, else the file's modification time. */
  takenAt: z.number(),
  /** HMAC of the plaintext under the user's dedup key: finds duplicates without revealing hashes. */
  contentTag: bytes,
  addedAt: z.number()
})
const RenameOp = z.strictObject({ op: z.literal('rename'), item: idSchema, name })
const TrashOp = z.strictObject({ op: z.literal('trash'), item: idSchema, at: z.number() })
const RestoreOp = z.strictObject({ op: z.literal('restore'), item: idSchema })
/** Deleted for good: the commit that carries it also unlinks the manifest. */
const RemoveOp = z.strictObject({ op: z.literal('remove'), item: idSchema })
const FlagOp = z.strictObject({ op: z.literal('flag'), item: idSchema, favorite: z.boolean().optional(), archived: z.boolean().optional() })
/** Root collection only: an album or folder of this user, with its key boxed under the master key. */
const LinkCollectionOp = z.strictObject({ op: z.literal('collection'), id: idSchema, kind: z.enum(['album', 'folder']), key: bytes })
const UnlinkCollectionOp = z.strictObject({ op: z.literal('uncollection'), id: idSchema })

export const OpSchema = z.discriminatedUnion('op', [MetaOp, AddOp, RenameOp, TrashOp, RestoreOp, RemoveOp, FlagOp, LinkCollectionOp, UnlinkCollectionOp])
export type Op = z.infer<typeof OpSchema>
export type AddOp = z.infer<typeof AddOp>

export const RecordContentSchema = z.strictObject({ ops: z.array(OpSchema).min(1).max(10_000) })
