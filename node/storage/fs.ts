/**
 * The embedded default blockstore: one file per block under `<data>/blocks`, sharded by the
 * CID's last characters (blockstore-fs's default), written atomically.
 */
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'

export async function openFsBlockstore (dataDir: string): Promise<FsBlockstore> {
  const store = new FsBlockstore(join(dataDir, 'blocks'))
  await store.open()
  return store
}
