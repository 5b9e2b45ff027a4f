/**
 * Helpers for tests with several nodes: peer ids that nobody holds.
 */
import { randomBytes } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'

/** The peer id of a random Ed25519 key: an identity multihash of its protobuf public key. */
export function randomPeerId (): string {
  return base58btc.baseEncode(new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...randomBytes(32)]))
}
