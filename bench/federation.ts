/**
 * `npm run bench -- federation`: an album on node A read by a member whose account is on node B,
 * over libp2p on loopback. A 256 MiB album (32 files of 8 MiB): the time to open it through B
 * (B fetches and checks the log from A), then its download through B — first read (every block
 * crosses from A to B, is checked against its CID and cached) against the second read (B's
 * cache, nothing crosses) and against the owner reading the same album from A directly. Then a
 * 1 000-item album with thumbnails: the time from a fresh client's first request to the first
 * thumbnail decrypted (sync through B, then the first item's manifest and thumbnail from A).
 * Last, the collaborator write path: a 64 MiB upload by a collaborator on B into an album of A
 * (stored on B, then pushed to A over libp2p as the commit goes to A) against the owner's own
 * upload of the same size on A, in the same run.
 */
import { randomBytes } from 'node:crypto'
import { createInvitationText, shareWithInvitation } from '../src/client/federation.ts'
import { openItem, readPart } from '../src/client/download.ts'
import { Library } from '../src/client/library.ts'
import { signup, type Account } from '../src/client/session.ts'
import { uploadFiles, type UploadSource } from '../src/client/upload.ts'
import { startTestNode } from '../test/helpers/node.ts'
import { MiB, mbPerSecond, round, type BenchResult } from './lib.ts'
import type { CollectionState } from '../src/client/collection.ts'
import type { MediaProcessor } from '../src/media/index.ts'

const FILES = 32
const FILE_BYTES = 8 * MiB
const ITEMS = 1000
const WRITE_FILES = 8

function source (name: string, bytes: Uint8Array, mtime: number): UploadSource {
  return { name, size: bytes.byteLength, mtime, open: async function * () { yield bytes } }
}

/** Reads every item of `state` in full through `account`'s node; returns the plaintext bytes read. */
async function readAll (account: Account, state: CollectionState): Promise<number> {
  let total = 0
  for (const item of state.items.values()) {
    const opened = await openItem(account.api, state, item)
    for await (const piece of readPart(account.api, opened)) total += piece.byteLength
  }
  return total
}

async function timed<T> (fn: () => Promise<T>): Promise<{ ms: number, value: T }> {
  const started = performance.now()
  const value = await fn()
  return { ms: performance.now() - started, value }
}

/** Thumbnails without decoding anything: a small random "image" per file, as a processor would hand over. */
const stubThumbnails: MediaProcessor = {
  describe: async () => ({ metadata: {}, thumbnail: { bytes: new Uint8Array(randomBytes(12_000)), mime: 'image/jpeg', width: 256, height: 192 }, notes: [] })
}

