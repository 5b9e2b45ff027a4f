/**
 * Shared collections and block-level grants (docs/SECURITY.md, "Sharing and grants").
 *
 * The node keeps, in plaintext, who each collection is shared with and in which role, and the
 * collection key sealed to each member (which it cannot open), so that a member can fetch its
 * key before it can read anything. Which blocks a collection contains is kept as a reverse
 * index, `containers`: block → the collections that link it, directly or through a manifest,
 * maintained when commits link and unlink. A read of a block someone else uploaded is then:
 * fetch the block's container list (one lookup, cached), and allow it if the reader owns, is a
 * member of, or holds a link or grant token for any collection in it — no walk of any tree,
 * whatever the album's size, and blocks a collaborator adds later are covered the moment their
 * commit lands. Removing a member deletes its row: its next request is refused.
 *
 * Membership and ownership are cached in memory (a node is one process and every change goes
 * through this class), so a grant check costs one LevelDB get at most.
 *
 * Members whose accounts live on other nodes (`username@peerId`) are kept by
 * node/federation/remote-members.ts and checked here alike; their grant tokens are accepted only
 * from their own node's peer id, and a remote collaborator's token also lets its node add to the
 * album (charged to the owner, as link uploads are).
 */
import { CID } from 'multiformats/cid'
import { openGrantToken, MAX_GRANT_TTL_MS } from '../src/format/grant.ts'
import { ForbiddenError, InvalidRequestError, NotFoundError, UnauthenticatedError } from './errors.ts'
import { KeyedMutex } from './lock.ts'
import { uploaderHolds } from './blocks.ts'
import type { Accounts } from './accounts.ts'
import type { BlockRecord, CollectionRecord, MemberRecord, NodeDatabase, RemoteMemberRecord, UserRecord } from './db.ts'
import type { Head } from '../src/format/head.ts'
import { isRemoteHandle, type RemoteMemberInput, type RemoteMembers } from './federation/remote-members.ts'

export type MemberRole = MemberRecord['role']

/**
 * A capability to read one collection (and, for links that allow it, add to it) held by a
 * request without a user session, or on top of one: a public link's session, or a member's
 * grant token. Resolved and checked when the request arrives.
 */
export interface CollectionGrant {
  collection: string
  via: 'link' | 'token'
  /** The collection owner's user id (link uploads are charged to it). */
  ownerId: string
  /** Public links only. */
  linkId?: string
  allowUpload?: boolean
  noDownload?: boolean
  /** base64 Ed25519 key that may sign heads and records of uploads through the link (or of a remote collaborator). */
  uploadKey?: string
  /** Grant tokens: the member's base64 signing key, and whether it is a member of another node. */
  member?: string
  remote?: boolean
}

/** A user as other users see them: name and public keys. */
export interface PublicProfile { username: string, signingPublicKey: string, boxPublicKey: string }

export interface MemberView extends PublicProfile {
  role: MemberRole
  epoch: number
  addedAt: number
  /** Members of other nodes: their node's peer id (`username` is then `name@peerId`). */
  node?: string
  /** Members of other nodes, after a change: whether their node took the notification (else it is retried). */
  delivered?: boolean
}

export interface SharedView {
  collection: string
  owner: PublicProfile
  role: MemberRole
  epoch: number
  sealedKey: string
  addedAt: number
  seq: number
}

interface CollectionEntry {
  ownerId: string
  /** user id → role */
  members: Map<string, MemberRole>
  /** base64 signing key → role, for grant tokens */
  memberKeys: Map<string, MemberRole>
  /** base64 signing key → peer id of the node of a member of another node */
  remoteNodes: Map<string, string>
}

const CONTAINER_CACHE_MAX = 100_000
const TOKEN_CACHE_MAX = 10_000

export function profileOf (user: UserRecord): PublicProfile {
  return { username: user.username, signingPublicKey: user.signingPublicKey, boxPublicKey: user.boxPublicKey }
}

function remoteView (record: RemoteMemberRecord): MemberView {
  return {
    username: record.handle, signingPublicKey: record.signingPublicKey, boxPublicKey: record.boxPublicKey,
    role: record.role, epoch: record.epoch, addedAt: record.addedAt, node: record.node.peerId
  }
}

