/**
 * Executes `stream` vectors: encrypt a plaintext under a file key with the injected salt, record
 * every sealed chunk's CID (and bytes, when small), optionally tamper with the chunk sequence,
 * then decrypt and record how many plaintext bytes were emitted before success or failure.
 */
import { createHash } from 'node:crypto'
import { createStreamEncryptor, decryptStream, type SealedChunk } from '../../src/crypto/stream.ts'
import type { RandomSource } from '../../src/crypto/random.ts'
import { hex, toHex } from '../crypto/helpers.ts'

/** Plaintext as hex, or as `length` bytes where byte i = (i * 31 + seed) mod 256. */
export type PlaintextSpec = { hex: string } | { pattern: 'i*31+seed', length: number, seed: number }

export type TamperOp =
  | { op: 'drop', index: number }
  | { op: 'swap', a: number, b: number }
  | { op: 'duplicate', index: number }
  | { op: 'flip', chunk: number, offset: number, mask: number }
  | { op: 'from-other', index: number }
  | { op: 'append-other', index: number }
  | { op: 'truncate-chunk', chunk: number, length: number }

export interface StreamInputs {
  fileKey: string
  plaintext: PlaintextSpec
  /** A second stream (same key, own salt) to take chunks from. */
  other?: PlaintextSpec
  tamper?: TamperOp[]
  /** Decrypt with this key instead of fileKey. */
  decryptKey?: string
}

/** Chunks up to this size are stored in the vector in full. */
const INLINE_LIMIT = 4096

export function plaintextOf (spec: PlaintextSpec): Uint8Array {
  if ('hex' in spec) return hex(spec.hex)
  const out = new Uint8Array(spec.length)
  for (let i = 0; i < spec.length; i++) out[i] = (i * 31 + spec.seed) & 0xff
  return out
}

async function encrypt (fileKey: Uint8Array, spec: PlaintextSpec, random: RandomSource): Promise<{ chunks: SealedChunk[], descriptor: ReturnType<ReturnType<typeof createStreamEncryptor>['descriptor']> }> {
  const encryptor = createStreamEncryptor(fileKey, { random })
  const chunks: SealedChunk[] = []
  for await (const chunk of encryptor.encrypt([plaintextOf(spec)])) chunks.push(chunk)
  return { chunks, descriptor: encryptor.descriptor() }
}

function tamper (chunks: Uint8Array[], other: Uint8Array[], ops: TamperOp[]): Uint8Array[] {
  const out = chunks.map((c) => c.slice())
  for (const op of ops) {
    if (op.op === 'drop') out.splice(op.index, 1)
    if (op.op === 'swap') [out[op.a], out[op.b]] = [out[op.b]!, out[op.a]!]
    if (op.op === 'duplicate') out.splice(op.index + 1, 0, out[op.index]!.slice())
    if (op.op === 'from-other') out[op.index] = other[op.index]!.slice()
    if (op.op === 'append-other') out.push(other[op.index]!.slice())
    if (op.op === 'truncate-chunk') out[op.chunk] = out[op.chunk]!.subarray(0, op.length)
    if (op.op === 'flip') {
      const chunk = out[op.chunk]!
      const at = op.offset < 0 ? chunk.length + op.offset : op.offset
      chunk[at] = (chunk[at] as number) ^ op.mask
    }
  }
  return out
}

export async function executeStream (inputs: StreamInputs, random: RandomSource, out: Record<string, unknown>): Promise<void> {
  const fileKey = hex(inputs.fileKey)
  const { chunks, descriptor } = await encrypt(fileKey, inputs.plaintext, random)
  out.salt = toHex(descriptor.salt)
  out.commitment = toHex(descriptor.commitment)
  out.size = descriptor.size
  out.chunks = chunks.map((c) => ({ cid: c.cid.toString(), size: c.bytes.length, last: c.last, ...(c.bytes.length <= INLINE_LIMIT ? { hex: toHex(c.bytes) } : {}) }))
  const other = inputs.other === undefined ? [] : (await encrypt(fileKey, inputs.other, random)).chunks.map((c) => c.bytes)
  const sealed = tamper(chunks.map((c) => c.bytes), other, inputs.tamper ?? [])
  const hash = createHash('sha256')
  let emitted = 0
  out.emittedBytes = 0
  const key = inputs.decryptKey === undefined ? fileKey : hex(inputs.decryptKey)
  for await (const piece of decryptStream(sealed, { fileKey: key, descriptor })) {
    hash.update(piece)
    emitted += piece.length
    out.emittedBytes = emitted
  }
  out.plaintextSha256 = hash.digest('hex')
}
