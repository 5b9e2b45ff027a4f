/**
 * The embedded default blockstore: one file per block under `<data>/blocks`, sharded by the
 * CID's last characters (blockstore-fs's default), written atomically. `list` walks the shards
 * for `obscura node check` (node/storage/listing.ts).
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { NextToLast } from 'blockstore-fs/sharding'
import type { BlockListing, StoredBlock } from './listing.ts'

export type FsBlocks = FsBlockstore & BlockListing

export async function openFsBlockstore (dataDir: string): Promise<FsBlocks> {
  const root = join(dataDir, 'blocks')
  const sharding = new NextToLast()
  const store = new FsBlockstore(root, { shardingStrategy: sharding })
  await store.open()
  return Object.assign(store, { list: () => listFiles(root, sharding) })
}

/**
 * Every `<shard>/<multihash>.data` file. Other names (the temporary files of a write a crash
 * interrupted) are skipped: they are no block.
 */
async function * listFiles (root: string, sharding: NextToLast): AsyncGenerator<StoredBlock> {
  for (const shard of await readdir(root, { withFileTypes: true })) {
    if (!shard.isDirectory()) continue
    for (const file of await readdir(join(root, shard.name), { withFileTypes: true })) {
      if (!file.isFile() || !file.name.endsWith(sharding.extension)) continue
      const path = join(root, shard.name, file.name)
      let cid
      try {
        cid = sharding.decode(file.name)
      } catch {
        continue
      }
      const info = await stat(path).catch(() => undefined)
      if (info != null) yield { cid, name: join('blocks', shard.name, file.name), modifiedAt: info.mtimeMs }
    }
  }
}