export class Sharing {
  private readonly db: NodeDatabase
  private readonly accounts: Accounts
  private readonly lock = new KeyedMutex()
  private readonly entries = new Map<string, Promise<CollectionEntry | undefined>>()
  private readonly containerCache = new Map<string, Record<string, number>>()
  private readonly tokenCache = new Map<string, { collection: string, member: string, expiresAt: number }>()
  /** This node's libp2p peer id: grant tokens must name it. */
  private readonly nodeId: () => string
  /** Members of other nodes (federation); without it, only local users can be members. */
  remote?: RemoteMembers
  /** Told of the users of this node whose list of albums shared with them changed (live updates). */
  onMembershipChanged?: (userIds: string[]) => void

  constructor (db: NodeDatabase, accounts: Accounts, nodeId: () => string) {
    this.db = db
    this.accounts = accounts
    this.nodeId = nodeId
  }

  /** Builds the container index from the links on record, once, for data written before it existed. */
  async start (): Promise<void> {
    if (await this.db.settings.get('containers-v1') != null) return
    for await (const key of this.db.links.keys()) {
      const [collection, cid] = key.split('!') as [string, string]
      await this.addContainer(collection, [CID.parse(cid)])
    }
    await this.db.settings.put('containers-v1', true)
  }

  // ---- membership ----------------------------------------------------------------------------

  /**
   * Shares `collectionId` with `username`, or changes the member's role or sealed key. Owner only.
   * A `username@peerId` is a user of another node, added with their invitation.
   */
  async setMember (owner: UserRecord, collectionId: string, username: string, input: RemoteMemberInput): Promise<MemberView> {
    const collection = await this.owned(owner, collectionId)
    if (collection.id === owner.rootCollection) throw new InvalidRequestError('Your root collection lists your albums and cannot be shared')
    if (isRemoteHandle(username)) {
      const remote = this.remoteMembers()
      const { record, delivered } = await this.lock.run(collectionId, async () => {
        try {
          return await remote.set(owner, collection, username, input)
        } finally {
          this.entries.delete(collectionId)
        }
      })
      return { ...remoteView(record), delivered }
    }
    const member = await this.accounts.findByUsername(username)
    if (member == null) throw new NotFoundError(`No user named "${username}"`)
    if (member.id === owner.id) throw new InvalidRequestError('You own this collection already')
    const view = await this.lock.run(collectionId, async () => {
      const key = `${collectionId}!${member.id}`
      const existing = await this.db.members.get(key)
      const record: MemberRecord = {
        collection: collectionId, userId: member.id, role: input.role, epoch: input.epoch, sealedKey: input.sealedKey, addedAt: existing?.addedAt ?? Date.now()
      }
      await this.db.members.put(key, record)
      await this.db.memberships.put(`${member.id}!${collectionId}`, collectionId)
      this.entries.delete(collectionId)
      return { ...profileOf(member), role: record.role, epoch: record.epoch, addedAt: record.addedAt }
    })
    this.onMembershipChanged?.([member.id])
    return view
  }

