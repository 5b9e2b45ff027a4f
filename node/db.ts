/**
 * The node's metadata database: one LevelDB (under `<data>/meta`) split into typed sublevels.
 * It holds what the node itself must know — accounts, sessions, collection heads and their
 * commit logs, block ownership and reference counts — never a key or a plaintext name.
 * Values are JSON; binary fields are base64 strings.
 */
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Level, type BatchOperation as LevelBatchOperation } from 'level'
import { DataFolderInUseError } from './errors.ts'

/** An account as the node stores it. Everything secret is inside `keyBundle`, encrypted client-side. */
export interface UserRecord {
  id: string
  username: string
  admin: boolean
  createdAt: number
  quotaBytes: number
  usedBytes: number
  /** Ed25519 public key derived from the password; login proofs are checked against it. */
  authPublicKey: string
  /**
   * Ed25519 public key derived from the recovery key; recovery proofs are checked against it.
   * Absent on accounts made before signup sent it: those cannot use their recovery key.
   */
  recoveryAuthPublicKey?: string
  /** Argon2id parameters and salt, handed to whoever starts a login (needed to derive keys). */
  kdf: unknown
  /** The encrypted key bundle, released only after a valid login proof. */
  keyBundle: string
  /** The user's Ed25519 identity key (signs heads and records) and X25519 key (receives shares). */
  signingPublicKey: string
  boxPublicKey: string
  /** Id of the user's root collection, which lists their albums and folders. */
  rootCollection: string
}

export interface SessionRecord { userId: string, expiresAt: number, createdAt: number }
/**
 * An invite code, stored under the SHA-256 of the code. The code itself is kept until the invite
 * is used or revoked, so that its admin can copy it again from the invite list (it grants one
 * signup, nothing more; docs/SECURITY.md); a used invite keeps who used it and when.
 */
export interface InviteRecord { createdBy: string, createdAt: number, expiresAt: number, code?: string, usedBy?: string, usedAt?: number }

export interface CollectionRecord {
  id: string
  ownerId: string
  /** Owner's Ed25519 public key, base64; every head must name it. */
  ownerKey: string
  seq: number
  headCid: string
  head: string
  root: string
  createdAt: number
}

export interface CommitEntry { cid: string, bytes: string }

export interface BlockRecord {
  size: number
  /** Users who uploaded this block; each one is charged its size. */
  owners: string[]
  /** Live references from collections (manifests) or manifests (chunks). 0 = not yet linked. */
  refs: number
  /** Blocks a manifest links to, so dropping the manifest can release them. */
  links?: string[]
  createdAt: number
  /**
   * While `refs` is 0: when the block's grace period began — its first upload, a later upload or
   * resume check by an owner, or a sweep that found it still needed (node/block-gc.ts). Older
   * records lack it until the index of unlinked blocks is built for them. Absent once linked.
   */
  pendingSince?: number
}

/** A block being deleted: owners still to be given its bytes back, then its bytes to delete (node/blocks.ts). */
export interface ReleaseRecord { size: number, owners: string[] }

/** A direct S3 upload the gateway signed a URL for and the user has not committed yet. */
export interface PendingUpload {
  size: number
  /** When the URL expires (ms since the epoch); reserved quota counts until then. */
  expiresAt: number
  /** The base64 MD5 signed into the URL, checked against the ETag at commit (absent in records from before it was signed). */
  md5?: string
}

/** A user's membership of another user's collection (node/sharing.ts). */
export interface MemberRecord {
  collection: string
  userId: string
  role: 'viewer' | 'collaborator'
  /** Key epoch of `sealedKey`; the member checks it against the collection's log. */
  epoch: number
  /** base64: the collection key of `epoch` sealed to the member's X25519 key (opaque to the node). */
  sealedKey: string
  addedAt: number
}

/** Where another node is dialled: its libp2p peer id and multiaddrs. */
export interface PeerAddressRecord { peerId: string, multiaddrs: string[] }

