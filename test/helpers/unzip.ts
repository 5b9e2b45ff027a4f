/**
 * Reads a zip of stored (uncompressed) entries, as client-zip writes them, for tests: the central
 * directory gives each entry's name, size and where its local header is; the bytes follow that
 * header. Deflated entries are inflated with Node's zlib. Not ZIP64: tests zip small files.
 */
import { inflateRawSync } from 'node:zlib'

export interface ZipEntry { name: string, bytes: Buffer, modified: Date }

export function unzip (zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error('no end of central directory')
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`central header ${i} is damaged`)
    const method = zip.readUInt16LE(at + 10)
    const time = zip.readUInt16LE(at + 12)
    const date = zip.readUInt16LE(at + 14)
    const compressed = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(start, start + compressed)
    const modified = new Date((date >> 9) + 1980, ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2)
    entries.push({ name, bytes: method === 0 ? Buffer.from(raw) : inflateRawSync(raw), modified })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}
