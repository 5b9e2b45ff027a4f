/**
 * Item manifests. Everything about an item except its bytes (name, type, dates, place, camera,
 * dimensions, and the descriptors of its original, motion, thumbnail and preview streams) is
 * boxed under the item's file key, padded, and bound to the item id. The box sits in a small
 * dag-cbor envelope whose only plaintext is the sorted list of chunk CIDs, which the node needs
 * to garbage-collect and to check grants, and which reveals only how many blocks an item has.
 */
import { z } from 'zod'
import type { CID } from 'multiformats/cid'
import { boxOpen, boxSeal } from '../crypto/box.ts'
import { assertBytes } from '../crypto/bytes.ts'
import { LABELS } from '../crypto/labels.ts'
import type { RandomSource } from '../crypto/random.ts'
import type { StreamDescriptor } from '../crypto/stream.ts'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { cborCid, isSortedLinks, sortLinks } from './cid.ts'
import { InvalidStructureError, NonCanonicalEncodingError } from './errors.ts'
import { idBytes } from './ids.ts'
import { bytesSchema, cidSchema, parseStructure, uintSchema } from './schema.ts'
import { streamDescriptorSchema } from './stream-descriptor.ts'

export const takenAtSchema = z.strictObject({
  /** Capture instant, milliseconds since the Unix epoch (UTC). */
  utcMs: z.int(),
  /** The camera's local UTC offset at capture, when known (EXIF OffsetTime). */
  offsetMinutes: z.int().min(-1080).max(1080).optional()
})

const manifestSchema = z.strictObject({
  v: z.literal(1),
  kind: z.enum(['photo', 'video', 'live', 'other']),
  name: z.string(),
  mime: z.string(),
  /** Real size of the original in bytes; equals parts.original.size. */
  size: uintSchema,
  /** File modification time, ms since the epoch. */
  mtime: z.int().optional(),
  /** HMAC(dedupKey, SHA-256(original plaintext)). */
  contentTag: bytesSchema(32),
  takenAt: takenAtSchema.optional(),
  gps: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), alt: z.number().optional() }).optional(),
  camera: z.strictObject({ make: z.string().optional(), model: z.string().optional(), lens: z.string().optional() }).optional(),
  /** How the picture was exposed, as EXIF says (revision 1.4). */
  exposure: z.strictObject({
    /** Aperture, the f-number (2.8 for f/2.8). */
    fNumber: z.number().positive().optional(),
    /** Shutter time in seconds (0.004 for 1/250 s). */
    exposureTime: z.number().positive().optional(),
    /** ISO speed. */
    iso: z.number().positive().optional(),
    /** Focal length in millimetres, as on the lens. */
    focalLength: z.number().positive().optional()
  }).optional(),
  /** EXIF orientation, 1-8. */
  orientation: z.int().min(1).max(8).optional(),
  width: uintSchema.optional(),
  height: uintSchema.optional(),
  durationMs: uintSchema.optional(),
  /** A Live Photo whose video came as its own file: that file's name, so a download restores both. */
  motionName: z.string().optional(),
  parts: z.strictObject({
    original: streamDescriptorSchema,
    motion: streamDescriptorSchema.optional(),
    thumbnail: streamDescriptorSchema.optional(),
    preview: streamDescriptorSchema.optional()
  })
}).refine((m) => m.size === m.parts.original.size, { message: 'size differs from the original part size' })
  .refine((m) => (m.kind === 'live') === (m.parts.motion !== undefined), { message: 'a motion part exactly when kind is live' })

export type Manifest = z.infer<typeof manifestSchema>
export type ManifestPart = keyof Manifest['parts']

export interface ManifestEnvelope {
  v: 1
  type: 'obscura/manifest'
  /** Every chunk CID of every part, sorted by bytes, without duplicates. */
  links: CID[]
  /** The manifest, canonical dag-cbor, boxed under the file key (padded, context = item id). */
  box: Uint8Array
}

const envelopeSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('obscura/manifest'),
  links: z.array(cidSchema),
  box: bytesSchema()
})

function partLinks (manifest: Manifest): CID[] {
  const parts: Array<StreamDescriptor | undefined> = Object.values(manifest.parts)
  return sortLinks(parts.flatMap((part) => part?.chunks.map((chunk) => chunk.cid) ?? []))
}

/** Validates, boxes and wraps a manifest. Draws 24 random bytes (the box nonce). */
export async function sealManifest (fileKey: Uint8Array, itemId: string, manifest: Omit<Manifest, 'v'> & { v?: 1 }, random?: RandomSource): Promise<{ bytes: Uint8Array, cid: CID, links: CID[] }> {
  assertBytes(fileKey, 32, 'file key')
  const checked = parseStructure(manifestSchema, { ...manifest, v: 1 }, 'manifest')
  const box = boxSeal(fileKey, encodeCanonical(checked), { label: LABELS.boxManifest, context: idBytes(itemId), pad: true, random })
  const links = partLinks(checked)
  const bytes = encodeCanonical({ v: 1, type: 'obscura/manifest', links, box })
  return { bytes, cid: await cborCid(bytes), links }
}

/** Decodes the envelope only (what the node reads); rejects unsorted links as non-canonical. */
export function decodeManifestEnvelope (bytes: Uint8Array): ManifestEnvelope {
  const envelope = parseStructure(envelopeSchema, decodeCanonical(bytes), 'manifest envelope')
  if (!isSortedLinks(envelope.links)) throw new NonCanonicalEncodingError('manifest links are not sorted and unique')
  return envelope
}

/**
 * Opens a manifest block with the item's file key. Besides the box and schema, checks that the
 * plaintext links are exactly the parts' chunks, so that the node's view cannot diverge from
 * what clients fetch.
 */
export async function openManifest (fileKey: Uint8Array, itemId: string, bytes: Uint8Array): Promise<Manifest> {
  const envelope = decodeManifestEnvelope(bytes)
  const plaintext = boxOpen(fileKey, envelope.box, { label: LABELS.boxManifest, context: idBytes(itemId), pad: true })
  const manifest = parseStructure(manifestSchema, decodeCanonical(plaintext), 'manifest')
  const expected = partLinks(manifest)
  if (expected.length !== envelope.links.length || expected.some((cid, i) => !cid.equals(envelope.links[i]))) {
    throw new InvalidStructureError('manifest links do not match its parts')
  }
  return manifest
}
