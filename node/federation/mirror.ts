/**
 * This node's copy of albums that live on other nodes ("local first"): the log, fetched from the
 * album's home node with a member's grant token and checked before it is kept (signed head,
 * hash chain, no rollback), and the blocks the member's clients read, each fetched once, checked
 * against its CID and kept in this node's blockstore. Clients read a mirrored album through the
 * same routes as a local one; what the home node knows of them is this node's peer id and the
 * member's key.
 *
 * [Note: an unreachable home node] A home node that does not answer within the federation time
 * limit is left alone for a while (doubling from `retryMs` up to a minute, or until libp2p
 * connects to it again): meanwhile the mirror serves what it has — the log as last checked and
 * every block already cached — and says so (`OWNER_NODE_UNREACHABLE`); a block it never fetched
 * is refused with that code at once instead of after another time-out.
 *
 * Writes by a collaborator of this node go to the home node, which stays the authority for the
 * album's head: the blocks its commit links (manifests and their chunks, stored and charged
 * here on upload) are copied there first, then the head; the next refresh brings the commit
 * back into the mirror, so every member's view converges on the home node's log.
 */
import { CID } from 'multiformats/cid'
import { cborCid, verifyBlock } from '../../src/format/cid.ts'
import { decodeCommit } from '../../src/format/commit.ts'
import { decodeHead, verifyHeadSignature } from '../../src/format/head.ts'
import { decodeManifestEnvelope } from '../../src/format/manifest.ts'
import { readAll, type BlockStorage } from '../blocks.ts'
import { ForbiddenError, InvalidHeadError, NodeError, NotFoundError, OwnerNodeUnreachableError, UnauthenticatedError } from '../errors.ts'
import { KeyedMutex } from '../lock.ts'
import { seqKey, type CollectionRecord, type FederatedShareRecord, type MirrorRecord, type NodeDatabase, type UserRecord } from '../db.ts'
import { errorOf, PeerUnreachableError, type PeerAddress, type PeerClient } from './p2p-http.ts'
import type { LogPage } from '../collections.ts'
import type { MirrorCache } from './cache.ts'
import type { FederatedShares } from './shares.ts'

const DAG_CBOR = 0x71
const LOG_PAGE = 1000
const PUSH_CONCURRENCY = 4
const FRESH_MS = 250
const MAX_RETRY_MS = 60_000

/** How the home node of a mirrored album answered last. */
export type MirrorHealth =
  | { state: 'ok', syncedAt: number }
  | { state: 'unreachable', since: number, retryAt: number, failures: number, reason: string }
  | { state: 'pending', reason: string }

export interface MirrorOptions {
  timeoutMs: number
  retryMs: number
}

/** Reads and writes of mirrored albums that went across the network, and reads served from the cache. */
export interface MirrorStats { remoteBlocks: number, cachedBlocks: number, logRefreshes: number, pushedBlocks: number }

interface LogAnswer { seq: number, head: string, headCid: string, ownerKey: string, commits: Array<{ seq: number, cid: string, bytes: string }>, more: boolean }

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

export class Mirrors {
  private readonly db: NodeDatabase
  private readonly store: BlockStorage
  private readonly client: PeerClient
  private readonly shares: FederatedShares
  private readonly options: MirrorOptions
  private readonly cache: MirrorCache
  private readonly lock = new KeyedMutex()
  private readonly health = new Map<string, MirrorHealth>()
  private readonly refreshing = new Map<string, Promise<void>>()
  private readonly refreshedAt = new Map<string, number>()
  private readonly fetching = new Map<string, Promise<Uint8Array>>()
  readonly stats: MirrorStats = { remoteBlocks: 0, cachedBlocks: 0, logRefreshes: 0, pushedBlocks: 0 }
  /**
   * Told which blocks a mirrored album stopped linking, once the mirror has taken the commit in:
   * a collaborator's uploads here that nothing else holds are deleted and refunded at once
   * (node/node.ts), rather than after the unlinked-block grace period.
   */
  release?: (cids: CID[]) => Promise<void>

  constructor (db: NodeDatabase, store: BlockStorage, client: PeerClient, shares: FederatedShares, cache: MirrorCache, options: MirrorOptions) {
    this.cache = cache
    this.db = db
    this.store = store
    this.client = client
    this.shares = shares
    this.options = options
  }

