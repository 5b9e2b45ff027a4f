/**
 * Federation (docs/ARCHITECTURE.md, "Federation"): albums shared between users of different
 * nodes. Both sides live here, behind one object the node and gateway use:
 *
 * - the owner's node keeps members of other nodes (remote-members.ts) and notifies their nodes
 *   (outbox.ts); node/sharing.ts checks their grant tokens against their node's peer id;
 * - the member's node records what other nodes share with its users (shares.ts) and mirrors
 *   those albums, log and blocks, fetched with the members' grant tokens (mirror.ts).
 *
 * Collections and blocks that are not on this node are looked up here (`collections` and
 * `blocks` hooks), so a client reads and writes a shared album of another node through its own
 * node with the same routes as a local one.
 */
import { ForbiddenError, NotFoundError, OwnerNodeUnreachableError } from '../errors.ts'
import { MirrorCache, type CacheUse } from './cache.ts'
import { Mirrors, type MirrorHealth, type MirrorStats } from './mirror.ts'
import { Outbox } from './outbox.ts'
import { errorOf, PeerUnreachableError, type PeerClient } from './p2p-http.ts'
import { RemoteMembers } from './remote-members.ts'
import { FederatedShares, type ShareNotice } from './shares.ts'
import type { Accounts } from '../accounts.ts'
import type { BlockStorage } from '../blocks.ts'
import type { CollectionRecord, NodeDatabase, PeerAddressRecord, UserRecord } from '../db.ts'
import type { LogPage } from '../collections.ts'
import type { SharedView } from '../sharing.ts'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface FederationOptions {
  db: NodeDatabase
  accounts: Accounts
  store: BlockStorage
  client: PeerClient
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener'>
  /** This node's peer id and the addresses other nodes dial. */
  self: () => PeerAddressRecord
  /** Time limit of each request to another node. */
  timeoutMs: number
  /** First wait before trying an unreachable node again (doubles up to a minute). */
  retryMs: number
  /** Most bytes of blocks fetched from other nodes kept here (cache.ts). */
  cacheBytes: number
  log?: (line: string) => void
}

/** A share of another node's album as `GET /api/v1/shared` lists it: a local share's fields, plus its node. */
export interface FederatedSharedView extends SharedView {
  /** The album's name boxed under its key by the owner's client (src/crypto/wrap.ts, boxShareName). */
  sealedName?: string
  node: {
    peerId: string
    /** `ok`: synced; `unreachable`: the owner's node did not answer (cached items stay readable); `pending`: not synced yet. */
    state: MirrorHealth['state']
    syncedAt?: number
    /** When the grant token this node holds for the member expires (0: none); clients hand a fresh one before. */
    grantExpiresAt: number
    error?: { code: string, message: string }
    /** Blocks of this album this node fetched from its node and still keeps (not the member's own uploads). */
    cached: CacheUse
  }
}

export class Federation {
  readonly outbox: Outbox
  readonly remoteMembers: RemoteMembers
  readonly shares: FederatedShares
  readonly mirrors: Mirrors
  readonly cache: MirrorCache
  private readonly options: FederationOptions
  /** Told of the local users whose albums shared from other nodes changed (live updates: node/changes.ts). */
  onMembershipChanged?: (userIds: string[]) => void

  private readonly onConnect = (evt: CustomEvent<{ toString: () => string }>): void => {
    const peerId = evt.detail.toString()
    this.mirrors.peerIsBack(peerId)
    this.outbox.flush(peerId).catch(() => {})
  }

  constructor (options: FederationOptions) {
    this.options = options
    this.outbox = new Outbox(options.db, options.client, { timeoutMs: options.timeoutMs, log: options.log })
    this.remoteMembers = new RemoteMembers(options.db, this.outbox, options.self)
    this.shares = new FederatedShares(options.db, options.accounts)
    this.cache = new MirrorCache(options.db, options.store, { maxBytes: options.cacheBytes })
    this.mirrors = new Mirrors(options.db, options.store, options.client, this.shares, this.cache, { timeoutMs: options.timeoutMs, retryMs: options.retryMs })
  }

  async start (): Promise<void> {
    await this.shares.start()
    await this.cache.start()
    this.outbox.start()
    this.options.libp2p.addEventListener('peer:connect', this.onConnect as EventListener)
    this.outbox.flush().catch(() => {})
  }

  stop (): void {
    this.outbox.stop()
    this.options.libp2p.removeEventListener('peer:connect', this.onConnect as EventListener)
  }

  get stats (): MirrorStats { return this.mirrors.stats }

  // ---- the member's side: shares --------------------------------------------------------------

  async receiveShare (peer: string, notice: ShareNotice): Promise<void> {
    const record = await this.shares.receive(peer, notice)
    this.onMembershipChanged?.([record.userId])
  }