/** A member of a collection whose account lives on another node (node/federation/remote-members.ts). */
export interface RemoteMemberRecord {
  collection: string
  /** `username@peerId`: how the owner's client and the API name this member. */
  handle: string
  username: string
  /** base64 Ed25519 identity key, as in UserRecord; grant tokens are signed with it. */
  signingPublicKey: string
  boxPublicKey: string
  /** The member's node: the only peer whose requests this member's grant tokens admit. */
  node: PeerAddressRecord
  role: 'viewer' | 'collaborator'
  epoch: number
  sealedKey: string
  addedAt: number
  /** The album's name boxed under its key (src/crypto/wrap.ts, boxShareName), sent on with the share. */
  sealedName?: string
}

/** A collection of another node shared with a user of this one (node/federation/shares.ts). */
export interface FederatedShareRecord {
  collection: string
  userId: string
  owner: { username: string, signingPublicKey: string, boxPublicKey: string }
  /** The node that holds the collection (its authority). */
  ownerNode: PeerAddressRecord
  role: 'viewer' | 'collaborator'
  epoch: number
  sealedKey: string
  addedAt: number
  /** The album's name boxed under its key by the owner's client, so that it is listed by name before its log is fetched. */
  sealedName?: string
  /** base64url grant token the member's client signed for this node to act with, and its expiry. */
  grant?: string
  grantExpiresAt?: number
}

/** This node's copy of another node's collection: the verified head and where the log comes from. */
export interface MirrorRecord {
  id: string
  ownerKey: string
  ownerNode: PeerAddressRecord
  seq: number
  headCid: string
  head: string
  root: string
  syncedAt: number
}

/** A notification for a member's node that has not been delivered yet (node/federation/outbox.ts). */
export interface OutboxEntry {
  peer: PeerAddressRecord
  method: 'POST' | 'DELETE'
  path: string
  body: object
  createdAt: number
  attempts: number
}

/** A public link (node/links.ts). The token itself is never stored, only its SHA-256. */
export interface LinkRecord {
  id: string
  collection: string
  ownerId: string
  createdAt: number
  /** ms since the epoch; absent: never expires. */
  expiresAt?: number
  revokedAt?: number
  /** Distinct devices allowed; absent: no limit. */
  deviceLimit?: number
  /** SHA-256 (hex) of each device id that opened the link. */
  devices: string[]
  noDownload: boolean
  allowUpload: boolean
  /** base64 Ed25519 key that signs uploads through the link (allowUpload only). */
  uploadKey?: string
  /** Key epoch of `keyBox`. */
  epoch: number
  /** base64: the collection key under the link's wrap key. */
  keyBox: string
  /** base64: the token and secrets under the owner's master key. */
  ownerBox: string
  /** Argon2id parameters and the auth public key (base64) of a password; absent without one. */
  password?: { kdf: unknown, authPublicKey: string }
}

/** A session opened with a public link (and its password). */
export interface LinkSessionRecord { linkId: string, device: string, expiresAt: number }

interface RangeOptions { gt?: string, gte?: string, lt?: string, lte?: string, limit?: number, reverse?: boolean }

/** The typed view of one sublevel that the services use. */
export interface Sub<V> {
  get: (key: string) => Promise<V | undefined>
  getMany: (keys: string[]) => Promise<Array<V | undefined>>
  put: (key: string, value: V) => Promise<void>
  del: (key: string) => Promise<void>
  iterator: (options?: RangeOptions) => AsyncIterable<[string, V]>
  keys: (options?: RangeOptions) => AsyncIterable<string>
  values: (options?: RangeOptions) => AsyncIterable<V>
  batch: (operations: Array<{ type: 'put', key: string, value: V } | { type: 'del', key: string }>) => Promise<void>
}