  /** The last word from the home node of `collection`. */
  healthOf (collection: string): MirrorHealth {
    return this.health.get(collection) ?? { state: 'pending', reason: 'not synced yet' }
  }

  /** libp2p connected to `peerId` again: albums it holds are tried at the next request, not after the back-off. */
  peerIsBack (peerId: string): void {
    for (const [collection, health] of this.health) {
      if (health.state !== 'unreachable') continue
      this.db.mirrors.get(collection).then((m) => { if (m?.ownerNode.peerId === peerId) this.health.set(collection, { ...health, retryAt: 0 }) }, () => {})
    }
  }

  // ---- the log ---------------------------------------------------------------------------------

  /** The mirrored collection, refreshed from its home node when it answers; undefined when `id` is not followed here. */
  async get (user: UserRecord | undefined, id: string): Promise<CollectionRecord | undefined> {
    if (!this.shares.follows(id)) return undefined
    await this.readableShare(user, id)
    await this.refresh(id)
    return this.recordOf(await this.mirrorOrRefuse(id))
  }

  /** Commits after `after` from the mirror, refreshed first when the home node answers. */
  async log (user: UserRecord | undefined, id: string, after: number, limit: number): Promise<LogPage | undefined> {
    const collection = await this.get(user, id)
    if (collection == null) return undefined
    const commits: LogPage['commits'] = []
    const range = { gt: `${id}!${seqKey(after)}`, lte: `${id}!${seqKey(collection.seq)}`, limit: limit + 1 }
    for await (const [key, entry] of this.db.mirrorCommits.iterator(range)) {
      commits.push({ seq: Number(key.slice(id.length + 1)), cid: entry.cid, bytes: new Uint8Array(Buffer.from(entry.bytes, 'base64')) })
    }
    return { collection, commits: commits.slice(0, limit), more: commits.length > limit }
  }

  /** Brings the mirror up to the home node's head (once at a time per album, at most every 250 ms). */
  async refresh (id: string, options: { force?: boolean } = {}): Promise<void> {
    const running = this.refreshing.get(id)
    if (running != null) return running
    if (options.force !== true && Date.now() - (this.refreshedAt.get(id) ?? 0) < FRESH_MS) return
    const health = this.health.get(id)
    if (options.force !== true && health?.state === 'unreachable' && Date.now() < health.retryAt) return
    const work = this.lock.run(id, async () => { await this.pull(id) }).finally(() => {
      this.refreshing.delete(id)
      this.refreshedAt.set(id, Date.now())
    })
    this.refreshing.set(id, work)
    return work
  }

  private async pull (id: string): Promise<void> {
    for (const share of await this.sharesWithGrant(id)) {
      try {
        await this.pullWith(share)
        this.health.set(id, { state: 'ok', syncedAt: Date.now() })
        this.stats.logRefreshes++
        return
      } catch (err) {
        if (err instanceof PeerUnreachableError) {
          this.markUnreachable(id, err)
          return
        }
        // The home node refused this member: the share ended (its removal notice may still be on its way).
        if (err instanceof NodeError && err.status === 403) {
          await this.shares.drop(share.userId, id)
          continue
        }
        this.health.set(id, { state: 'pending', reason: (err as Error).message })
        return
      }
    }
    if ((await this.sharesWithGrant(id)).length === 0 && this.health.get(id)?.state !== 'unreachable') {
      this.health.set(id, { state: 'pending', reason: "waiting for a member's client to hand this node a grant token" })
    }
  }

