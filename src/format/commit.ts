/**
 * Commits: the pages of a collection's append-only log. A commit carries a batch of signed
 * records and chains to the previous commit, so syncing from a cursor means fetching only the
 * commits after it. Its `links` list, in plaintext and in canonical order, names every block
 * the records refer to (manifests, chunks): the node follows it to garbage-collect and to check
 * grants without being able to read a record.
 */
import { z } from 'zod'
import type { CID } from 'multiformats/cid'
import { decodeCanonical, encodeCanonical } from './cbor.ts'
import { cborCid, isSortedLinks, sortLinks } from './cid.ts'
import { NonCanonicalEncodingError } from './errors.ts'
import { signedRecordSchema, type SignedRecord } from './record.ts'
import { cidSchema, idSchema, parseStructure } from './schema.ts'

export type { SignedRecord } from './record.ts'
export { sealRecord, openRecord } from './record.ts'

export interface Commit {
  v: 1
  /** Id of the collection this commit belongs to. */
  collection: string
  /** Position in the log: 1 for the first commit, then previous + 1. */
  seq: number
  /** CID of the previous commit; null when seq is 1. */
  prev: CID | null
  /** Blocks this commit starts referencing (manifests of added items), sorted and unique. */
  links: CID[]
  /** Blocks this commit stops referencing (manifests of items deleted for good), sorted and unique. */
  unlinks: CID[]
  /** The changes, in the order they apply. */
  records: SignedRecord[]
}

const commitSchema = z.strictObject({
  v: z.literal(1),
  collection: idSchema,
  seq: z.int().min(1),
  prev: cidSchema.nullable(),
  links: z.array(cidSchema),
  unlinks: z.array(cidSchema),
  records: z.array(signedRecordSchema)
}).refine((c) => (c.seq === 1) === (c.prev === null), { message: 'prev must be null exactly when seq is 1' })

/**
 * Validates and encodes a commit. `links` is put in canonical order (sorted, deduplicated), so
 * callers may pass links in any order.
 */
export async function encodeCommit (commit: Omit<Commit, 'v' | 'unlinks'> & { v?: 1, unlinks?: CID[] }): Promise<{ commit: Commit, bytes: Uint8Array, cid: CID }> {
  const normalised = parseStructure(commitSchema, {
    ...commit, v: 1, links: sortLinks(commit.links), unlinks: sortLinks(commit.unlinks ?? [])
  }, 'commit')
  const bytes = encodeCanonical(normalised)
  return { commit: normalised, bytes, cid: await cborCid(bytes) }
}

/** Decodes a commit block; rejects unsorted or duplicated links as non-canonical. */
export function decodeCommit (bytes: Uint8Array): Commit {
  const commit = parseStructure(commitSchema, decodeCanonical(bytes), 'commit')
  if (!isSortedLinks(commit.links) || !isSortedLinks(commit.unlinks)) throw new NonCanonicalEncodingError('commit links are not sorted and unique')
  return commit
}
