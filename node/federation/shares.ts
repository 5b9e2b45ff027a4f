/**
 * The member's side of federation: collections of other nodes shared with this node's users.
 * The owner's node announces a share (or its change, or its end) over libp2p; only the node the
 * share names as the album's home may do so, and only for a local user whose name and identity
 * key match. The member's client then hands its node grant tokens (src/format/grant.ts) for the
 * album's home node, with which this node fetches the album for it; the node never signs one.
 */
import { MAX_GRANT_TTL_MS, openGrantToken } from '../../src/format/grant.ts'
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.ts'
import type { Accounts } from '../accounts.ts'
import type { FederatedShareRecord, NodeDatabase, PeerAddressRecord, UserRecord } from '../db.ts'

/** What the owner's node sends (POST /api/v1/federation/shares). */
export interface ShareNotice {
  collection: string
  owner: { username: string, signingPublicKey: string, boxPublicKey: string }
  ownerNode: PeerAddressRecord
  member: { username: string, signingPublicKey: string }
  role: 'viewer' | 'collaborator'
  epoch: number
  sealedKey: string
  addedAt: number
  sealedName?: string
}

export class FederatedShares {
  private readonly db: NodeDatabase
  private readonly accounts: Accounts
  /** collection → ids of the local users it is shared with */
  private readonly byCollection = new Map<string, Set<string>>()

  constructor (db: NodeDatabase, accounts: Accounts) {
    this.db = db
    this.accounts = accounts
  }

  async start (): Promise<void> {
    for await (const share of this.db.federatedShares.values()) this.index(share.collection, share.userId, true)
  }

  /** Records (or updates) a share announced by `peer`, the node that holds the collection. */
  async receive (peer: string, notice: ShareNotice): Promise<FederatedShareRecord> {
    if (notice.ownerNode.peerId !== peer) throw new ForbiddenError('Only the node that holds an album can announce its shares')
    if (await this.db.collections.get(notice.collection) != null) throw new InvalidRequestError('That collection lives on this node')
    const user = await this.accounts.findByUsername(notice.member.username)
    if (user == null || user.signingPublicKey !== notice.member.signingPublicKey) throw new NotFoundError(`No user "${notice.member.username}" with that key here`)
    const mirror = await this.db.mirrors.get(notice.collection)
    if (mirror != null && (mirror.ownerKey !== notice.owner.signingPublicKey || mirror.ownerNode.peerId !== peer)) {
      throw new ForbiddenError('This node already follows that collection from another owner or node')
    }
    const key = `${user.id}!${notice.collection}`
    const existing = await this.db.federatedShares.get(key)
    const record: FederatedShareRecord = {
      collection: notice.collection,
      userId: user.id,
      owner: notice.owner,
      ownerNode: notice.ownerNode,
      role: notice.role,
      epoch: notice.epoch,
      sealedKey: notice.sealedKey,
      addedAt: notice.addedAt,
      ...(notice.sealedName != null ? { sealedName: notice.sealedName } : {}),
      ...(existing?.grant != null ? { grant: existing.grant, grantExpiresAt: existing.grantExpiresAt } : {})
    }
    await this.db.federatedShares.put(key, record)
    this.index(record.collection, user.id, true)
    return record
  }

  /** Ends the share of `collection` with the local user whose key is `memberKey`, on word from its home node; returns the users it ended it for. */
  async dropByOwner (peer: string, collection: string, memberKey: string): Promise<string[]> {
    const dropped: string[] = []
    for (const share of await this.ofCollection(collection)) {
      if (share.ownerNode.peerId !== peer) continue
      const user = await this.accounts.get(share.userId)
      if (user?.signingPublicKey !== memberKey) continue
      await this.drop(share.userId, collection)
      dropped.push(share.userId)
    }
    return dropped
  }

  async drop (userId: string, collection: string): Promise<void> {
    await this.db.federatedShares.del(`${userId}!${collection}`)
    this.index(collection, userId, false)
  }

  async get (userId: string, collection: string): Promise<FederatedShareRecord | undefined> {
    return this.db.federatedShares.get(`${userId}!${collection}`)
  }

  async ofUser (user: UserRecord): Promise<FederatedShareRecord[]> {
    const out: FederatedShareRecord[] = []
    for await (const share of this.db.federatedShares.values({ gt: `${user.id}!`, lt: `${user.id}"` })) out.push(share)
    return out
  }

  async ofCollection (collection: string): Promise<FederatedShareRecord[]> {
    const users = [...this.byCollection.get(collection) ?? []]
    const shares = await this.db.federatedShares.getMany(users.map((u) => `${u}!${collection}`))
    return shares.filter((s): s is FederatedShareRecord => s != null)
  }

  /** Whether any local user follows `collection` from another node. */
  follows (collection: string): boolean {
    return (this.byCollection.get(collection)?.size ?? 0) > 0
  }

  /**
   * Keeps the grant token a member's client signed for the album's home node: it must be this
   * user's, for that node and collection, and fresh.
   */
  async setGrant (user: UserRecord, collection: string, token: Uint8Array): Promise<FederatedShareRecord> {
    const share = await this.get(user.id, collection)
    if (share == null) throw new NotFoundError(`No album ${collection} from another node is shared with you`)
    let opened
    try {
      opened = await openGrantToken(token)
    } catch {
      throw new InvalidRequestError('The grant token is malformed or its signature does not verify')
    }
    if (Buffer.from(opened.member).toString('base64') !== user.signingPublicKey) throw new ForbiddenError('The grant token is not signed by your identity key')
    if (opened.node !== share.ownerNode.peerId || opened.collection !== collection) throw new InvalidRequestError("The grant token is not for this album's node")
    const now = Date.now()
    if (opened.expiresAt <= now || opened.expiresAt - now > MAX_GRANT_TTL_MS) throw new InvalidRequestError('The grant token is expired or valid for more than an hour')
    const record = { ...share, grant: Buffer.from(token).toString('base64url'), grantExpiresAt: opened.expiresAt }
    await this.db.federatedShares.put(`${user.id}!${collection}`, record)
    return record
  }

  private index (collection: string, userId: string, present: boolean): void {
    let users = this.byCollection.get(collection)
    if (present) {
      if (users == null) this.byCollection.set(collection, users = new Set())
      users.add(userId)
    } else {
      users?.delete(userId)
      if (users?.size === 0) this.byCollection.delete(collection)
    }
  }
}