  private async pullWith (share: FederatedShareRecord): Promise<void> {
    const id = share.collection
    let mirror = await this.db.mirrors.get(id)
    const staged: Array<{ seq: number, cid: string, bytes: string }> = []
    let seq = mirror?.seq ?? 0
    let root = mirror?.root ?? null
    let answer: LogAnswer
    do {
      answer = await this.client.json<LogAnswer>(share.ownerNode, `/api/v1/collections/${id}/log?after=${seq}&limit=${LOG_PAGE}`, {
        headers: { 'x-obscura-grant': share.grant as string },
        timeoutMs: this.options.timeoutMs,
        maxBytes: 64 * 1024 * 1024
      })
      for (const commit of answer.commits ?? []) {
        const bytes = new Uint8Array(Buffer.from(commit.bytes, 'base64'))
        const cid = await cborCid(bytes)
        const decoded = decodeCommit(bytes)
        if (commit.seq !== seq + 1 || decoded.seq !== commit.seq || decoded.collection !== id || cid.toString() !== commit.cid) {
          throw new InvalidHeadError(`The home node sent a commit out of order or altered (seq ${commit.seq})`)
        }
        if ((decoded.prev?.toString() ?? null) !== root) throw new InvalidHeadError(`The home node's commit ${commit.seq} does not follow the one before`)
        staged.push(commit)
        seq = commit.seq
        root = commit.cid
      }
    } while (answer.more && (answer.commits?.length ?? 0) > 0)

    const headBytes = new Uint8Array(Buffer.from(answer.head, 'base64'))
    const head = decodeHead(headBytes)
    await verifyHeadSignature(head)
    if (head.collection !== id || b64(head.owner) !== share.owner.signingPublicKey || answer.ownerKey !== share.owner.signingPublicKey) {
      throw new InvalidHeadError('The home node sent the head of another collection or owner')
    }
    if ((await cborCid(headBytes)).toString() !== answer.headCid) throw new InvalidHeadError('The home node sent a head that does not match its CID')
    if (mirror != null && head.seq < mirror.seq) throw new InvalidHeadError(`The home node rolled the album back from seq ${mirror.seq} to ${head.seq}`)
    if (head.seq !== seq || head.root.toString() !== root) throw new InvalidHeadError("The home node's head does not point at the end of its log")
    if (mirror != null && head.seq === mirror.seq) return

    const dropped: CID[] = []
    for (const commit of staged) {
      await this.db.mirrorCommits.put(`${id}!${seqKey(commit.seq)}`, { cid: commit.cid, bytes: commit.bytes })
      const decoded = decodeCommit(new Uint8Array(Buffer.from(commit.bytes, 'base64')))
      for (const link of decoded.links) await this.contain(link, id, true)
      for (const link of decoded.unlinks) dropped.push(...await this.uncontain(link, id))
    }
    mirror = {
      id, ownerKey: share.owner.signingPublicKey, ownerNode: share.ownerNode, seq: head.seq,
      headCid: answer.headCid, head: answer.head, root: head.root.toString(), syncedAt: Date.now()
    }
    await this.db.mirrors.put(id, mirror)
    // What a failure leaves behind, the unlinked-block sweep collects later.
    if (dropped.length > 0) await this.release?.(dropped).catch(() => {})
  }

  /**
   * The album no longer links `cid` (an item deleted for good): nor, then, the chunks its manifest
   * names, when this node has the manifest to read them from. Returns the blocks concerned.
   */
  private async uncontain (cid: CID, collection: string): Promise<CID[]> {
    const out = [cid]
    if (cid.code === DAG_CBOR && await this.store.has(cid)) {
      try {
        out.push(...decodeManifestEnvelope(await readAll(this.store.get(cid))).links)
      } catch {}
    }
    for (const block of out) await this.contain(block, collection, false)
    return out
  }

  private markUnreachable (id: string, err: PeerUnreachableError): void {
    const previous = this.health.get(id)
    const failures = previous?.state === 'unreachable' ? previous.failures + 1 : 1
    const wait = Math.min(MAX_RETRY_MS, this.options.retryMs * 2 ** (failures - 1))
    this.health.set(id, {
      state: 'unreachable',
      since: previous?.state === 'unreachable' ? previous.since : Date.now(),
      retryAt: Date.now() + wait,
      failures,
      reason: err.message
    })
  }

  // ---- blocks ----------------------------------------------------------------------------------

