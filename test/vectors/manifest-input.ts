/**
 * The manifest used by the manifest vectors, built from real stream descriptors (fixed key and
 * salts) and stored in the vector as canonical dag-cbor hex, since it holds bytes and CIDs.
 */
import { createStreamEncryptor, type StreamDescriptor } from '../../src/crypto/stream.ts'
import { encodeCanonical } from '../../src/format/cid.ts'
import { toHex } from '../crypto/helpers.ts'
import { plaintextOf } from './execute-stream.ts'

async function descriptor (length: number, saltByte: number): Promise<StreamDescriptor> {
  const encryptor = createStreamEncryptor(new Uint8Array(32).fill(0x51), { salt: new Uint8Array(16).fill(saltByte) })
  for await (const _chunk of encryptor.encrypt([plaintextOf({ pattern: 'i*31+seed', length, seed: saltByte })]));
  return encryptor.descriptor()
}

export async function buildManifestInput (): Promise<string> {
  const original = await descriptor(1_500_000, 1)
  return toHex(encodeCanonical({
    v: 1,
    kind: 'photo',
    name: 'IMG_0001.HEIC',
    mime: 'image/heic',
    size: original.size,
    contentTag: new Uint8Array(32).fill(7),
    takenAt: { utcMs: 1_700_000_000_000, offsetMinutes: 480 },
    gps: { lat: 31.2304, lon: 121.4737 },
    camera: { make: 'Apple', model: 'iPhone 15' },
    orientation: 6,
    width: 4032,
    height: 3024,
    parts: { original, thumbnail: await descriptor(20_000, 2) }
  }))
}