export class NodeDatabase {
  readonly level: Level<string, unknown>
  readonly users: Sub<UserRecord>
  readonly usernames: Sub<string>
  readonly sessions: Sub<SessionRecord>
  /** `<user id>!<session hash>` → expiry: a user's sessions, to end them all at a password change. */
  readonly userSessions: Sub<number>
  readonly invites: Sub<InviteRecord>
  readonly collections: Sub<CollectionRecord>
  readonly commits: Sub<CommitEntry>
  readonly userCollections: Sub<string>
  readonly blocks: Sub<BlockRecord>
  /**
   * `<pendingSince>!<cid>` for every block with no reference: the garbage collector reads only
   * the expired front of it, however many blocks the node holds. Written in the same batch as
   * the block's record (`writeBlock`).
   */
  readonly unlinked: Sub<1>
  /** `<cid>` → a deletion under way, so that one interrupted by a crash is finished later. */
  readonly releases: Sub<ReleaseRecord>
  /** `<collection>!<cid>` for every block a collection currently links: its share of the refs. */
  readonly links: Sub<number>
  /**
   * `<collection>!<cid>` → base64 signing key of the member of another node whose commit made that
   * link (node/collections.ts, [Note: what a member of another node may delete]). Absent for links
   * made by anyone else; rewritten with every new link row.
   */
  readonly linkedBy: Sub<string>
  /** `<user id>!<cid>` for every direct S3 upload signed but not committed yet. */
  readonly s3Uploads: Sub<PendingUpload>
  /** `<collection>!<user id>`: who a collection is shared with, and how. */
  readonly members: Sub<MemberRecord>
  /** `<user id>!<collection>`: the collections shared with a user. */
  readonly memberships: Sub<string>
  /**
   * `<cid>` → { collection id: count }: the collections that link a block, directly or through a
   * manifest. The reverse of `links`; block reads check grants against it in O(1).
   */
  readonly containers: Sub<Record<string, number>>
  /** Link id → public link. */
  readonly publicLinks: Sub<LinkRecord>
  /** SHA-256 (hex) of a link token → link id. */
  readonly linkTokens: Sub<string>
  /** SHA-256 (hex) of a link session token → its session. */
  readonly linkSessions: Sub<LinkSessionRecord>
  /** `<collection>!<member key hex>`: members of this node's collections whose accounts live on other nodes. */
  readonly remoteMembers: Sub<RemoteMemberRecord>
  /** `<user id>!<collection>`: other nodes' collections shared with this node's users. */
  readonly federatedShares: Sub<FederatedShareRecord>
  /** Collection id → this node's verified copy of another node's collection. */
  readonly mirrors: Sub<MirrorRecord>
  /** `<collection>!<seq>`: the commits of mirrored collections, as `commits` holds local ones. */
  readonly mirrorCommits: Sub<CommitEntry>
  /** `<cid>` → { collection id: 1 }: the mirrored collections that link a block (directly or through a manifest). */
  readonly mirrorContainers: Sub<Record<string, 1>>
  /** `<cid>` → size and last read: blocks this node fetched from albums' home nodes (node/federation/cache.ts). */
  readonly mirrorCache: Sub<{ bytes: number, usedAt: number }>
  /** `<peer>!<collection>!<member key hex>`: notifications to other nodes not delivered yet. */
  readonly outbox: Sub<OutboxEntry>
  readonly settings: Sub<unknown>
  private readonly dataDir: string

  constructor (dataDir: string) {
    this.dataDir = dataDir
    this.level = new Level<string, unknown>(join(dataDir, 'meta'), { valueEncoding: 'json' })
    const sub = <V>(name: string): Sub<V> => this.level.sublevel<string, V>(name, { valueEncoding: 'json' }) as unknown as Sub<V>
    this.users = sub('users')
    this.usernames = sub('usernames')
    this.sessions = sub('sessions')
    this.userSessions = sub('user-sessions')
    this.invites = sub('invites')
    this.collections = sub('collections')
    this.commits = sub('commits')
    this.userCollections = sub('user-collections')
    this.blocks = sub('blocks')
    this.unlinked = sub('unlinked')
    this.releases = sub('releases')
    this.links = sub('links')
    this.linkedBy = sub('linked-by')
    this.s3Uploads = sub('s3-uploads')
    this.members = sub('members')
    this.memberships = sub('memberships')
    this.containers = sub('containers')
    this.publicLinks = sub('public-links')
    this.linkTokens = sub('link-tokens')
    this.linkSessions = sub('link-sessions')
    this.remoteMembers = sub('remote-members')
    this.federatedShares = sub('federated-shares')
    this.mirrors = sub('mirrors')
    this.mirrorCommits = sub('mirror-commits')
    this.mirrorContainers = sub('mirror-containers')
    this.mirrorCache = sub('mirror-cache')
    this.outbox = sub('outbox')
    this.settings = sub('settings')
  }

