/**
 * Collection heads and their commit logs. A head moves only by compare-and-swap: the update must
 * carry seq + 1, name the current head as `prev`, be signed by the owner's identity key (or a
 * writer the access policy admits), and come with the commit it points to. Accepted commits are
 * kept in seq order, so a client syncs by asking for the commits after its cursor: the cost is
 * the number of changes, not the size of the collection.
 */
import { CID } from 'multiformats/cid'
import { cborCid } from '../src/format/cid.ts'
import { decodeCommit, type Commit } from '../src/format/commit.ts'
import { decodeHead, verifyHeadSignature, type Head } from '../src/format/head.ts'
import { decodeManifestEnvelope } from '../src/format/manifest.ts'
import { inFlightKey } from './check.ts'
import { ForbiddenError, InvalidHeadError, NotFoundError, StaleHeadError, UnauthenticatedError } from './errors.ts'
import { faultPoint } from './faults.ts'
import { KeyedMutex } from './lock.ts'
import { delOp, putOp, seqKey, type BlockRecord, type CollectionRecord, type NodeDatabase, type UserRecord } from './db.ts'
import type { Blocks } from './blocks.ts'
import type { CollectionGrant } from './sharing.ts'

export interface LogPage {
  collection: CollectionRecord
  commits: Array<{ seq: number, cid: string, bytes: Uint8Array }>
  /** True when more commits follow this page; ask again with `after` = the last seq. */
  more: boolean
}

/** Decides who may read or write a collection besides its owner (shared albums, links). */
export interface CollectionPolicy {
  canRead: (user: UserRecord | undefined, collection: CollectionRecord, grant?: CollectionGrant) => Promise<boolean>
  canWrite: (user: UserRecord, collection: CollectionRecord, head: Head) => Promise<boolean>
  /** May `user` link this block into a collection owned by `ownerId`? See [Note: who may link which block]. */
  canLink: (user: UserRecord, collection: string, ownerId: string, cid: CID, record: BlockRecord) => Promise<boolean>
}

/**
 * Told which blocks each collection links and unlinks, so that block reads can be checked
 * against the collections containing a block (node/sharing.ts). `closure` is asked before the
 * blocks are unlinked, while their records still name their chunks.
 */
export interface ContainerIndex {
  add: (collection: string, cids: CID[]) => Promise<void>
  closure: (cids: CID[]) => Promise<string[]>
  remove: (collection: string, closure: string[]) => Promise<void>
}

/**
 * Collections that live on another node and are mirrored here (node/federation/mirror.ts): asked
 * only for ids this node does not hold; each answers undefined for an id it does not follow.
 */
export interface RemoteCollections {
  get: (user: UserRecord | undefined, id: string) => Promise<CollectionRecord | undefined>
  log: (user: UserRecord | undefined, id: string, after: number, limit: number) => Promise<LogPage | undefined>
  updateHead: (user: UserRecord, id: string, head: Uint8Array, commit: Uint8Array) => Promise<CollectionRecord | undefined>
}

/** The collection a commit links blocks into, and its owner (the writer, for a new one). */
interface LinkTarget { id: string, ownerId: string }

const DAG_CBOR = 0x71
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const sameCid = (a: CID | null, b: string | null): boolean => (a == null ? b == null : b != null && a.toString() === b)

export class Collections {
  private readonly db: NodeDatabase
  private readonly blocks: Blocks
  private readonly lock = new KeyedMutex()
  policy?: CollectionPolicy
  index?: ContainerIndex
  remote?: RemoteCollections
  /** Told of every head this node accepted, once it is written (live updates: node/changes.ts). */
  onCommitted?: (collection: CollectionRecord) => void

  constructor (db: NodeDatabase, blocks: Blocks) {
    this.db = db
    this.blocks = blocks
  }