  /**
   * A block of a mirrored album that `user` may read: from the cache, else from the home node
   * (checked against its CID, then cached). Undefined when no album followed here for `user`
   * contains it.
   */
  async readBlock (user: UserRecord | undefined, cid: CID, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    if (user == null) return undefined
    const key = cid.toString()
    const containers = await this.db.mirrorContainers.get(key)
    if (containers == null) return undefined
    let share: FederatedShareRecord | undefined
    for (const collection of Object.keys(containers)) {
      share = await this.shares.get(user.id, collection)
      if (share != null) break
    }
    if (share == null) return undefined
    if (await this.store.has(cid)) {
      // Evicted between the two calls: fetched again below.
      const bytes = await readAll(this.store.get(cid, { signal })).catch(() => undefined)
      if (bytes != null) {
        this.stats.cachedBlocks++
        await this.cache.touched(cid)
        await this.indexManifest(cid, bytes, share.collection)
        return bytes
      }
    }
    const running = this.fetching.get(key)
    if (running != null) return running
    const fetch = this.fetchBlock(share, cid, signal).finally(() => { this.fetching.delete(key) })
    this.fetching.set(key, fetch)
    return fetch
  }

  private async fetchBlock (share: FederatedShareRecord, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    const id = share.collection
    const health = this.health.get(id)
    if (health?.state === 'unreachable' && Date.now() < health.retryAt) throw new OwnerNodeUnreachableError(share.ownerNode.peerId, health.reason)
    if (share.grant == null || (share.grantExpiresAt ?? 0) <= Date.now()) throw new UnauthenticatedError("This node has no current grant token for the album: open it again from your client")
    let res
    try {
      res = await this.client.request(share.ownerNode, `/api/v1/blocks/${cid.toString()}`, {
        headers: { 'x-obscura-grant': share.grant }, signal, timeoutMs: this.options.timeoutMs, maxBytes: 2 * 1024 * 1024
      })
    } catch (err) {
      if (err instanceof PeerUnreachableError) {
        this.markUnreachable(id, err)
        throw new OwnerNodeUnreachableError(share.ownerNode.peerId, err.message)
      }
      throw err
    }
    if (res.status !== 200) {
      if (res.status === 403) await this.shares.drop(share.userId, id)
      throw errorOf(res)
    }
    try {
      await verifyBlock(cid, res.body)
    } catch {
      throw new NodeError('CID_MISMATCH', `The album's home node sent bytes that do not hash to ${cid}`, 502)
    }
    await this.store.put(cid, res.body)
    await this.cache.added(cid, res.body.byteLength)
    await this.indexManifest(cid, res.body, id)
    this.stats.remoteBlocks++
    return res.body
  }

  /** A manifest's chunks belong to the albums that link the manifest. */
  private async indexManifest (cid: CID, bytes: Uint8Array, collection: string): Promise<void> {
    if (cid.code !== DAG_CBOR) return
    let links: CID[]
    try {
      links = decodeManifestEnvelope(bytes).links
    } catch {
      return
    }
    for (const link of links) await this.contain(link, collection, true)
  }

  private async contain (cid: CID, collection: string, present: boolean): Promise<void> {
    await this.lock.run(`c:${cid.toString()}`, async () => {
      const key = cid.toString()
      const current = { ...(await this.db.mirrorContainers.get(key) ?? {}) }
      if (present) current[collection] = 1
      else delete current[collection]
      if (Object.keys(current).length === 0) await this.db.mirrorContainers.del(key)
      else await this.db.mirrorContainers.put(key, current)
    })
    if (present && cid.code === DAG_CBOR && await this.store.has(cid)) await this.indexManifest(cid, await readAll(this.store.get(cid)), collection)
  }

  /**
   * Whether an album of another node that this node still follows links the block: a
   * collaborator's upload here, which no local collection links once its commit went to the
   * album's home node, is kept as long as that album has it (node/block-gc.ts).
   */
  async holds (cid: CID): Promise<boolean> {
    const containers = await this.db.mirrorContainers.get(cid.toString())
    return Object.keys(containers ?? {}).some((collection) => this.shares.follows(collection))
  }

  // ---- writes by collaborators of this node ---------------------------------------------------

