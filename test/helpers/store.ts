/**
 * Looking at a test node's data folder from outside, as an operator (or an attacker with the
 * disk) would: where a block's file is (blockstore-fs's default layout: the base32upper multihash
 * as file name, in a folder named by its last two characters), which block files exist, and
 * every file under the folder.
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { base32upper } from 'multiformats/bases/base32'
import type { CID } from 'multiformats/cid'

/** Path of the file holding `cid` under `<dataDir>/blocks` (blockstore-fs NextToLast sharding). */
export function blockPath (dataDir: string, cid: CID): string {
  const name = base32upper.encoder.encode(cid.multihash.bytes)
  return join(dataDir, 'blocks', name.slice(-2), `${name}.data`)
}

/** Every regular file under `dir`, recursively. */
export async function listFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  const visit = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) await visit(full)
      else if (entry.isFile()) out.push(full)
    }
  }
  await visit(dir)
  return out.sort()
}

/** Block files (paths) currently in the blockstore. */
export async function blockFiles (dataDir: string): Promise<Set<string>> {
  return new Set((await listFiles(join(dataDir, 'blocks'))).filter((f) => f.endsWith('.data')))
}

/** Total size of the block files. */
export async function blockBytes (dataDir: string): Promise<number> {
  let total = 0
  for (const file of await blockFiles(dataDir)) total += (await stat(file)).size
  return total
}
