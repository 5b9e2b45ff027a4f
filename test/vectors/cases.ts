/**
 * The list of test vectors: for each, a file name, what it shows, its inputs and the seed its
 * randomness is drawn from. `generate.ts` turns each into `test/vectors/<name>.json` with the
 * draws and the expected outcome. Keys and seeds are fixed, recognisable patterns.
 */
import { encodeCanonical } from '../../src/format/cid.ts'
import { toHex } from '../crypto/helpers.ts'

export interface VectorCase {
  name: string
  kind: string
  description: string
  inputs: Record<string, unknown>
  /** Seed of the randomness the generator records; absent for cases that draw none. */
  seed?: string
}

const key = (byte: number): string => byte.toString(16).padStart(2, '0').repeat(32)
const COLLECTION = '0123456789abcdef0123456789abcdef'
/** The peer id of the Ed25519 key with seed 0x41 repeated (any well-formed peer id would do). */
const INVITED_NODE = '12D3KooWQbb6k91VYokt5K45RdSVM4oyN3QhkCNwwfqy1L3DWbsz'
const ITEM = 'fedcba9876543210fedcba9876543210'
const ROOT1 = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq'
const ROOT2 = 'bafkreiehfggmf4y7xjzrqhvcvhto6eg44ipnsxuyxwwjytqvatvbn5eg4q'
const MIB = 1048576
const pattern = (length: number, seed = 0): Record<string, unknown> => ({ pattern: 'i*31+seed', length, seed })
const hexText = (text: string): string => toHex(new TextEncoder().encode(text))

const box = (name: string, description: string, extra: Record<string, unknown> = {}): VectorCase => ({
  name, kind: 'box', description, seed: name,
  inputs: { key: key(0x11), label: 'obscura/v1/box/record', context: COLLECTION, pad: false, plaintext: hexText('a record'), ...extra }
})

const stream = (name: string, description: string, inputs: Record<string, unknown>): VectorCase => ({
  name, kind: 'stream', description, seed: name, inputs: { fileKey: key(0x42), ...inputs }
})

const head = (name: string, description: string, extra: Record<string, unknown>): VectorCase => ({
  name, kind: 'head', description,
  inputs: { collection: COLLECTION, ownerSeed: key(0x01), seq: 1, root: ROOT1, prev: null, ...extra }
})
const firstHead = { collection: COLLECTION, ownerSeed: key(0x01), seq: 1, root: ROOT1 }

const record = (name: string, description: string, extra: Record<string, unknown> = {}): VectorCase => ({
  name, kind: 'record', description, seed: name,
  inputs: { collectionKey: key(0x10), collection: COLLECTION, authorSeed: key(0x01), content: toHex(encodeCanonical({ op: 'remove', item: ITEM })), ...extra }
})

