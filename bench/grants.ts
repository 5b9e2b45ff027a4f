/**
 * `npm run bench -- grants`: the cost of block-level access checks. First, grant checks per
 * second on one core, as the block read path makes them (`Blocks.canRead` with the block's
 * record fetched, as for a read through the gateway or an authorised S3 URL): the owner's own
 * block (the uploader fast path) against a member's read of the same block, which goes through
 * the container index and the membership cache. Then the end-to-end latency of reading a block
 * through the gateway as the owner and as a member, interleaved, for a photo-sized chunk (1 MiB)
 * and a thumbnail-sized one: the member's added latency is the price of sharing.
 */
import { randomBytes } from 'node:crypto'
import { shareCollection } from '../src/client/sharing.ts'
import { Library } from '../src/client/library.ts'
import { signup, type Account } from '../src/client/session.ts'
import { uploadFiles } from '../src/client/upload.ts'
import { startTestNode } from '../test/helpers/node.ts'
import { round, type BenchResult } from './lib.ts'
import type { CID } from '../src/format/cid.ts'
import type { ObscuraNode } from '../node/node.ts'

const CHECKS = 200_000
const READS = 300

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/** Uploads one file of `size` random bytes into a fresh album; returns its chunks' CIDs. */
async function album (library: Library, name: string, size: number): Promise<{ id: string, chunks: CID[] }> {
  const target = await library.ensureAlbum(name)
  const source = { name: `${name}.bin`, size, mtime: Date.now(), open: async function * () { yield new Uint8Array(randomBytes(size)) } }
  await uploadFiles(library, [source], { targets: [target] })
  const item = [...target.items.values()][0]
  if (item == null) throw new Error('upload failed')
  const record = await (library.account.api.getBlock(item.manifest.toString()))
  const { decodeManifestEnvelope } = await import('../src/format/manifest.ts')
  return { id: target.id, chunks: decodeManifestEnvelope(record).links }
}

/**
 * Checks per second for each user, in alternating rounds so that both see the same machine:
 * `full` is Blocks.canRead as a read makes it (block record from LevelDB, then the decision);
 * `decision` is the grant decision alone, with the record in hand (what sharing adds).
 */
async function checksPerSecond (node: ObscuraNode, userIds: string[], cids: CID[]): Promise<Array<{ full: number, decision: number }>> {
  const users = await Promise.all(userIds.map(async (id) => await node.accounts.get(id)))
  const records = await Promise.all(cids.map(async (cid) => (await node.db.blocks.get(cid.toString()))!))
  const fullMs = users.map(() => 0)
  const decisionMs = users.map(() => 0)
  const round = CHECKS / 10
  for (let r = 0; r < 11; r++) {
    for (const [u, user] of users.entries()) {
      let started = performance.now()
      for (let i = 0; i < round; i++) {
        if (!await node.blocks.canRead(user, cids[i % cids.length] as CID)) throw new Error('check refused')
      }
      if (r > 0) fullMs[u] = (fullMs[u] as number) + performance.now() - started
      started = performance.now()
      for (let i = 0; i < round; i++) {
        const n = i % cids.length
        if (!await node.blocks.canRead(user, cids[n] as CID, records[n])) throw new Error('check refused')
      }
      if (r > 0) decisionMs[u] = (decisionMs[u] as number) + performance.now() - started
    }
  }
  return users.map((_, u) => ({ full: CHECKS / ((fullMs[u] as number) / 1000), decision: CHECKS / ((decisionMs[u] as number) / 1000) }))
}

/** Median ms of GET /api/v1/blocks/{cid} for each account, alternating which goes first. */
async function readLatency (url: string, cid: CID, owner: Account, member: Account): Promise<{ owner: number, member: number }> {
  const read = async (account: Account): Promise<number> => {
    const started = performance.now()
    const res = await fetch(`${url}/api/v1/blocks/${cid.toString()}`, { headers: { authorization: `Bearer ${account.api.token ?? ''}` } })
    await res.arrayBuffer()
    if (!res.ok) throw new Error(`read failed: ${res.status}`)
    return performance.now() - started
  }
  for (let i = 0; i < 30; i++) { await read(owner); await read(member) }
  const times = { owner: [] as number[], member: [] as number[] }
  for (let i = 0; i < READS; i++) {
    if (i % 2 === 0) {
      times.owner.push(await read(owner))
      times.member.push(await read(member))
    } else {
      times.member.push(await read(member))
      times.owner.push(await read(owner))
    }
  }
  return { owner: median(times.owner), member: median(times.member) }
}

export async function run (): Promise<BenchResult> {
  const node = await startTestNode({ accounts: { openSignup: true } })
  try {
    const alice = (await signup(node.url, 'alice', 'bench password 1')).account
    const bob = (await signup(node.url, 'bob', 'bench password 2')).account
    const library = new Library(alice)
    await library.sync()
    const big = await album(library, 'Photos', 5 * 1024 * 1024)
    const small = await album(library, 'Thumbs', 16 * 1024)
    // Other albums hold other blocks, so the index is not trivially small.
    for (let i = 0; i < 20; i++) await album(library, `Filler ${i}`, 4 * 1024)
    for (const id of [big.id, small.id]) await shareCollection(library, library.collections.get(id)!, 'bob', 'viewer')

    const [ownerChecks, memberChecks] = await checksPerSecond(node.node, [alice.user.id, bob.user.id], big.chunks) as [{ full: number, decision: number }, { full: number, decision: number }]
    const chunk = await readLatency(node.url, big.chunks[0] as CID, alice, bob)
    const thumb = await readLatency(node.url, small.chunks[0] as CID, alice, bob)
    const added = (r: { owner: number, member: number }): number => (r.member - r.owner) / r.owner * 100
    return {
      name: 'grants',
      figures: {
        'grant decisions per second, member (one core)': { value: round(memberChecks.decision, -3), unit: 'checks/s' },
        'uploader decisions per second, owner (one core)': { value: round(ownerChecks.decision, -3), unit: 'checks/s' },
        'block checks per second incl. record read, member': { value: round(memberChecks.full, -3), unit: 'checks/s' },
        'block checks per second incl. record read, owner': { value: round(ownerChecks.full, -3), unit: 'checks/s' },
        'block read, 1 MiB chunk, owner (median)': { value: round(chunk.owner, 3), unit: 'ms' },
        'block read, 1 MiB chunk, member (median)': { value: round(chunk.member, 3), unit: 'ms' },
        'added latency of a member read, 1 MiB chunk': { value: round(added(chunk), 1), unit: '%', target: '< 10' },
        'block read, 16 KiB thumbnail, owner (median)': { value: round(thumb.owner, 3), unit: 'ms' },
        'block read, 16 KiB thumbnail, member (median)': { value: round(thumb.member, 3), unit: 'ms' },
        'added latency of a member read, 16 KiB thumbnail': { value: round(added(thumb), 1), unit: '%', target: '< 10' }
      },
      notes: [
        `checks: Blocks.canRead over the chunks of a 5 MiB item, ${CHECKS} per figure in alternating rounds; "decision" has the block record in hand (as the read path has), "incl. record read" fetches it from LevelDB first; a member's decision reads the container index (cached) and the membership cache, the owner's is the uploader test`,
        `reads: GET /api/v1/blocks/{cid} over loopback HTTP, client and node in one process, ${READS} reads per account, alternating, medians`
      ]
    }
  } finally {
    await node.stop()
  }
}
