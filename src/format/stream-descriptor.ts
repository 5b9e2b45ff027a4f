/**
 * The schema of a StreamDescriptor as it appears inside a manifest. Besides types, it checks that
 * the descriptor is self-consistent (chunk count and sealed sizes follow from `size`), so that a
 * malformed manifest is rejected when opened rather than half-way through a video.
 */
import { z } from 'zod'
import { CHUNK_SIZE, TAG_SIZE, chunkCount, paddedLength } from '../crypto/stream-layout.ts'
import type { StreamDescriptor } from '../crypto/stream.ts'
import { RAW_CODE } from './cid.ts'
import { bytesSchema, cidSchema, uintSchema } from './schema.ts'

function expectedSealedSize (size: number, index: number, count: number): number {
  const plaintext = index < count - 1 ? CHUNK_SIZE : paddedLength(size) - (count - 1) * CHUNK_SIZE
  return plaintext + TAG_SIZE
}

export const streamDescriptorSchema: z.ZodType<StreamDescriptor> = z.strictObject({
  salt: bytesSchema(16),
  commitment: bytesSchema(32),
  size: uintSchema,
  chunks: z.array(z.strictObject({ cid: cidSchema.refine((cid) => cid.code === RAW_CODE, 'chunk CIDs use the raw codec'), size: uintSchema }))
}).refine((d) => {
  const count = chunkCount(d.size)
  return d.chunks.length === count && d.chunks.every((chunk, i) => chunk.size === expectedSealedSize(d.size, i, count))
}, { message: 'chunk count or sizes do not follow from the stream size' })