export async function run (): Promise<BenchResult> {
  // Random bytes are made before the nodes start: making them blocks this process (nodes and
  // clients alike) for seconds on a busy machine, long enough for a gateway to drop a kept-alive
  // connection just as a client reuses it.
  const bigFiles = Array.from({ length: FILES }, (_, i) => source(`big-${i}.bin`, new Uint8Array(randomBytes(FILE_BYTES)), Date.UTC(2023, 0, 1 + i)))
  const files = (prefix: string): UploadSource[] => Array.from({ length: WRITE_FILES }, (_, i) => source(`${prefix}-${i}.bin`, new Uint8Array(randomBytes(FILE_BYTES)), Date.UTC(2024, 0, 1 + i)))
  const ownerFiles = files('owner')
  const bobFiles = files('bob')
  const a = await startTestNode({ accounts: { openSignup: true, defaultQuotaBytes: 4 * 1024 ** 3 } })
  const b = await startTestNode({ accounts: { openSignup: true } })
  try {
    const alice = (await signup(a.url, 'alice', 'bench password 1')).account
    const bob = (await signup(b.url, 'bob', 'bench password 2')).account
    const owner = new Library(alice)
    await owner.sync()
    const invitation = await createInvitationText(bob)

    const big = await owner.ensureAlbum('Big')
    await uploadFiles(owner, bigFiles, { targets: [big] })
    await shareWithInvitation(owner, big, invitation, 'viewer')
    const bytes = FILES * FILE_BYTES

    const local = await timed(async () => await readAll(alice, big))
    const member = new Library(bob)
    const open = await timed(async () => { await member.sync() })
    const shared = member.findShared('Big')
    if (shared == null || shared.state.items.size !== FILES) throw new Error('the shared album did not open on B')
    const before = { ...b.node.federation.stats }
    const first = await timed(async () => await readAll(bob, shared.state))
    const afterFirst = { ...b.node.federation.stats }
    const cached = await timed(async () => await readAll(bob, shared.state))
    const afterCached = { ...b.node.federation.stats }
    if (first.value !== bytes || cached.value !== bytes || local.value !== bytes) throw new Error('short read')

    const thousand = await owner.ensureAlbum('Thousand')
    const sources = Array.from({ length: ITEMS }, (_, i) => source(`IMG_${String(i).padStart(4, '0')}.JPG`, new Uint8Array(randomBytes(4_000)), Date.UTC(2023, 5, 1) + i * 60_000))
    await uploadFiles(owner, sources, { targets: [thousand], media: stubThumbnails, batchSize: 1000 })
    await shareWithInvitation(owner, thousand, invitation, 'viewer')
    const fresh = new Library(bob)
    const thumb = await timed(async () => {
      await fresh.sync()
      const state = fresh.findShared('Thousand')?.state
      if (state == null || state.items.size !== ITEMS) throw new Error('the 1 000-item album did not open on B')
      const newest = [...state.items.values()].sort((x, y) => y.takenAt - x.takenAt)[0]
      if (newest == null) throw new Error('no item')
      const opened = await openItem(bob.api, state, newest)
      let length = 0
      for await (const piece of readPart(bob.api, opened, 'thumbnail')) length += piece.byteLength
      return length
    })
    if (thumb.value !== 12_000) throw new Error('thumbnail length differs')

    const writes = await owner.ensureAlbum('Writes')
    await shareWithInvitation(owner, writes, invitation, 'collaborator')
    const writeBytes = WRITE_FILES * FILE_BYTES
    const ownerWrite = await timed(async () => await uploadFiles(owner, ownerFiles, { targets: [writes] }))
    const collaborator = new Library(bob)
    await collaborator.sync()
    const target = collaborator.findShared('Writes')?.state
    if (target == null) throw new Error('the collaborator album did not open on B')
    const pushedBefore = b.node.federation.stats.pushedBlocks
    const remoteWrite = await timed(async () => await uploadFiles(collaborator, bobFiles, { targets: [target] }))
    if (ownerWrite.value.uploaded !== WRITE_FILES || remoteWrite.value.uploaded !== WRITE_FILES) throw new Error('an upload was short')
    await owner.sync()
    if ([...writes.items.values()].length !== 2 * WRITE_FILES) throw new Error("the collaborator's items did not reach the owner")

    return {
      name: 'federation',
      figures: {
        'album size': { value: bytes / MiB, unit: 'MiB' },
        'open 32-item remote album through B': { value: round(open.ms, 1), unit: 'ms' },
        'first read through B (A -> B over libp2p)': { value: round(mbPerSecond(bytes, first.ms), 1), unit: 'MB/s' },
        'cached read through B': { value: round(mbPerSecond(bytes, cached.ms), 1), unit: 'MB/s' },
        "owner's read from A (baseline)": { value: round(mbPerSecond(bytes, local.ms), 1), unit: 'MB/s' },
        'first read vs baseline': { value: round(local.ms / first.ms, 2), unit: 'x' },
        'cached read vs baseline': { value: round(local.ms / cached.ms, 2), unit: 'x' },
        'blocks fetched from A on first read': { value: afterFirst.remoteBlocks - before.remoteBlocks, unit: 'blocks' },
        'blocks fetched from A on cached read': { value: afterCached.remoteBlocks - afterFirst.remoteBlocks, unit: 'blocks' },
        'time to first thumbnail, 1 000-item remote album': { value: round(thumb.ms, 1), unit: 'ms' },
        "owner's upload on A (64 MiB)": { value: round(mbPerSecond(writeBytes, ownerWrite.ms), 1), unit: 'MB/s' },
        "collaborator's upload through B to A (64 MiB)": { value: round(mbPerSecond(writeBytes, remoteWrite.ms), 1), unit: 'MB/s' },
        'collaborator upload vs owner upload': { value: round(ownerWrite.ms / remoteWrite.ms, 2), unit: 'x' },
        'blocks pushed from B to A': { value: b.node.federation.stats.pushedBlocks - pushedBefore, unit: 'blocks' }
      },
      notes: [
        'two nodes in one process on loopback; each block read through B is a separate HTTP request from the client to B and, on a miss, one libp2p stream from B to A',
        "the collaborator's upload stores every block on B (charged to the collaborator), then B pushes them to A over libp2p, one stream per block, before it forwards the head; it ends when A accepted the head",
        'MB/s are MiB of plaintext per second, as the client decrypts them; time to first thumbnail counts a fresh client syncing its library through B (which syncs the log from A) and decrypting the newest item\'s thumbnail'
      ]
    }
  } finally {
    await b.stop()
    await a.stop()
  }
}