  /**
   * Opens the database and writes this process's id to `<data>/node.pid` (0600). LevelDB locks its
   * folder; when another process holds the lock, the error says so, with that process's id when its
   * PID file names one, rather than LevelDB's "Database failed to open".
   */
  async open (): Promise<void> {
    try {
      await this.level.open()
    } catch (err) {
      if ((err as { cause?: { code?: unknown } }).cause?.code !== 'LEVEL_LOCKED') throw err
      const pid = await this.holder()
      throw new DataFolderInUseError(this.dataDir, pid != null && isRunning(pid) ? pid : undefined, { cause: err })
    }
    await writeFile(this.pidFile(), `${process.pid}\n`, { mode: 0o600 })
  }

  async close (): Promise<void> {
    await this.level.close()
    if (await this.holder() === process.pid) await rm(this.pidFile(), { force: true })
  }

  private pidFile (): string { return join(this.dataDir, 'node.pid') }

  /** The PID in the PID file, or undefined when there is none (or it is not a number). */
  private async holder (): Promise<number | undefined> {
    const text = await readFile(this.pidFile(), 'utf8').catch(() => '')
    const pid = Number.parseInt(text, 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  }

  /** Writes to several sublevels as one atomic LevelDB batch: all of them or none survive a crash. */
  async batch (operations: BatchOperation[]): Promise<void> {
    // abstract-level encodes each operation with its `sublevel`'s encodings; Sub<V> is such a sublevel.
    await this.level.batch(operations as unknown as Array<LevelBatchOperation<Level<string, unknown>, string, unknown>>)
  }

  /**
   * The operations that replace a block's record `previous` by `next` (undefined: none) and keep
   * the `unlinked` index in step: an entry exactly while the record has no reference.
   */
  blockOperations (cid: string, previous: BlockRecord | undefined, next: BlockRecord | undefined): BatchOperation[] {
    const before = previous != null ? unlinkedKey(previous, cid) : undefined
    const after = next != null ? unlinkedKey(next, cid) : undefined
    const ops: BatchOperation[] = []
    if (before != null && before !== after) ops.push(delOp(this.unlinked, before))
    if (after != null && after !== before) ops.push(putOp(this.unlinked, after, 1))
    ops.push(next != null ? putOp(this.blocks, cid, next) : delOp(this.blocks, cid))
    return ops
  }

  /** `blockOperations`, written. */
  async writeBlock (cid: string, previous: BlockRecord | undefined, next: BlockRecord | undefined, also: BatchOperation[] = []): Promise<void> {
    await this.batch([...this.blockOperations(cid, previous, next), ...also])
  }
}

/** Whether a process with this id exists (a PID file left by a crash may name a dead one). */
function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM' // exists, owned by another user
  }
}

/** One write of `NodeDatabase.batch`. */
export type BatchOperation =
  | { type: 'put', sublevel: Sub<unknown>, key: string, value: unknown }
  | { type: 'del', sublevel: Sub<unknown>, key: string }

export function putOp<V> (sublevel: Sub<V>, key: string, value: V): BatchOperation {
  return { type: 'put', sublevel: sublevel as unknown as Sub<unknown>, key, value }
}

export function delOp<V> (sublevel: Sub<V>, key: string): BatchOperation {
  return { type: 'del', sublevel: sublevel as unknown as Sub<unknown>, key }
}

/** The record's key in the `unlinked` index, or undefined when the record needs none (linked, or not indexed yet). */
export function unlinkedKey (record: BlockRecord, cid: string): string | undefined {
  if (record.refs > 0 || record.pendingSince == null) return undefined
  return `${timeKey(record.pendingSince)}!${cid}`
}

/** Milliseconds since the epoch, fixed-width so that LevelDB's byte order is time order. */
export function timeKey (ms: number): string {
  return Math.max(0, Math.floor(ms)).toString().padStart(15, '0')
}

/** Fixed-width decimal so that LevelDB's byte order is numeric order. */
export function seqKey (seq: number): string {
  return seq.toString().padStart(12, '0')
}