  /**
   * Applies a signed head and its commit. Refuses a forged or malformed head (422), a head that
   * is not the next one (409 STALE_HEAD: the client syncs and retries), links to blocks the
   * writer cannot read (403), and unlinks by someone other than the owner of blocks they did not
   * upload (403: a collaborator cannot make the node delete the owner's photos).
   *
   * `user` is who writes and is charged; with a link `grant` that allows uploads, it is the
   * collection's owner and the head must be signed by the link's upload key instead.
   */
  async updateHead (user: UserRecord, id: string, headBytes: Uint8Array, commitBytes: Uint8Array, grant?: CollectionGrant): Promise<CollectionRecord> {
    const head = decodeOrRefuse(() => decodeHead(headBytes), 'head')
    const commit = decodeOrRefuse(() => decodeCommit(commitBytes), 'commit')
    if (head.collection !== id || commit.collection !== id) throw new InvalidHeadError('The head or commit names another collection')
    try {
      await verifyHeadSignature(head)
    } catch {
      throw new InvalidHeadError('The head signature does not verify')
    }
    const commitCid = await cborCid(commitBytes)
    if (!head.root.equals(commitCid)) throw new InvalidHeadError('The head does not point at the commit sent with it')
    if (commit.seq !== head.seq) throw new InvalidHeadError('The commit and the head disagree on seq')
    const headCid = await cborCid(headBytes)
    if (grant == null && this.remote != null && await this.db.collections.get(id) == null) {
      const forwarded = await this.remote.updateHead(user, id, headBytes, commitBytes)
      if (forwarded != null) return forwarded
    }

    const record = await this.lock.run(id, async () => {
      const current = await this.db.collections.get(id)
      const writesAsOwner = await this.checkWriter(user, head, current, grant)
      const expectedSeq = (current?.seq ?? 0) + 1
      if (head.seq !== expectedSeq || !sameCid(head.prev, current?.headCid ?? null)) throw new StaleHeadError(expectedSeq, head.seq)
      if (!sameCid(commit.prev, current?.root ?? null)) throw new InvalidHeadError('The commit does not follow the current one')
      const target = { id, ownerId: current?.ownerId ?? user.id }
      for (const link of commit.links) {
        await this.assertLinkable(user, target, link, grant)
      }
      if (!writesAsOwner) await this.assertUnlinkable(user, id, commit, grant)
      await this.blocks.hold(commit.links)
      const next: CollectionRecord = {
        id,
        ownerId: current?.ownerId ?? user.id,
        ownerKey: current?.ownerKey ?? b64(head.owner),
        seq: head.seq,
        headCid: headCid.toString(),
        head: b64(headBytes),
        root: commitCid.toString(),
        createdAt: current?.createdAt ?? Date.now()
      }
      // [Note: links before the head, unlinks after] A crash between the steps then leaves a
      // block counted once too often (a leak, which start-up repairs: [Note: commits in flight]),
      // never a block the published head names with no count (which the unlinked-block sweep
      // would delete after its grace period). Each step is itself atomic: see [Note: a link and
      // its count in one batch]; the commit, the head and the owner's index are one batch too.
      // See [Note: commits in flight] in node/check.ts: start-up replays a marked collection.
      const mark = inFlightKey(id)
      const leftover = await this.db.settings.get(mark) != null
      if (!leftover) await this.db.settings.put(mark, head.seq)
      const added = await this.addLinks(id, commit, grant?.remote === true ? grant.member : undefined)
      faultPoint('commit:linked')
      try {
        await this.db.batch([
          putOp(this.db.commits, `${id}!${seqKey(head.seq)}`, { cid: commitCid.toString(), bytes: b64(commitBytes) }),
          putOp(this.db.collections, id, next),
          ...(current == null ? [putOp(this.db.userCollections, `${user.id}!${id}`, id)] : [])
        ])
      } catch (err) {
        await this.undoLinks(id, added)
        if (!leftover) await this.db.settings.del(mark)
        throw err
      }
      faultPoint('commit:head')
      await this.dropUnlinks(id, commit)
      if (!leftover) await this.db.settings.del(mark)
      return next
    })
    this.onCommitted?.(record)
    return record
  }

  /** Commits after `after` (exclusive), at most `limit` of them, with the current head. */
  async log (user: UserRecord | undefined, id: string, after: number, limit: number, grant?: CollectionGrant): Promise<LogPage> {
    if (this.remote != null && await this.db.collections.get(id) == null) {
      const page = await this.remote.log(user, id, after, limit)
      if (page != null) return page
    }
    const collection = await this.readable(user, id, grant)
    const commits: LogPage['commits'] = []
    const range = { gt: `${id}!${seqKey(after)}`, lte: `${id}!${seqKey(collection.seq)}`, limit: limit + 1 }
    for await (const [key, entry] of this.db.commits.iterator(range)) {
      commits.push({ seq: Number(key.slice(id.length + 1)), cid: entry.cid, bytes: new Uint8Array(Buffer.from(entry.bytes, 'base64')) })
    }
    const more = commits.length > limit
    return { collection, commits: commits.slice(0, limit), more }
  }

