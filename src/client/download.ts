/**
 * Reading items back: unwrap the file key, fetch and open the manifest, then fetch the chunks of
 * one part in order (each verified against its CID) and decrypt them as a stream. Nothing is
 * emitted for a chunk that fails its CID or its authentication tag. Byte ranges fetch and
 * decrypt only the chunks that cover them, which is what video seeking needs.
 */
import { chunkRangeFor, createChunkDecryptor, decryptStream, type StreamDescriptor } from '../crypto/stream.ts'
import { openManifest, type Manifest } from '../format/manifest.ts'
import { fetchInOrder, fetchVerified } from './blocks.ts'
import { NotFoundInLibraryError } from './errors.ts'
import type { NodeApi } from './api.ts'
import { fileKeyOf, type CollectionState, type ItemEntry } from './collection.ts'

export type PartName = 'original' | 'motion' | 'thumbnail' | 'preview'

export interface OpenedItem {
  manifest: Manifest
  fileKey: Uint8Array
}

export async function openItem (api: NodeApi, collection: CollectionState, item: ItemEntry, signal?: AbortSignal): Promise<OpenedItem> {
  const fileKey = fileKeyOf(collection, item)
  const bytes = await fetchVerified(api, item.manifest, signal)
  return { manifest: await openManifest(fileKey, item.id, bytes), fileKey }
}

function partOf (opened: OpenedItem, part: PartName): StreamDescriptor {
  const descriptor = opened.manifest.parts[part]
  if (descriptor == null) throw new NotFoundInLibraryError(`this item has no ${part}`)
  return descriptor
}

/** The plaintext of one part, as a stream of verified, authenticated pieces. */
export function readPart (api: NodeApi, opened: OpenedItem, part: PartName = 'original', options: { signal?: AbortSignal, onProgress?: (bytes: number) => void } = {}): AsyncIterable<Uint8Array> {
  const descriptor = partOf(opened, part)
  const chunks = fetchInOrder(api, descriptor.chunks.map((c) => c.cid), { signal: options.signal })
  return decryptStream(chunks, {
    fileKey: opened.fileKey,
    descriptor,
    signal: options.signal,
    onProgress: (event) => { options.onProgress?.(event.processedBytes) }
  })
}

/** Plaintext bytes [start, end) of one part, fetching only the chunks that cover them. */
export async function readRange (api: NodeApi, opened: OpenedItem, part: PartName, start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
  const descriptor = partOf(opened, part)
  const range = chunkRangeFor(descriptor, start, end)
  const decryptor = await createChunkDecryptor(opened.fileKey, descriptor)
  const out = new Uint8Array(range.length)
  let written = 0
  for (const [n, index] of range.indexes.entries()) {
    const chunk = descriptor.chunks[index]
    if (chunk == null) throw new NotFoundInLibraryError(`chunk ${index} is missing from the manifest`)
    const plain = await decryptor.decryptChunk(index, await fetchVerified(api, chunk.cid, signal))
    const piece = plain.subarray(n === 0 ? range.offset : 0).subarray(0, out.length - written)
    out.set(piece, written)
    written += piece.length
  }
  return out
}
