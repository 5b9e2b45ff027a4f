/**
 * The schema of a StreamDescriptor as it appears inside a manifest. Besides types, it checks that
 * the descriptor is self-consistent (chunk count and sealed sizes follow from `size`), so that a
 * malformed manifest is rejected when opened rather than half-way through a video.
 */
import { z } from 'zod'
import { TAG_SIZE, chunkCount, chunkPlaintextLength } from '../crypto/stream-layout.ts'
import type { StreamDescriptor } from '../crypto/stream.ts'
import { RAW_CODE } from './cid.ts'
import { bytesSchema, cidSchema, uintSchema } from './schema.ts'

export const streamDescriptorSchema: z.ZodType<StreamDescriptor> = z.strictObject({
  salt: bytesSchema(16),
  commitment: bytesSchema(32),
  size: uintSchema,
  chunks: z.array(z.strictObject({ cid: cidSchema.refine((cid) => cid.code === RAW_CODE, 'chunk CIDs use the raw codec'), size: uintSchema }))
}).refine((d) => {
  return d.chunks.length === chunkCount(d.size) && d.chunks.every((chunk, i) => chunk.size === chunkPlaintextLength(d.size, i) + TAG_SIZE)
}, { message: 'chunk count or sizes do not follow from the stream size' })
