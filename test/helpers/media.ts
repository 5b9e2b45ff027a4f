/**
 * Media fixtures made on the fly: a JPEG with EXIF camera and GPS tags (sharp, then exiftool), a
 * PNG, a short MP4 (ffmpeg's lavfi test source) and files of random bytes of any size. Each call
 * makes fresh content, so two fixtures never deduplicate by accident. ffmpeg and exiftool come
 * from tools.ts (npm's, when the machine has none).
 */
import { randomBytes } from 'node:crypto'
import { open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { runTool } from './tools.ts'

/** A noisy image, so that each fixture has different bytes. */
function noise (width: number, height: number): { data: Buffer, info: { width: number, height: number, channels: 3 } } {
  return { data: randomBytes(width * height * 3), info: { width, height, channels: 3 } }
}

export interface ExifTags {
  make?: string
  model?: string
  description?: string
  /** Decimal degrees; south and west are negative. */
  gps?: { latitude: number, longitude: number }
}

export async function makeJpeg (path: string, tags: ExifTags = {}): Promise<void> {
  const { data, info } = noise(96, 64)
  await sharp(data, { raw: info }).jpeg({ quality: 80 }).toFile(path)
  const args: string[] = []
  if (tags.make != null) args.push(`-Make=${tags.make}`)
  if (tags.model != null) args.push(`-Model=${tags.model}`)
  if (tags.description != null) args.push(`-ImageDescription=${tags.description}`)
  if (tags.gps != null) {
    const { latitude, longitude } = tags.gps
    args.push(`-GPSLatitude=${Math.abs(latitude)}`, `-GPSLatitudeRef=${latitude < 0 ? 'S' : 'N'}`,
      `-GPSLongitude=${Math.abs(longitude)}`, `-GPSLongitudeRef=${longitude < 0 ? 'W' : 'E'}`)
  }
  if (args.length > 0) await runTool('exiftool', ['-q', '-overwrite_original', ...args, path])
}

/** Reads back tags with exiftool (checks that a fixture really carries what the test relies on). */
export async function readExif (path: string): Promise<Record<string, unknown>> {
  const stdout = await runTool('exiftool', ['-json', '-n', path])
  return (JSON.parse(stdout) as Array<Record<string, unknown>>)[0] ?? {}
}

export async function makePng (path: string): Promise<void> {
  const { data, info } = noise(80, 60)
  await sharp(data, { raw: info }).png().toFile(path)
}

/** About a second of ffmpeg's test pattern, H.264 in MP4, optionally with a title tag. */
export async function makeMp4 (path: string, title?: string): Promise<void> {
  await runTool('ffmpeg', [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=1:size=160x120:rate=10',
    '-pix_fmt', 'yuv420p', ...(title != null ? ['-metadata', `title=${title}`] : []), path
  ])
}

/** `size` random bytes, written 1 MiB at a time. */
export async function makeRandomFile (path: string, size: number): Promise<void> {
  const file = await open(path, 'w')
  try {
    for (let written = 0; written < size;) {
      const piece = randomBytes(Math.min(1024 * 1024, size - written))
      await file.write(piece)
      written += piece.byteLength
    }
  } finally {
    await file.close()
  }
}

/** A file an upload must refuse, and the reason it must give. */
export interface RefusedFixture { name: string, reason: string }

/**
 * Files that are no photo or video, each with the reason an upload gives for it: notes, a PDF,
 * an empty `.jpg`, a `.jpg` of random bytes and a JPEG whose header is right but whose data is not.
 */
export async function makeRefusedFiles (dir: string): Promise<RefusedFixture[]> {
  const pdf = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
  const files: Array<RefusedFixture & { bytes: Uint8Array }> = [
    { name: 'notes.txt', bytes: Buffer.from('Shopping list\n- film\n- batteries\n'), reason: 'it is a text file, not a photo or video' },
    { name: 'invoice.pdf', bytes: Buffer.from(pdf), reason: 'it is a PDF document, not a photo or video' },
    { name: 'empty.jpg', bytes: new Uint8Array(0), reason: 'the file is empty (0 bytes)' },
    { name: 'noise.jpg', bytes: Buffer.concat([Buffer.from([0x00, 0x9c]), randomBytes(3000)]), reason: 'its content is not a photo or video format Obscura knows' },
    {
      name: 'fake.jpg',
      bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0]), randomBytes(5000).map((b) => b === 0xff ? 0 : b)]),
      reason: 'the file is damaged: it could not be decoded'
    }
  ]
  for (const file of files) await writeFile(join(dir, file.name), file.bytes)
  return files.map(({ name, reason }) => ({ name, reason }))
}