  async get (user: UserRecord | undefined, id: string, grant?: CollectionGrant): Promise<CollectionRecord> {
    return this.readable(user, id, grant)
  }

  /** The collections a user owns, with their current seq. */
  async owned (user: UserRecord): Promise<CollectionRecord[]> {
    const result: CollectionRecord[] = []
    for await (const id of this.db.userCollections.values({ gt: `${user.id}!`, lt: `${user.id}!\xff` })) {
      const collection = await this.db.collections.get(id)
      if (collection != null) result.push(collection)
    }
    return result
  }

  private async readable (user: UserRecord | undefined, id: string, grant?: CollectionGrant): Promise<CollectionRecord> {
    const collection = await this.db.collections.get(id)
    if (collection == null) {
      const mirrored = await this.remote?.get(user, id)
      if (mirrored != null) return mirrored
      throw new NotFoundError(`No collection ${id}`)
    }
    if (user?.id === collection.ownerId) return collection
    if (await this.policy?.canRead(user, collection, grant) === true) return collection
    if (user == null && grant == null) throw new UnauthenticatedError()
    throw new ForbiddenError('You have no access to this collection')
  }

  /** Throws unless this head may be written; returns whether it is the owner who writes. */
  private async checkWriter (user: UserRecord, head: Head, current: CollectionRecord | undefined, grant?: CollectionGrant): Promise<boolean> {
    if (grant != null) {
      if (current == null || grant.collection !== current.id || grant.allowUpload !== true || grant.ownerId !== current.ownerId || user.id !== current.ownerId) {
        throw new ForbiddenError('This link does not let you add to this collection')
      }
      if (b64(head.signer) !== grant.uploadKey) throw new ForbiddenError("The head is not signed by the link's upload key")
      if (b64(head.owner) !== current.ownerKey) throw new InvalidHeadError('The head names another owner')
      return false
    }
    const signerIsUser = b64(head.signer) === user.signingPublicKey
    if (!signerIsUser) throw new ForbiddenError('The head is not signed by your identity key')
    if (current == null) {
      if (b64(head.owner) !== user.signingPublicKey) throw new ForbiddenError('A new collection must be owned by its creator')
      return true
    }
    if (b64(head.owner) !== current.ownerKey) throw new InvalidHeadError('The head names another owner')
    if (current.ownerId === user.id) return true
    if (await this.policy?.canWrite(user, current, head) === true) return false
    throw new ForbiddenError('You cannot write to this collection')
  }

  /**
   * Someone other than the owner may release only blocks they added themselves; link holders
   * release nothing. Otherwise a collaborator could make the node free the owner's photos.
   *
   * [Note: what a member of another node may delete] A collaborator of another node writes
   * through its node with its grant token, and what it adds is stored and charged to the owner
   * here (its own node keeps and charges its copy), so the block's owners cannot say whose it is.
   * The link row can: a commit signed by such a member records the member's key beside each link
   * it creates in this collection (`linkedBy`, in the link's batch), and that member may later
   * drop exactly those links — its own items — and no other. Each collection holds at most one
   * reference per block, so dropping links one made can never free what another writer's link or
   * another collection still holds. A link the collection does not have releases nothing and is
   * let through.
   */
  private async assertUnlinkable (user: UserRecord, id: string, commit: Commit, grant?: CollectionGrant): Promise<void> {
    for (const cid of commit.unlinks) {
      const key = `${id}!${cid}`
      if (grant?.remote === true && grant.member != null) {
        if (await this.db.links.get(key) == null || await this.db.linkedBy.get(key) === grant.member) continue
      } else if (grant == null) {
        const record = await this.db.blocks.get(cid.toString())
        if (record == null || record.owners.includes(user.id)) continue
      }
      throw new ForbiddenError(`The commit unlinks block ${cid}, which you did not add: only the owner can delete other members' photos`)
    }
  }