  /**
   * Sends a collaborator's new head to the album's home node: first the blocks its commit links
   * that the home node lacks (read from this node, where the collaborator uploaded them), then
   * the head, which the home node checks as it checks every head. Its refusals (409 STALE_HEAD:
   * sync and retry) come back unchanged.
   */
  async forwardHead (user: UserRecord, id: string, headBytes: Uint8Array, commitBytes: Uint8Array): Promise<CollectionRecord | undefined> {
    if (!this.shares.follows(id)) return undefined
    const share = await this.readableShare(user, id)
    if (share.role !== 'collaborator') throw new ForbiddenError('Viewers cannot add to this album')
    if (share.grant == null || (share.grantExpiresAt ?? 0) <= Date.now() + 5_000) throw new UnauthenticatedError('This node has no current grant token for the album: sync your library and retry')
    const commit = decodeCommit(commitBytes)
    const closure: CID[] = []
    for (const link of commit.links) {
      closure.push(link)
      if (link.code === DAG_CBOR && await this.store.has(link)) closure.push(...decodeManifestEnvelope(await readAll(this.store.get(link))).links)
    }
    const headers = { 'x-obscura-grant': share.grant }
    try {
      await this.pushBlocks(share.ownerNode, headers, closure)
      await this.client.json(share.ownerNode, `/api/v1/collections/${id}/head`, {
        method: 'PUT', headers, body: { head: b64(headBytes), commit: b64(commitBytes) }, timeoutMs: this.options.timeoutMs
      })
    } catch (err) {
      if (err instanceof PeerUnreachableError) {
        this.markUnreachable(id, err)
        throw new OwnerNodeUnreachableError(share.ownerNode.peerId, err.message)
      }
      throw err
    }
    await this.refresh(id, { force: true })
    return this.recordOf(await this.mirrorOrRefuse(id))
  }

  private async pushBlocks (peer: PeerAddress, headers: Record<string, string>, cids: CID[]): Promise<void> {
    const unique = [...new Map(cids.map((c) => [c.toString(), c])).values()]
    for (let i = 0; i < unique.length; i += 1000) {
      const batch = unique.slice(i, i + 1000)
      const { have } = await this.client.json<{ have: boolean[] }>(peer, '/api/v1/blocks/have', {
        method: 'POST', headers, body: { cids: batch.map(String) }, timeoutMs: this.options.timeoutMs
      })
      const missing = batch.filter((_, j) => have[j] !== true)
      let next = 0
      await Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, missing.length) }, async () => {
        while (next < missing.length) {
          const cid = missing[next++] as CID
          if (!await this.store.has(cid)) throw new NotFoundError(`Block ${cid} is not on this node: upload it again`)
          const bytes = await readAll(this.store.get(cid))
          const res = await this.client.request(peer, `/api/v1/blocks/${cid.toString()}`, { method: 'PUT', headers, body: bytes, timeoutMs: this.options.timeoutMs })
          if (res.status !== 200 && res.status !== 201) throw errorOf(res)
          this.stats.pushedBlocks++
        }
      }))
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async readableShare (user: UserRecord | undefined, id: string): Promise<FederatedShareRecord> {
    if (user == null) throw new UnauthenticatedError()
    const share = await this.shares.get(user.id, id)
    if (share == null) throw new ForbiddenError('You have no access to this collection')
    return share
  }

  private async sharesWithGrant (id: string): Promise<FederatedShareRecord[]> {
    const soon = Date.now() + 5_000
    return (await this.shares.ofCollection(id)).filter((s) => s.grant != null && (s.grantExpiresAt ?? 0) > soon)
  }

  private async mirrorOrRefuse (id: string): Promise<MirrorRecord> {
    const mirror = await this.db.mirrors.get(id)
    if (mirror != null) return mirror
    const health = this.healthOf(id)
    const share = (await this.shares.ofCollection(id))[0]
    if (health.state === 'unreachable') throw new OwnerNodeUnreachableError(share?.ownerNode.peerId ?? 'unknown', health.reason)
    throw new NodeError('FEDERATION_PENDING', `This album has not been fetched from its home node yet (${health.state === 'pending' ? health.reason : 'no log'})`, 409)
  }

  private recordOf (mirror: MirrorRecord): CollectionRecord {
    return { id: mirror.id, ownerId: '', ownerKey: mirror.ownerKey, seq: mirror.seq, headCid: mirror.headCid, head: mirror.head, root: mirror.root, createdAt: mirror.syncedAt }
  }
}
