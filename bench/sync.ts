/**
 * `npm run bench -- sync`: opening (full sync) a 100 000-item album from a fresh client, then a
 * sync that brings 10 new items into an already-synced client; the same with a 100-item album,
 * so that the cost of an incremental sync can be compared across album sizes. Items are written
 * as real signed, encrypted records in commits of 1 000 (as a batch upload makes them); they
 * all point at one real uploaded manifest, since this measures the log, not the blocks.
 */
import { Library } from '../src/client/library.ts'
import { signup } from '../src/client/session.ts'
import { newId } from '../src/format/ids.ts'
import { sealManifest } from '../src/format/manifest.ts'
import { createStreamEncryptor } from '../src/crypto/stream.ts'
import { wrapFileKey, newKey } from '../src/crypto/wrap.ts'
import { startTestNode } from '../test/helpers/node.ts'
import { round, type BenchResult } from './lib.ts'
import type { CollectionState } from '../src/client/collection.ts'
import type { AddOp } from '../src/format/record-ops.ts'
import type { CID } from '../src/format/cid.ts'

const BATCH = 1000

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** A user with one real uploaded manifest that every generated item points at. */
async function benchUser (url: string, username: string): Promise<{ library: Library, manifest: CID, fileKey: Uint8Array }> {
  const { account } = await signup(url, username, 'bench password 1')
  const library = new Library(account)
  await library.sync()
  const fileKey = newKey()
  const encryptor = createStreamEncryptor(fileKey)
  for await (const chunk of encryptor.encrypt([new Uint8Array(1000)])) await account.api.putBlock(chunk.cid.toString(), chunk.bytes)
  const sealed = await sealManifest(fileKey, newId(), {
    v: 1, kind: 'photo', name: 'x.jpg', mime: 'image/jpeg', size: 1000, contentTag: newKey(), parts: { original: encryptor.descriptor() }
  })
  await account.api.putBlock(sealed.cid.toString(), sealed.bytes)
  return { library, manifest: sealed.cid, fileKey }
}

async function fill (library: Library, album: CollectionState, count: number, manifest: CID, fileKey: Uint8Array): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    const ops: AddOp[] = []
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      const item = newId()
      ops.push({
        op: 'add', item, manifest, fileKey: wrapFileKey(album.key, item, fileKey), name: `IMG_${String(i).padStart(6, '0')}.JPG`,
        size: 3_000_000, mime: 'image/jpeg', kind: 'photo', takenAt: 1_600_000_000_000 + i * 60_000, contentTag: newKey(), addedAt: Date.now()
      })
    }
    await library.commit(album, ops, { links: done === 0 ? [manifest] : [] })
  }
}

async function measure (url: string, name: string, count: number): Promise<{ fullMs: number, incrementalMs: number }> {
  const { library, manifest, fileKey } = await benchUser(url, name.toLowerCase())
  const album = await library.ensureAlbum(name)
  await fill(library, album, count, manifest, fileKey)

  const reader = new Library(library.account)
  const t0 = performance.now()
  await reader.sync()
  const fullMs = performance.now() - t0
  if (reader.findAlbum(name)?.items.size !== count) throw new Error(`expected ${count} items after a full sync`)

  const samples: number[] = []
  for (let round = 1; round <= 5; round++) {
    await fill(library, album, 10, manifest, fileKey)
    const t1 = performance.now()
    await reader.sync()
    samples.push(performance.now() - t1)
    if (reader.findAlbum(name)?.items.size !== count + 10 * round) throw new Error('the incremental sync missed items')
  }
  return { fullMs, incrementalMs: median(samples) }
}

export async function run (): Promise<BenchResult> {
  const node = await startTestNode({ accounts: { openSignup: true } })
  try {
    const small = await measure(node.url, 'Small', 100)
    const large = await measure(node.url, 'Large', 100_000)
    return {
      name: 'sync',
      figures: {
        'full sync, 100 000-item album': { value: round(large.fullMs, 0), unit: 'ms' },
        'sync of 10 new items, 100 000-item album': { value: round(large.incrementalMs, 1), unit: 'ms', target: '< 50' },
        'full sync, 100-item album': { value: round(small.fullMs, 1), unit: 'ms' },
        'sync of 10 new items, 100-item album': { value: round(small.incrementalMs, 1), unit: 'ms' },
        'incremental cost ratio, 100 000 vs 100 items': { value: round(large.incrementalMs / small.incrementalMs), unit: 'x', target: '~1' }
      },
      notes: [
        'client and node in one process over loopback HTTP; each album belongs to its own user, so a full sync reads only that album',
        'a full sync verifies every commit, the head signature and every record signature; incremental figures are medians of 5 runs'
      ]
    }
  } finally {
    await node.stop()
  }
}