export const cases: VectorCase[] = [
  { name: 'padme-table', kind: 'padme', description: 'Padmé lengths (PURBs, section 4) for a range of sizes', inputs: { lengths: [0, 1, 7, 8, 9, 100, 1000, 1025, 65537, 1048577, 52428803, 4294967297] } },
  { name: 'recovery-key-basic', kind: 'recovery-key', description: 'human encoding of a recovery key: Crockford base32 of key || 3-byte checksum, groups of 4', inputs: { key: toHex(new Uint8Array(32).map((_, i) => i)) } },
  { name: 'cbor-canonical', kind: 'cbor', description: 'a canonical dag-cbor map decodes and re-encodes to the same bytes', inputs: { bytes: 'a2616102616201' } },
  { name: 'cbor-unsorted-keys', kind: 'cbor', description: 'map keys out of dag-cbor order are rejected', inputs: { bytes: 'a2616201616102' } },
  { name: 'cbor-non-minimal-int', kind: 'cbor', description: 'an integer in more bytes than needed is rejected', inputs: { bytes: '1801' } },
  { name: 'cid-raw', kind: 'cid', description: 'a raw block verifies against its CIDv1 sha2-256', inputs: { cid: ROOT1, bytes: hexText('hello') } },
  { name: 'cid-mismatch', kind: 'cid', description: 'a block whose bytes differ from its CID is rejected', inputs: { cid: ROOT1, bytes: hexText('hellO') } },

  box('box-basic', 'box round trip: 0x01 || nonce || XChaCha20-Poly1305, aad = label || 0x00 || context'),
  box('box-padded', 'padded box: plaintext || 0x80 || zeros to padme(len + 1)', { pad: true }),
  box('box-wrong-key', 'a box opened with another key fails', { open: { key: key(0x12) } }),
  box('box-wrong-label', 'a box opened under another label fails', { open: { label: 'obscura/v1/box/manifest' } }),
  box('box-wrong-context', 'a box opened with another context (id) fails', { open: { context: ITEM } }),
  box('box-flipped-byte', 'a box with one ciphertext bit flipped fails', { open: { flip: 30 } }),
  box('box-truncated', 'a box missing its last byte fails', { open: { truncate: 48 } }),

  { name: 'seal-basic', kind: 'seal', description: 'sealed box to an X25519 key: 0x01 || epk || nonce || ciphertext', seed: 'seal-basic', inputs: { recipientSecret: key(0x33), label: 'collection-key', plaintext: key(0x10) } },
  { name: 'seal-wrong-recipient', kind: 'seal', description: 'another X25519 secret cannot open it', seed: 'seal-wrong-recipient', inputs: { recipientSecret: key(0x33), openSecret: key(0x34), label: 'collection-key', plaintext: key(0x10) } },
  { name: 'seal-wrong-label', kind: 'seal', description: 'the same recipient under another label cannot open it', seed: 'seal-wrong-label', inputs: { recipientSecret: key(0x33), label: 'collection-key', openLabel: 'file-key', plaintext: key(0x10) } },

  stream('stream-empty', 'empty input: one chunk of 1024 zero bytes, flagged last', { plaintext: { hex: '' } }),
  stream('stream-1-byte', '1 byte: one chunk padded to 1024 bytes', { plaintext: { hex: '2a' } }),
  stream('stream-1-mib', 'exactly 1 MiB: one full chunk, flagged last', { plaintext: pattern(MIB) }),
  stream('stream-1-mib-plus-1', '1 MiB + 1: a full chunk then a padded last chunk', { plaintext: pattern(MIB + 1) }),
  stream('stream-reordered', 'chunks 0 and 1 swapped: fails at chunk 0, nothing emitted', { plaintext: pattern(2 * MIB + 100), tamper: [{ op: 'swap', a: 0, b: 1 }] }),
  stream('stream-swapped', 'chunk 1 replaced by chunk 1 of another file under the same key', { plaintext: pattern(2 * MIB + 100), other: pattern(2 * MIB + 100, 7), tamper: [{ op: 'from-other', index: 1 }] }),
  stream('stream-truncated', 'last chunk dropped: truncation after 2 MiB emitted', { plaintext: pattern(2 * MIB + 100), tamper: [{ op: 'drop', index: 2 }] }),
  stream('stream-extended', 'last chunk duplicated: trailing data, last plaintext withheld', { plaintext: pattern(2 * MIB + 100), tamper: [{ op: 'duplicate', index: 2 }] }),
  stream('stream-trailing-chunk', 'a chunk of another file appended after the last', { plaintext: pattern(MIB + 1), other: pattern(MIB + 1, 3), tamper: [{ op: 'append-other', index: 0 }] }),
  stream('stream-bit-flip-ciphertext', 'one ciphertext bit of chunk 0 flipped', { plaintext: pattern(MIB + 1), tamper: [{ op: 'flip', chunk: 0, offset: 12345, mask: 1 }] }),
  stream('stream-bit-flip-tag', 'one tag bit of the last chunk flipped', { plaintext: pattern(MIB + 1), tamper: [{ op: 'flip', chunk: 1, offset: -1, mask: 128 }] }),
  stream('stream-truncated-chunk', 'chunk 0 cut short', { plaintext: pattern(MIB + 1), tamper: [{ op: 'truncate-chunk', chunk: 0, length: 1000 }] }),
  stream('stream-wrong-key', 'decrypting with another file key fails the key commitment before any chunk', { plaintext: { hex: '2a' }, decryptKey: key(0x43) }),

  head('head-valid', 'a first head (seq 1, prev null), signed by the owner', {}),
  head('head-successor', 'seq 2 signed by a collaborator, prev = CID of head 1', { seq: 2, root: ROOT2, prev: 'previous', signerSeed: key(0x02), previous: firstHead }),
  head('head-forged-signature', 'one signature bit flipped', { flipSignatureByte: 10 }),
  head('head-stale-seq', 'seq 3 after seq 1', { seq: 3, root: ROOT2, prev: 'previous', previous: firstHead }),
  head('head-wrong-prev', 'seq 2 whose prev is not the current head', { seq: 2, root: ROOT2, prev: ROOT1, previous: firstHead }),
  head('head-rollback', 'seq 1 after the client has seen seq 2', { lastSeen: { seq: 2, root: ROOT2 } }),
  head('head-fork', 'seq 1 with a root other than the seq-1 root the client saw', { lastSeen: { seq: 1, root: ROOT2 } }),

  record('record-basic', 'a record boxed under the collection key and signed by its author'),
  record('record-forged-author', "a record whose author field was replaced by the owner's key", { authorSeed: key(0x03), claimAuthorSeed: key(0x01) }),
  record('record-unauthorised-author', 'a validly signed record by a key that is not a member', { authorSeed: key(0x03), allowedSeeds: [key(0x01)] }),
  record('record-epoch', 'a record under key epoch 2: the epoch is in the box context and the signed message', { epoch: 2, collectionKey: key(0x12) }),
  record('record-epoch-swapped', "a record of epoch 2 whose epoch field was changed to 3: its signature fails", { epoch: 2, collectionKey: key(0x12), claimEpoch: 3 }),
  { name: 'rekey-previous', kind: 'rekey', description: "a rekey op's previous key: the epoch-0 key boxed under the epoch-1 key", seed: 'rekey-previous', inputs: { collection: COLLECTION, newKey: key(0x12), previousKey: key(0x10), previousEpoch: 0 } },
  { name: 'rekey-wrong-epoch', kind: 'rekey', description: 'a previous-key box opened as the key of another epoch fails', seed: 'rekey-wrong-epoch', inputs: { collection: COLLECTION, newKey: key(0x13), previousKey: key(0x12), previousEpoch: 1, openEpoch: 0 } },
  { name: 'link-keys-basic', kind: 'link-keys', description: "a public link's keys from the secret in its URL, and the collection key boxed under its wrap key", seed: 'link-keys-basic', inputs: { secret: key(0x61), collection: COLLECTION, epoch: 0, collectionKey: key(0x10) } },
  { name: 'link-keys-password', kind: 'link-keys', description: "a password link: the password part is HKDF's salt, so the URL alone opens nothing", seed: 'link-keys-password', inputs: { secret: key(0x61), passwordPart: key(0x62), collection: COLLECTION, epoch: 1, collectionKey: key(0x12), openPasswordPart: key(0x63) } },
  { name: 'grant-basic', kind: 'grant', description: "a member's grant token for one node and collection", inputs: { memberSeed: key(0x02), node: '12D3KooWExampleNodePeerId', collection: COLLECTION, expiresAt: 1700000000000 } },
  { name: 'grant-forged', kind: 'grant', description: 'a grant token with one signature bit flipped', inputs: { memberSeed: key(0x02), node: '12D3KooWExampleNodePeerId', collection: COLLECTION, expiresAt: 1700000000000, flipSignatureByte: 5 } },
  { name: 'invitation-basic', kind: 'invitation', description: "a user's invitation: node, addresses, username and keys, signed by the user", inputs: { userSeed: key(0x02), boxPublicKey: key(0x22), node: INVITED_NODE, addrs: ['/ip4/192.0.2.7/tcp/4001'], username: 'bob', createdAt: 1700000000000 } },
  { name: 'invitation-tampered', kind: 'invitation', description: "an invitation whose addresses were replaced after signing: its signature fails", inputs: { userSeed: key(0x02), boxPublicKey: key(0x22), node: INVITED_NODE, addrs: ['/ip4/192.0.2.7/tcp/4001'], username: 'bob', createdAt: 1700000000000, claimAddrs: ['/ip4/198.51.100.9/tcp/4001'] } },
  {
    name: 'commit-basic', kind: 'commit', description: 'a first commit with two records; links sorted and deduplicated', seed: 'commit-basic',
    inputs: {
      collectionKey: key(0x10), collection: COLLECTION, authorSeed: key(0x01), seq: 1, prev: null, links: [ROOT2, ROOT1, ROOT2],
      contents: [toHex(encodeCanonical({ op: 'meta', name: 'Shanghai 2023', kind: 'album' })), toHex(encodeCanonical({ op: 'trash', item: ITEM }))]
    }
  },
  { name: 'manifest-basic', kind: 'manifest', description: 'a photo manifest with an original and a thumbnail part', seed: 'manifest-basic', inputs: { fileKey: key(0x51), item: ITEM } },
  { name: 'manifest-wrong-item', kind: 'manifest', description: 'the manifest of one item opened as another item', seed: 'manifest-wrong-item', inputs: { fileKey: key(0x51), item: ITEM, openItem: COLLECTION } },

  { name: 'key-bundle-basic', kind: 'key-bundle', description: 'account creation (Argon2id 64 MiB, t=3) and unlock with the password', seed: 'key-bundle-basic', inputs: { password: 'correct horse battery staple' } },
  { name: 'key-bundle-wrong-password', kind: 'key-bundle', description: 'unlocking with the wrong password', seed: 'key-bundle-wrong-password', inputs: { password: 'correct horse battery staple', unlockPassword: 'wrong' } }
]