  async dropShare (peer: string, collection: string, memberKey: string): Promise<void> {
    this.onMembershipChanged?.(await this.shares.dropByOwner(peer, collection, memberKey))
  }

  /** Albums of other nodes shared with `user`, each refreshed from its node first (in parallel, within the time limit). */
  async sharedWith (user: UserRecord): Promise<FederatedSharedView[]> {
    const shares = await this.shares.ofUser(user)
    await Promise.all(shares.map(async (s) => { await this.mirrors.refresh(s.collection).catch(() => {}) }))
    const out: FederatedSharedView[] = []
    const current = await this.shares.ofUser(user)
    const usage = await this.cache.usage(current.map((s) => s.collection))
    for (const share of current) {
      const mirror = await this.options.db.mirrors.get(share.collection)
      const health = this.mirrors.healthOf(share.collection)
      out.push({
        collection: share.collection,
        owner: share.owner,
        role: share.role,
        epoch: share.epoch,
        sealedKey: share.sealedKey,
        addedAt: share.addedAt,
        seq: mirror?.seq ?? 0,
        ...(share.sealedName != null ? { sealedName: share.sealedName } : {}),
        node: {
          peerId: share.ownerNode.peerId,
          state: health.state,
          ...(mirror != null ? { syncedAt: mirror.syncedAt } : {}),
          grantExpiresAt: share.grantExpiresAt ?? 0,
          cached: usage.get(share.collection) ?? { blocks: 0, bytes: 0 },
          ...(health.state === 'unreachable'
            ? { error: { code: 'OWNER_NODE_UNREACHABLE', message: new OwnerNodeUnreachableError(share.ownerNode.peerId, health.reason).message } }
            : health.state === 'pending' ? { error: { code: 'FEDERATION_PENDING', message: health.reason } } : {})
        }
      })
    }
    return out
  }

  async setGrant (user: UserRecord, collection: string, token: Uint8Array): Promise<void> {
    const hadGrant = (await this.shares.get(user.id, collection))?.grant != null
    await this.shares.setGrant(user, collection, token)
    if (!hadGrant) await this.mirrors.refresh(collection, { force: true }).catch(() => {})
  }

  async isMirrored (id: string): Promise<boolean> {
    return this.shares.follows(id) && await this.options.db.collections.get(id) == null
  }

  /** Who a mirrored album is shared with, as its home node says. */
  async members (user: UserRecord, id: string): Promise<unknown> {
    const share = await this.shares.get(user.id, id)
    if (share?.grant == null) throw new ForbiddenError('You have no access to this collection')
    return this.remote(share.ownerNode.peerId, async () => await this.options.client.json(share.ownerNode, `/api/v1/collections/${id}/members`, {
      headers: { 'x-obscura-grant': share.grant as string }, timeoutMs: this.options.timeoutMs
    }))
  }

  /** `user` leaves an album of another node: its home node removes them, then this node forgets the share. */
  async leave (user: UserRecord, id: string): Promise<void> {
    const share = await this.shares.get(user.id, id)
    if (share == null) throw new NotFoundError('This album is not shared with you')
    if (share.grant != null) {
      const handle = `${user.username}@${this.options.self().peerId}`
      await this.remote(share.ownerNode.peerId, async () => {
        const res = await this.options.client.request(share.ownerNode, `/api/v1/collections/${id}/members/${encodeURIComponent(handle)}`, {
          method: 'DELETE', headers: { 'x-obscura-grant': share.grant as string }, timeoutMs: this.options.timeoutMs
        })
        if (res.status >= 400 && res.status !== 404 && res.status !== 403) throw errorOf(res)
      })
    }
    await this.shares.drop(user.id, id)
  }

  // ---- hooks for Collections and Blocks -------------------------------------------------------

  readonly collections = {
    get: async (user: UserRecord | undefined, id: string): Promise<CollectionRecord | undefined> => await this.mirrors.get(user, id),
    log: async (user: UserRecord | undefined, id: string, after: number, limit: number): Promise<LogPage | undefined> => await this.mirrors.log(user, id, after, limit),
    updateHead: async (user: UserRecord, id: string, head: Uint8Array, commit: Uint8Array): Promise<CollectionRecord | undefined> => await this.mirrors.forwardHead(user, id, head, commit)
  }

  readonly blocks = {
    read: async (user: UserRecord | undefined, cid: CID, signal?: AbortSignal): Promise<Uint8Array | undefined> => await this.mirrors.readBlock(user, cid, signal)
  }

  private async remote<T> (peerId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof PeerUnreachableError) throw new OwnerNodeUnreachableError(peerId, err.message)
      throw err
    }
  }
}
