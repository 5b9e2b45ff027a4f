/**
 * The attack on a reused AES-GCM (key, nonce), as an oracle for tests: the XOR of two ciphertexts
 * sealed under one key and nonce equals the XOR of their plaintexts. Given the raw blocks a node
 * stores and two versions of a file that differ in a window of every 1 MiB chunk, it names the
 * pairs of blocks that give away that XOR; a correct client leaves none.
 */
import { readFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { blockPath } from './store.ts'
import type { TestNode } from './node.ts'

const MiB = 1024 * 1024
const RAW_CODEC = 0x55

/** Where each chunk of the two versions differs: bytes [start, end) of every MiB. */
export const EDIT_WINDOW = { start: 16, end: 16 + 64 }

/** The raw blocks (media chunks) the node holds, with their bytes. */
export async function storedChunks (node: TestNode): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  for await (const key of node.node.db.blocks.keys()) {
    const cid = CID.parse(key)
    if (cid.code === RAW_CODEC) out.set(key, new Uint8Array(await readFile(blockPath(node.dataDir, cid))))
  }
  return out
}

/** A copy of `bytes` with random bytes in EDIT_WINDOW of every MiB: an edit in place. */
export function editEveryChunk (bytes: Uint8Array, random: (n: number) => Uint8Array): Uint8Array {
  const edited = bytes.slice()
  for (let offset = EDIT_WINDOW.start; offset + EDIT_WINDOW.end - EDIT_WINDOW.start <= bytes.length; offset += MiB) {
    edited.set(random(EDIT_WINDOW.end - EDIT_WINDOW.start), offset)
  }
  return edited
}

/** Pairs of `chunks` whose XOR is the XOR of the two versions at some chunk position. */
export function keystreamReuse (chunks: Map<string, Uint8Array>, before: Uint8Array, after: Uint8Array): string[] {
  const { start, end } = EDIT_WINDOW
  const plaintextXors: Buffer[] = []
  for (let offset = 0; offset + end <= before.length; offset += MiB) {
    plaintextXors.push(Buffer.from(xor(before.subarray(offset + start, offset + end), after.subarray(offset + start, offset + end))))
  }
  const entries = [...chunks.entries()].filter(([, bytes]) => bytes.length >= end)
  const reused: string[] = []
  for (const [i, [cidA, a]] of entries.entries()) {
    for (const [cidB, b] of entries.slice(i + 1)) {
      const cipherXor = Buffer.from(xor(a.subarray(start, end), b.subarray(start, end)))
      for (const [index, plainXor] of plaintextXors.entries()) {
        if (cipherXor.equals(plainXor)) reused.push(`chunk ${index}: ${cidA} and ${cidB}`)
      }
    }
  }
  return reused
}

function xor (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(a.length, b.length))
  for (let i = 0; i < out.length; i++) out[i] = (a[i] as number) ^ (b[i] as number)
  return out
}