  /**
   * A commit may link only blocks its writer can read, and a dag-cbor link must be a manifest
   * envelope whose chunks the writer can read too: linking puts every one of them into this
   * collection (for reference counts and for grants), so a manifest naming someone else's chunks
   * must not become a way to read them. Checked before anything is written, so a bad link leaves
   * the head where it was instead of failing half-way through the update.
   */
  private async assertLinkable (user: UserRecord, target: LinkTarget, cid: CID, grant?: CollectionGrant): Promise<void> {
    const record = await this.db.blocks.get(cid.toString())
    if (record == null || !await this.mayLink(user, target, cid, record, grant)) throw new ForbiddenError(`The commit links block ${cid}, which you may not link here`)
    if (cid.code !== DAG_CBOR) return
    let chunks = record.links
    if (chunks == null) {
      try {
        chunks = decodeManifestEnvelope(await this.blocks.get(user, cid)).links.map((l) => l.toString())
      } catch {
        throw new InvalidHeadError(`The commit links block ${cid}, which is not a manifest`)
      }
    }
    for (const chunk of chunks) {
      const chunkRecord = await this.db.blocks.get(chunk)
      if (chunkRecord == null) continue
      if (!await this.mayLink(user, target, CID.parse(chunk), chunkRecord, grant)) throw new ForbiddenError(`The manifest ${cid} names block ${chunk}, which you may not link here`)
    }
  }

  /**
   * A user links what they can read and the access policy lets them link here (see [Note: who
   * may link which block] in node/sharing.ts). A link holder adding photos links what the
   * request's link can read, or blocks just uploaded through it: charged to the owner and linked
   * nowhere yet.
   */
  private async mayLink (user: UserRecord, target: LinkTarget, cid: CID, record: BlockRecord, grant?: CollectionGrant): Promise<boolean> {
    if (grant == null) {
      if (!await this.blocks.canRead(user, cid, record)) return false
      return this.policy == null || await this.policy.canLink(user, target.id, target.ownerId, cid, record)
    }
    if (record.refs === 0 && record.owners.includes(user.id)) return true
    return await this.blocks.canRead(undefined, cid, record, grant)
  }

  /**
   * Each collection holds at most one reference to a block, whatever its records say, so a
   * writer can only ever release what this collection itself linked. Returns the blocks this
   * commit linked here for the first time. `by`: the member of another node who signed the
   * commit, recorded with each new link ([Note: what a member of another node may delete]).
   *
   * [Note: a link and its count in one batch] A link row and the reference it stands for are
   * written in one LevelDB batch (`Blocks.linkWith`), with the chunk counts of a manifest's first
   * link. They used to be separate writes: a crash between them left rows without counts, a rerun
   * of the commit skipped the rows that existed, and the blocks were deleted once their other
   * links went while the album still listed them. Now a row exists exactly when its count does,
   * so skipping an existing row is right, and a crash before the head only leaves rows of a
   * commit that never landed: a leak that the start-up check repairs ([Note: commits in flight] in
   * node/check.ts), as does `obscura node check --repair`.
   */
  private async addLinks (id: string, commit: Commit, by?: string): Promise<CID[]> {
    const added: CID[] = []
    for (const cid of commit.links) {
      const key = `${id}!${cid}`
      if (await this.db.links.get(key) != null) continue
      await this.blocks.linkWith(cid, [putOp(this.db.links, key, 1), by != null ? putOp(this.db.linkedBy, key, by) : delOp(this.db.linkedBy, key)])
      added.push(cid)
      faultPoint('commit:link')
    }
    await this.index?.add(id, added)
    return added
  }

  /** Takes back `addLinks` when the head could not be written after all. */
  private async undoLinks (id: string, added: CID[]): Promise<void> {
    for (const cid of added) await this.db.batch([delOp(this.db.links, `${id}!${cid}`), delOp(this.db.linkedBy, `${id}!${cid}`)])
    const closure = await this.index?.closure(added) ?? []
    await this.blocks.unlinkKeeping(added)
    await this.index?.remove(id, closure)
  }

  private async dropUnlinks (id: string, commit: Commit): Promise<void> {
    const dropped: CID[] = []
    for (const cid of commit.unlinks) {
      const key = `${id}!${cid}`
      if (await this.db.links.get(key) == null) continue
      await this.db.batch([delOp(this.db.links, key), delOp(this.db.linkedBy, key)])
      dropped.push(cid)
      faultPoint('commit:unlink')
    }
    const closure = await this.index?.closure(dropped) ?? []
    await this.blocks.unlink(dropped)
    await this.index?.remove(id, closure)
  }
}

function decodeOrRefuse<T> (decode: () => T, what: string): T {
  try {
    return decode()
  } catch (err) {
    throw new InvalidHeadError(`The ${what} is malformed: ${(err as Error).message}`)
  }
}