  /** Ends a membership: by the owner (removal) or by the member (leaving). Takes effect at once. */
  async removeMember (actor: UserRecord, collectionId: string, username: string): Promise<void> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) throw new NotFoundError(`No collection ${collectionId}`)
    if (isRemoteHandle(username)) {
      if (actor.id !== collection.ownerId) throw new ForbiddenError('Only the owner can remove members; members can only leave')
      await this.removeRemote(collectionId, username)
      return
    }
    const member = await this.accounts.findByUsername(username)
    if (member == null) throw new NotFoundError(`No user named "${username}"`)
    if (actor.id !== collection.ownerId && actor.id !== member.id) throw new ForbiddenError('Only the owner can remove members; members can only leave')
    await this.lock.run(collectionId, async () => {
      const key = `${collectionId}!${member.id}`
      if (await this.db.members.get(key) == null) throw new NotFoundError(`"${username}" is not a member of this collection`)
      await this.db.members.del(key)
      await this.db.memberships.del(`${member.id}!${collectionId}`)
      this.entries.delete(collectionId)
    })
    this.onMembershipChanged?.([member.id])
  }

  /**
   * A member of another node leaving, through its node and with its own grant token: the token's
   * key must be that member's.
   */
  async leaveRemote (grant: CollectionGrant, collectionId: string, handle: string): Promise<void> {
    const record = await this.remote?.find(collectionId, handle)
    if (grant.via !== 'token' || grant.remote !== true || grant.collection !== collectionId || record == null || record.signingPublicKey !== grant.member) {
      throw new ForbiddenError('A member of another node can only take itself out of an album')
    }
    await this.removeRemote(collectionId, handle)
  }

  private async removeRemote (collectionId: string, handle: string): Promise<void> {
    const remote = this.remoteMembers()
    await this.lock.run(collectionId, async () => {
      try {
        await remote.remove(collectionId, handle)
      } finally {
        this.entries.delete(collectionId)
      }
    })
  }

  private remoteMembers (): RemoteMembers {
    if (this.remote == null) throw new InvalidRequestError('This node does not federate: members must have an account here')
    return this.remote
  }

  /**
   * The owner and members of a collection, for its owner and its members (and for the node of a
   * member of another node, with that member's grant token).
   */
  async listMembers (user: UserRecord | undefined, collectionId: string, grant?: CollectionGrant): Promise<{ owner: PublicProfile, members: MemberView[] }> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) throw new NotFoundError(`No collection ${collectionId}`)
    const entry = await this.entry(collectionId)
    const byToken = grant?.via === 'token' && grant.collection === collectionId
    if (!byToken && (user == null || (collection.ownerId !== user.id && entry?.members.has(user.id) !== true))) throw new ForbiddenError('You have no access to this collection')
    const owner = await this.accounts.get(collection.ownerId)
    if (owner == null) throw new NotFoundError('The owner of this collection is gone')
    const members: MemberView[] = []
    for await (const record of this.db.members.values({ gt: `${collectionId}!`, lt: `${collectionId}"` })) {
      const member = await this.accounts.get(record.userId)
      if (member != null) members.push({ ...profileOf(member), role: record.role, epoch: record.epoch, addedAt: record.addedAt })
    }
    for (const record of await this.remote?.list(collectionId) ?? []) members.push(remoteView(record))
    members.sort((a, b) => a.username.localeCompare(b.username))
    return { owner: profileOf(owner), members }
  }

  /** Collections other users share with `user`, with the key sealed to them. */
  async sharedWith (user: UserRecord): Promise<SharedView[]> {
    const shared: SharedView[] = []
    for await (const collectionId of this.db.memberships.values({ gt: `${user.id}!`, lt: `${user.id}"` })) {
      const record = await this.db.members.get(`${collectionId}!${user.id}`)
      const collection = await this.db.collections.get(collectionId)
      if (record == null || collection == null) continue
      const owner = await this.accounts.get(collection.ownerId)
      if (owner == null) continue
      shared.push({
        collection: collectionId, owner: profileOf(owner), role: record.role, epoch: record.epoch,
        sealedKey: record.sealedKey, addedAt: record.addedAt, seq: collection.seq
      })
    }
    return shared
  }

  /** The users of this node who may read the collection: its owner and its members here. */
  async audience (collectionId: string): Promise<string[]> {
    const entry = await this.entry(collectionId)
    return entry == null ? [] : [entry.ownerId, ...entry.members.keys()]
  }

  /** The role of a user in a collection: owner, a member's role, or undefined. */
  async roleOf (userId: string, collectionId: string): Promise<'owner' | MemberRole | undefined> {
    const entry = await this.entry(collectionId)
    if (entry == null) return undefined
    if (entry.ownerId === userId) return 'owner'
    return entry.members.get(userId)
  }

  // ---- policies ------------------------------------------------------------------------------

  /** May `user` (or the request's grant) read the collection's head and log? Owner is checked first by Collections. */
  async canReadCollection (user: UserRecord | undefined, collection: CollectionRecord, grant?: CollectionGrant): Promise<boolean> {
    if (grant?.collection === collection.id) return true
    if (user == null) return false
    return (await this.entry(collection.id))?.members.has(user.id) === true
  }

  /** May `user` move the collection's head? Collaborators may; the owner is checked by Collections. */
  async canWriteCollection (user: UserRecord, collection: CollectionRecord, _head: Head): Promise<boolean> {
    return (await this.entry(collection.id))?.members.get(user.id) === 'collaborator'
  }

  /**
   * May `user` (or the grant) read a block they did not upload? Yes when a collection that links
   * it is theirs, shares it with them, or is the grant's collection.
   */
  async canReadBlock (user: UserRecord | undefined, cid: CID, _record: BlockRecord, grant?: CollectionGrant): Promise<boolean> {
    if (user == null && grant == null) return false
    const containers = await this.containersOf(cid.toString())
    for (const collection in containers) {
      if (grant?.collection === collection) return true
      if (user == null) continue
      const entry = await this.entry(collection)
      if (entry != null && (entry.ownerId === user.id || entry.members.has(user.id))) return true
    }
    return false
  }

  /**
   * May `user` link `cid` into `collection` (owned by `ownerId`)?
   *
   * [Note: who may link which block] Linking is an access decision: whoever can read a
   * collection can read every block it links, and a linked block lives (and stays charged) as
   * long as any collection links it. So a logged-in writer may link only
   * - a block it holds as its uploader: it uploaded it first (`owners[0]`), or no collection
   *   links it yet ([Note: what uploading a block gives] in node/blocks.ts), or
   * - a block this collection already contains (nothing becomes readable that was not), or
   * - into a collection of its own, a block a collection of its own contains (moving and adding
   *   among one's own albums and folders, including collaborators' uploads to them).
   * Not a block it reads only as a member of someone else's collection: it would keep reading it
   * after its removal, and the owner's delete would free nothing. Link holders' and remote
   * collaborators' commits are checked against their grant instead (node/collections.ts).
   */
  async canLinkBlock (user: UserRecord, collection: string, ownerId: string, cid: CID, record: BlockRecord): Promise<boolean> {
    const containers = await this.containersOf(cid.toString())
    if (await uploaderHolds(record, user.id, async () => Object.keys(containers).length > 0)) return true
    if (containers[collection] != null) return true
    if (ownerId !== user.id) return false
    for (const container in containers) {
      if ((await this.entry(container))?.ownerId === user.id) return true
    }
    return false
  }

  // ---- grant tokens --------------------------------------------------------------------------

  /**
   * Checks a member's grant token (src/format/grant.ts): signature, this node's id, freshness,
   * and that its key is a current member. Verified signatures are cached until expiry; the
   * membership is checked on every request, so removal ends the token at once.
   */
  async resolveGrantToken (bytes: Uint8Array, peer?: string): Promise<CollectionGrant> {
    const cacheKey = Buffer.from(bytes).toString('base64')
    let token = this.tokenCache.get(cacheKey)
    if (token == null) {
      let opened
      try {
        opened = await openGrantToken(bytes)
      } catch {
        throw new UnauthenticatedError('The grant token is malformed or its signature does not verify')
      }
      if (opened.node !== this.nodeId()) throw new UnauthenticatedError('The grant token is for another node')
      if (opened.expiresAt - Date.now() > MAX_GRANT_TTL_MS) throw new UnauthenticatedError('The grant token is valid for too long')
      token = { collection: opened.collection, member: Buffer.from(opened.member).toString('base64'), expiresAt: opened.expiresAt }
      if (this.tokenCache.size >= TOKEN_CACHE_MAX) this.tokenCache.clear()
      this.tokenCache.set(cacheKey, token)
    }
    if (token.expiresAt < Date.now()) {
      this.tokenCache.delete(cacheKey)
      throw new UnauthenticatedError('The grant token expired')
    }
    const entry = await this.entry(token.collection)
    const role = entry?.memberKeys.get(token.member)
    if (entry == null || role == null) throw new ForbiddenError('The grant token is signed by someone who is not a member')
    const remoteNode = entry.remoteNodes.get(token.member)
    if (remoteNode == null) return { collection: token.collection, via: 'token', ownerId: entry.ownerId, member: token.member }
    if (peer !== remoteNode) throw new ForbiddenError("The grant token is a member's of another node, and only that node may present it")
    return {
      collection: token.collection,
      via: 'token',
      ownerId: entry.ownerId,
      member: token.member,
      remote: true,
      ...(role === 'collaborator' ? { allowUpload: true, uploadKey: token.member } : {})
    }
  }

  // ---- containers ----------------------------------------------------------------------------

  /** Records that `collection` now links these blocks (each one's manifest chunks included). */
  async addContainer (collection: string, cids: CID[]): Promise<void> {
    for (const cid of await this.withChildren(cids)) await this.changeContainer(cid, collection, +1)
  }

  /**
   * Records that `collection` no longer links these blocks. Call with the closure computed by
   * `closureOf` before the blocks were unlinked (an unlinked block's record may be gone).
   */
  async removeContainer (collection: string, closure: string[]): Promise<void> {
    for (const cid of closure) await this.changeContainer(cid, collection, -1)
  }

  /** The blocks and their manifests' chunks, as CID strings. */
  async closureOf (cids: CID[]): Promise<string[]> {
    return this.withChildren(cids)
  }

  private async withChildren (cids: CID[]): Promise<string[]> {
    const out: string[] = []
    for (const cid of cids) {
      const key = cid.toString()
      out.push(key)
      const record = await this.db.blocks.get(key)
      for (const child of record?.links ?? []) out.push(child)
    }
    return out
  }

  private async changeContainer (cid: string, collection: string, delta: 1 | -1): Promise<void> {
    await this.lock.run(`c:${cid}`, async () => {
      const current = { ...(await this.db.containers.get(cid) ?? {}) }
      const count = (current[collection] ?? 0) + delta
      if (count > 0) current[collection] = count
      else delete current[collection]
      if (Object.keys(current).length === 0) await this.db.containers.del(cid)
      else await this.db.containers.put(cid, current)
      this.containerCache.delete(cid)
    })
  }

  /**
   * Whether a collection of this node links the block, directly or through a manifest. A block
   * with no reference can still be linked so: a commit linked a manifest naming it before the
   * block itself arrived, and its reference count missed it (node/block-gc.ts keeps it).
   */
  async isContained (cid: CID): Promise<boolean> {
    return Object.keys(await this.containersOf(cid.toString())).length > 0
  }

  private async containersOf (cid: string): Promise<Record<string, number>> {
    const cached = this.containerCache.get(cid)
    if (cached != null) return cached
    const containers = await this.db.containers.get(cid) ?? {}
    if (this.containerCache.size >= CONTAINER_CACHE_MAX) this.containerCache.delete(this.containerCache.keys().next().value as string)
    this.containerCache.set(cid, containers)
    return containers
  }

  // ---- cache ---------------------------------------------------------------------------------

  private async owned (owner: UserRecord, collectionId: string): Promise<CollectionRecord> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) throw new NotFoundError(`No collection ${collectionId}`)
    if (collection.ownerId !== owner.id) throw new ForbiddenError('Only the owner of a collection can share it or change its members')
    return collection
  }

  private async entry (collectionId: string): Promise<CollectionEntry | undefined> {
    let entry = this.entries.get(collectionId)
    if (entry == null) {
      entry = this.loadEntry(collectionId)
      this.entries.set(collectionId, entry)
      // A collection created later must not stay cached as absent.
      entry.then((e) => { if (e == null) this.entries.delete(collectionId) }, () => { this.entries.delete(collectionId) })
    }
    return entry
  }

  private async loadEntry (collectionId: string): Promise<CollectionEntry | undefined> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) return undefined
    const members = new Map<string, MemberRole>()
    const memberKeys = new Map<string, MemberRole>()
    const remoteNodes = new Map<string, string>()
    for await (const record of this.db.members.values({ gt: `${collectionId}!`, lt: `${collectionId}"` })) {
      members.set(record.userId, record.role)
      const user = await this.accounts.get(record.userId)
      if (user != null) memberKeys.set(user.signingPublicKey, record.role)
    }
    for (const record of await this.remote?.list(collectionId) ?? []) {
      memberKeys.set(record.signingPublicKey, record.role)
      remoteNodes.set(record.signingPublicKey, record.node.peerId)
    }
    return { ownerId: collection.ownerId, members, memberKeys, remoteNodes }
  }
}
