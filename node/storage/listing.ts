/**
 * What `obscura node check` (node/check.ts) needs from a blockstore beyond reading and deleting:
 * every block it holds, with when it was written, to find bytes the node has no record of.
 */
import type { CID } from 'multiformats/cid'

export interface StoredBlock {
  /** The block's CID. A store keyed by multihash only (the filesystem one) cannot know the codec: compare multihashes. */
  cid: CID
  /** Where the bytes are (a file under `blocks/`, an object key), for operators. */
  name: string
  /** When the bytes were last written, in ms since the epoch. */
  modifiedAt: number
}

export interface BlockListing {
  list: (options?: { signal?: AbortSignal }) => AsyncIterable<StoredBlock>
}
