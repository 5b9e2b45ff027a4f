/**
 * Content addresses. Obscura accepts exactly one kind of CID: version 1, codec `raw` (sealed
 * media chunks) or `dag-cbor` (heads, commits, manifests), multihash sha2-256 of 32 bytes.
 * Narrowing the set keeps verification a single Web Crypto digest and closes the door on weak
 * or identity hashes that would let a node substitute data. Readers MUST call `verifyBlock` on
 * every block they fetch, whichever node, gateway or S3 bucket served it.
 */
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { bytesEqual, compareBytes } from '../crypto/bytes.ts'
import { sha256 } from '../crypto/hash.ts'
import { DAG_CBOR_CODE } from './cbor.ts'
import { CidMismatchError, UnsupportedCidError } from './errors.ts'

export { encodeCanonical, decodeCanonical } from './cbor.ts'
export { CID }

/** Multicodec `raw` (0x55). */
export const RAW_CODE = 0x55
/** Multihash `sha2-256` (0x12). */
export const SHA2_256_CODE = 0x12

async function cidFor (codec: number, bytes: Uint8Array): Promise<CID> {
  return CID.createV1(codec, Digest.create(SHA2_256_CODE, await sha256(bytes)))
}

/** The CID of a raw block (a sealed media chunk). */
export async function rawCid (bytes: Uint8Array): Promise<CID> {
  return await cidFor(RAW_CODE, bytes)
}

/** The CID of a dag-cbor block. */
export async function cborCid (bytes: Uint8Array): Promise<CID> {
  return await cidFor(DAG_CBOR_CODE, bytes)
}

/** Throws UnsupportedCidError unless `cid` is one of the CIDs Obscura produces. */
export function assertSupportedCid (cid: CID): void {
  if (cid.version !== 1) throw new UnsupportedCidError(`unsupported CID version ${cid.version}`)
  if (cid.code !== RAW_CODE && cid.code !== DAG_CBOR_CODE) {
    throw new UnsupportedCidError(`unsupported CID codec 0x${cid.code.toString(16)}`)
  }
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.digest.length !== 32) {
    throw new UnsupportedCidError(`unsupported multihash 0x${cid.multihash.code.toString(16)}`)
  }
}

/** Throws CidMismatchError unless `bytes` hash to `cid`. */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  assertSupportedCid(cid)
  if (!bytesEqual(await sha256(bytes), cid.multihash.digest)) {
    throw new CidMismatchError(`block does not match ${cid.toString()}`)
  }
}

/** Sorts CIDs by their binary form and removes duplicates: the canonical order of `links`. */
export function sortLinks (cids: Iterable<CID>): CID[] {
  const byKey = new Map<string, CID>()
  for (const cid of cids) byKey.set(cid.toString(), cid)
  return [...byKey.values()].sort((a, b) => compareBytes(a.bytes, b.bytes))
}

/** True when `cids` is already strictly increasing by bytes (sorted, no duplicates). */
export function isSortedLinks (cids: readonly CID[]): boolean {
  for (let i = 1; i < cids.length; i++) {
    if (compareBytes((cids[i - 1] as CID).bytes, (cids[i] as CID).bytes) >= 0) return false
  }
  return true
}
