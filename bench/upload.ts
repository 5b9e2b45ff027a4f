/**
 * `npm run bench -- upload`: the CLI's encrypted upload of 512 MiB of files into a local node,
 * against Helia's own unencrypted unixfs `addBytes` of the same bytes into the same kind of
 * blockstore (filesystem), measured in the same run. Also uploads one 1 GiB file to show that
 * the client's and the node's peak memory do not grow with file size.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { unixfs } from '@helia/unixfs'
import { FsBlockstore } from 'blockstore-fs'
import { createHeliaLight } from 'helia'
import { MiB, mbPerSecond, peakRssOf, round, type BenchResult } from './lib.ts'
import { runCli, startNodeProcess } from './processes.ts'

const FILES = 8
const FILE_MIB = 64
const LARGE_MIB = 1024

/** Random bytes: `mib` MiB and `extra` bytes more. */
async function writeRandomFile (path: string, mib: number, extra = 0): Promise<void> {
  async function * chunks (): AsyncGenerator<Buffer> {
    for (let i = 0; i < mib; i++) yield randomBytes(MiB)
    if (extra > 0) yield randomBytes(extra)
  }
  await pipeline(chunks(), createWriteStream(path))
}

async function baselineAddBytes (paths: string[], dir: string): Promise<number> {
  const blockstore = new FsBlockstore(dir)
  await blockstore.open()
  const helia = createHeliaLight({ blockstore })
  await helia.start()
  const fs = unixfs(helia)
  const started = performance.now()
  for (const path of paths) await fs.addBytes(await readFile(path))
  const ms = performance.now() - started
  await helia.stop()
  await blockstore.close()
  return ms
}

export async function run (): Promise<BenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'obscura-bench-upload-'))
  try {
    const filesDir = join(work, 'files')
    const sameSizeDir = join(work, 'same-size')
    const largeDir = join(work, 'large')
    await mkdir(filesDir)
    await mkdir(sameSizeDir)
    await mkdir(largeDir)
    // Real photos and videos differ in size, which lets the client hash each new file along with
    // its encryption (src/client/upload.ts, [Note: one read per new file]); files of equal size
    // are read twice, once for the duplicate check. Both are measured.
    const paths: string[] = []
    for (let i = 0; i < FILES; i++) {
      const path = join(filesDir, `data-${i}.bin`)
      await writeRandomFile(path, FILE_MIB, (i + 1) * 4099)
      paths.push(path)
      await writeRandomFile(join(sameSizeDir, `same-${i}.bin`), FILE_MIB)
    }
    await writeRandomFile(join(largeDir, 'large.bin'), LARGE_MIB)
    const totalBytes = paths.reduce((sum, _, i) => sum + FILE_MIB * MiB + (i + 1) * 4099, 0)

    const baselineMs = await baselineAddBytes(paths, join(work, 'baseline-blocks'))

    const node = await startNodeProcess(join(work, 'node'))
    const env = { OBSCURA_HOME: join(work, 'home'), OBSCURA_PASSWORD: 'bench password 1', OBSCURA_NODE: node.url }
    try {
      await runCli(['signup', 'bench'], env)
      const small = await runCli(['upload', '--any-file', filesDir, '--album', 'Bench'], env)
      const sameSize = await runCli(['upload', '--any-file', sameSizeDir, '--album', 'Bench same size'], env)
      const large = await runCli(['upload', '--any-file', largeDir, '--album', 'Bench large'], env)
      const nodePeak = await peakRssOf(node.child.pid as number) ?? 0
      const oursMbps = mbPerSecond(totalBytes, small.ms)
      const baseMbps = mbPerSecond(totalBytes, baselineMs)
      return {
        name: 'upload',
        figures: {
          'encrypted CLI upload (512 MiB, 8 files)': { value: round(oursMbps), unit: 'MB/s' },
          'helia unixfs addBytes, fs blockstore': { value: round(baseMbps), unit: 'MB/s' },
          'ratio encrypted / unencrypted': { value: round(oursMbps / baseMbps), unit: 'x', target: '>= 0.5' },
          'encrypted CLI upload, 8 files of one size (read twice)': { value: round(mbPerSecond(FILES * FILE_MIB * MiB, sameSize.ms)), unit: 'MB/s' },
          'encrypted CLI upload (1 GiB, 1 file)': { value: round(mbPerSecond(LARGE_MIB * MiB, large.ms)), unit: 'MB/s' },
          'client peak RSS, 64 MiB files': { value: round(small.peakRssMiB, 0), unit: 'MiB' },
          'client peak RSS, 1 GiB file': { value: round(large.peakRssMiB, 0), unit: 'MiB', target: 'same as 64 MiB files' },
          'node peak RSS over both uploads': { value: round(nodePeak, 0), unit: 'MiB' }
        },
        notes: [
          'the CLI time includes process start, login state load, content tagging, encryption, upload over loopback HTTP and commits',
          'the 8 files differ in size by a few KiB, as real files do, so each is read once; the same-size run shows the cost of reading each file twice (tag first)',
          'the baseline time includes reading each file into memory and addBytes; it runs in this process',
          'the files are random bytes named .bin, so no thumbnails are made: `npm run bench -- media` measures the media step'
        ]
      }
    } finally {
      await node.stop()
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
