/**
 * One collection as the client sees it: the state built by replaying its verified log, how to
 * catch up with the node (only the commits after our cursor), and how to append a batch of ops
 * by compare-and-swap, retrying on the new head when another device or member wrote first.
 *
 * [Note: verify before apply] Commits from the node are staged and applied only once the whole
 * chain from our cursor to the signed head checks out, so a tampered or truncated log never
 * leaves half-applied changes behind.
 *
 * [Note: who may write what] The owner's records decide who else may write: a `member` op with
 * role "collaborator" admits a key, a `revoke` op (or a downgrade to "viewer") removes it from
 * that point of the log on. A record by any other key (a forgery), or a collaborator's record that
 * carries an owner-only op, does not open, is malformed or uses the wrong key epoch, is rejected:
 * left out whole, by every reader alike, and listed in `state.rejected`, so that nothing forged is
 * applied and no collaborator can make the album unreadable. A head signed by a key that may not
 * write fails the sync. A
 * collaborator's `rename`, `trash`, `restore`, `flag` and `remove` act only on items that
 * collaborator added, and its `add` cannot replace someone else's item: such ops change nothing.
 *
 * [Note: key epochs] A collection starts at key epoch 0. When the owner removes a member it opens
 * the next epoch with a record sealed under a fresh key whose first op is `rekey`, carrying the
 * previous key boxed under the new one; every later record and file key uses the new key. So the
 * newest key opens the whole history, and nothing written after a removal opens with a key the
 * removed member held. Records under an older epoch after a re-key are refused.
 *
 * [Note: an owner's malformed ops] Every check on the owner's records is strict (a failure fails
 * the sync) but one: a record that is validly signed by the owner, opens under the current epoch's
 * key, and whose ops fail the schema (an empty or over-long name, written by a client that did not
 * check ops before sealing them) is left out whole and listed in `state.rejected`, like a
 * collaborator's. Failing the sync instead would make the collection, and for the root the whole
 * library, unreadable for good, since a log is never rewritten. Skipping it gives the owner no
 * power it lacks (it can write any valid op) and gives a node none (it cannot sign), and every
 * reader skips the same records. A record under a newer epoch is never skipped: its first op must
 * be the `rekey` that opens the epoch.
 */
import { bytesEqual, toHex } from '../crypto/bytes.ts'
import { unwrapFileKey, unwrapPreviousKey, wrapFileKey } from '../crypto/wrap.ts'
import { cborCid, type CID } from '../format/cid.ts'
import { decodeCommit, encodeCommit } from '../format/commit.ts'
import { checkNotRolledBack, createHead, decodeHead, verifyHeadSignature, type Head } from '../format/head.ts'
import { InvalidStructureError, KeyEpochError, UnauthorisedAuthorError } from '../format/errors.ts'
import { openRecordBox, recordEpoch, verifyRecordSignature, type SignedRecord } from '../format/record.ts'
import { fromBase64 } from './encoding.ts'
import { ApiError, BadResponseError, CollectionKeyUnavailableError } from './errors.ts'
import { isOwnerOnly, parseRecordContent, sealRecordOps, type CollectionKind, type ItemKind, type MemberRole, type RecordOp } from '../format/record-ops.ts'
import type { NodeApi } from './api.ts'
import type { SigningKey } from '../crypto/sign.ts'

export interface ItemEntry {
  id: string
  manifest: CID
  /** The file key, boxed under the collection key of `epoch`. */
  fileKeyBox: Uint8Array
  /** Key epoch of the record that added the item (see [Note: key epochs]). */
  epoch: number
  name: string
  size: number
  mime: string
  kind: ItemKind
  takenAt: number
  /** The capture's UTC offset, when the file said it (FORMAT.md 9.1, revision 1.3). */
  takenOffsetMinutes?: number
  /** Width and height as shown, orientation applied, when the add op said them (FORMAT.md 9.1, revision 1.4). */
  width?: number
  height?: number
  contentTag: Uint8Array
  addedAt: number
  /** Public key of the member who added it. */
  author: Uint8Array
  trashedAt?: number
  favorite?: boolean
  archived?: boolean
}

export interface ChildEntry {
  id: string
  kind: 'album' | 'folder'
  /** The collection key of epoch 0, boxed under the master key. */
  keyBox: Uint8Array
  /** Keys of later epochs (after re-keys), boxed under the master key. */
  epochKeys: Map<number, Uint8Array>
}

/** A member as the owner's records describe it. */
export interface MemberEntry {
  /** Ed25519 identity key (a public link's derived key for links that accept uploads). */
  key: Uint8Array
  boxPublicKey: Uint8Array
  role: MemberRole
  label?: string
  /** The collection key of `epoch`, sealed to `boxPublicKey`. */
  sealedKey: Uint8Array
  /** Epoch of the record that last named this member. */
  epoch: number
}

export interface CollectionState {
  id: string
  /** Key of the current epoch: new records and file keys are sealed under it. */
  key: Uint8Array
  /** Current key epoch (0 until the owner first re-keys). */
  epoch: number
  /** Every key of this collection this client holds, by epoch. */
  keys: Map<number, Uint8Array>
  ownerKey: Uint8Array
  seq: number
  headCid: CID | null
  root: CID | null
  name?: string
  kind?: CollectionKind
  parent?: string | null
  items: Map<string, ItemEntry>
  /** Root collection only: the user's albums and folders. */
  children: Map<string, ChildEntry>
  /** Members other than the owner, by hex of their key. */
  members: Map<string, MemberEntry>
  /** Records this client left out, and why (see [Note: who may write what], [Note: an owner's malformed ops]). */
  rejected: RejectedRecord[]
}

/**
 * A collection not synced yet. `key` is the key of `keyEpoch`: the owner knows epoch 0 (and later
 * ones from its root collection); a member may know only the newest, and learns the older ones
 * from the log.
 */
export function emptyCollection (id: string, key: Uint8Array, ownerKey: Uint8Array, keyEpoch = 0): CollectionState {
  return {
    id, key, epoch: 0, keys: new Map([[keyEpoch, key]]), ownerKey, seq: 0, headCid: null, root: null,
    items: new Map(), children: new Map(), members: new Map(), rejected: []
  }
}

/** The file key of an item, unwrapped with the key of the epoch it was added under. */
export function fileKeyOf (collection: CollectionState, item: ItemEntry): Uint8Array {
  const key = collection.keys.get(item.epoch)
  if (key == null) throw new CollectionKeyUnavailableError(collection.id, item.epoch)
  return unwrapFileKey(key, item.id, item.fileKeyBox)
}

/** The role of `key` in the collection: owner, a member's role, or undefined. */
export function roleOf (state: CollectionState, key: Uint8Array): 'owner' | MemberRole | undefined {
  if (bytesEqual(key, state.ownerKey)) return 'owner'
  return state.members.get(toHex(key))?.role
}

/** See [Note: who may write what]: the owner touches anything, others only what they added. */
/** Whether `author` may rename, trash, restore, flag or remove `item`: its owner or whoever added it. */
export function mayChange (state: CollectionState, item: ItemEntry, author: Uint8Array): boolean {
  return bytesEqual(author, state.ownerKey) || bytesEqual(author, item.author)
}

/**
 * Applies one op written by `author` in a record of key epoch `epoch`; ops about unknown items
 * are ignored (they raced with a removal), and so are ops a collaborator may not make.
 */
export function applyOp (state: CollectionState, op: RecordOp, author: Uint8Array, epoch = state.epoch): void {
  switch (op.op) {
    case 'meta':
      state.name = op.name
      state.kind = op.kind
      state.parent = op.parent
      return
    case 'add': {
      const present = state.items.get(op.item)
      if (present != null && !mayChange(state, present, author)) return
      state.items.set(op.item, {
        id: op.item, manifest: op.manifest, fileKeyBox: op.fileKey, epoch, name: op.name, size: op.size, mime: op.mime,
        kind: op.kind, takenAt: op.takenAt, contentTag: op.contentTag, addedAt: op.addedAt, author,
        ...(op.takenOffsetMinutes != null ? { takenOffsetMinutes: op.takenOffsetMinutes } : {}),
        ...(op.width != null && op.height != null ? { width: op.width, height: op.height } : {})
      })
      return
    }
    case 'collection': {
      if (op.epoch == null) {
        state.children.set(op.id, { id: op.id, kind: op.kind, keyBox: op.key, epochKeys: state.children.get(op.id)?.epochKeys ?? new Map() })
      } else {
        state.children.get(op.id)?.epochKeys.set(op.epoch, op.key)
      }
      return
    }
    case 'uncollection':
      state.children.delete(op.id)
      return
    case 'member':
      state.members.set(toHex(op.member), {
        key: op.member, boxPublicKey: op.boxPublicKey, role: op.role, sealedKey: op.collectionKey, epoch, ...(op.label != null ? { label: op.label } : {})
      })
      return
    case 'revoke':
      state.members.delete(toHex(op.member))
      return
    case 'rekey': {
      state.epoch = op.epoch
      const key = state.keys.get(op.epoch)
      if (key != null) state.key = key
      return
    }
  }
  const item = state.items.get(op.item)
  if (item == null || !mayChange(state, item, author)) return
  switch (op.op) {
    case 'remove': state.items.delete(op.item); break
    case 'rename': item.name = op.name; break
    case 'trash': item.trashedAt = op.at; break
    case 'restore': delete item.trashedAt; break
    case 'flag': item[op.flag] = op.value; break
  }
}

export interface SyncOptions {
  signal?: AbortSignal
  /**
   * Asked for the key of an epoch this client does not hold (the owner re-keyed): a member asks
   * the node for the key sealed to it, the owner reads its root collection. Resolves undefined
   * when there is none; the sync then fails with CollectionKeyUnavailableError.
   */
  keyFor?: (epoch: number) => Promise<Uint8Array | undefined>
  /** Commits per request. */
  pageSize?: number
}

interface StagedRecord { record: SignedRecord, epoch: number, ops?: RecordOp[] }

/**
 * Finds the key of every epoch the owner's records open: the newest from what the client holds
 * (or `keyFor`), each older one from the `rekey` op that opened the next epoch, which the owner
 * sealed under the newer key. Returns the keys; the records it had to open keep their ops.
 * Only the owner's records count here: a collaborator cannot make a reader look for keys.
 */
async function resolveKeys (state: CollectionState, staged: StagedRecord[], options: SyncOptions): Promise<Map<number, Uint8Array>> {
  const keys = new Map(state.keys)
  const owners = staged.filter((s) => bytesEqual(s.record.author, state.ownerKey))
  if (staged.length === 0) return keys
  const newest = Math.max(state.epoch, ...owners.map((s) => s.epoch))
  if (!keys.has(newest)) {
    const key = await options.keyFor?.(newest)
    if (key == null) throw new CollectionKeyUnavailableError(state.id, newest)
    keys.set(newest, key)
  }
  const firstOf = new Map<number, StagedRecord>()
  for (const s of owners) if (!firstOf.has(s.epoch)) firstOf.set(s.epoch, s)
  for (let epoch = newest; epoch >= 1; epoch--) {
    const key = keys.get(epoch)
    const first = firstOf.get(epoch)
    if (keys.has(epoch - 1) || key == null || first == null) continue
    first.ops = parseRecordContent(openRecordBox(key, state.id, first.record))
    const rekey = first.ops[0]
    if (rekey?.op !== 'rekey' || rekey.epoch !== epoch) throw new KeyEpochError(`the first record of epoch ${epoch} does not open it with a rekey op`)
    keys.set(epoch - 1, unwrapPreviousKey(key, state.id, epoch - 1, rekey.previous))
  }
  for (const s of owners) if (!keys.has(s.epoch)) throw new CollectionKeyUnavailableError(state.id, s.epoch)
  return keys
}

/** A record that readers leave out (see [Note: who may write what], [Note: an owner's malformed ops]). */
export interface RejectedRecord {
  /** Key of whoever wrote it (a collaborator, or the owner for malformed ops). */
  author: Uint8Array
  reason: string
}

interface CheckedLog {
  batches: Array<{ ops: RecordOp[], author: Uint8Array, epoch: number }>
  rejected: RejectedRecord[]
  mayWrite: (key: Uint8Array) => boolean
}

/**
 * Checks the staged records in log order against who may write at each point and against the
 * epoch rules, opening each under its epoch's key. The owner's records must all pass (the sync
 * fails otherwise), except that one whose ops fail the schema is left out (see [Note: an owner's
 * malformed ops]). Anyone else's record that is by a key that may not write there, does not
 * open, is malformed, uses another epoch or carries an owner-only op is left out, the same way by
 * every reader: only a writer's commit can carry it (the head chain proves that), so failing the
 * sync would let one collaborator make the album unreadable for everyone.
 */
function checkRecords (state: CollectionState, staged: StagedRecord[], keys: Map<number, Uint8Array>): CheckedLog {
  let epoch = state.epoch
  const members = new Map(state.members)
  const mayWrite = (key: Uint8Array): boolean => bytesEqual(key, state.ownerKey) || members.get(toHex(key))?.role === 'collaborator'
  const batches: CheckedLog['batches'] = []
  const rejected: RejectedRecord[] = []
  for (const s of staged) {
    const { record } = s
    if (!bytesEqual(record.author, state.ownerKey)) {
      try {
        if (!mayWrite(record.author)) throw new UnauthorisedAuthorError('a record by a key that may not write here')
        if (s.epoch !== epoch) throw new KeyEpochError(`a record under epoch ${s.epoch} while the collection is at epoch ${epoch}`)
        const ops = parseRecordContent(openRecordBox(keys.get(s.epoch) as Uint8Array, state.id, record))
        if (ops.some(isOwnerOnly)) throw new UnauthorisedAuthorError('a record by a non-owner changes the collection itself or its members')
        batches.push({ ops, author: record.author, epoch: s.epoch })
      } catch (err) {
        rejected.push({ author: record.author, reason: (err as Error).message })
      }
      continue
    }
    if (s.epoch < epoch) throw new KeyEpochError(`a record sealed under epoch ${s.epoch} after the collection moved to epoch ${epoch}`)
    let ops = s.ops
    if (ops == null) {
      const content = openRecordBox(keys.get(s.epoch) as Uint8Array, state.id, record)
      try {
        ops = parseRecordContent(content)
      } catch (err) {
        // See [Note: an owner's malformed ops]; a record that may open an epoch is never skipped.
        if (!(err instanceof InvalidStructureError) || s.epoch !== epoch) throw err
        rejected.push({ author: record.author, reason: err.message })
        continue
      }
    }
    for (const [index, op] of ops.entries()) {
      if (op.op === 'rekey') {
        if (index !== 0 || op.epoch !== epoch + 1 || s.epoch !== op.epoch) throw new KeyEpochError('a rekey op must be the first op of the first record of the epoch it opens')
        epoch = op.epoch
      } else if (op.op === 'member') {
        members.set(toHex(op.member), { key: op.member, boxPublicKey: op.boxPublicKey, role: op.role, sealedKey: op.collectionKey, epoch: s.epoch })
      } else if (op.op === 'revoke') {
        members.delete(toHex(op.member))
      }
    }
    if (s.epoch !== epoch) throw new KeyEpochError(`a record under epoch ${s.epoch} that the owner did not open with a rekey op`)
    batches.push({ ops, author: record.author, epoch: s.epoch })
  }
  return { batches, rejected, mayWrite }
}

/**
 * Brings `state` up to the node's head: fetches the commits after `state.seq`, page by page,
 * verifies the hash chain and every record's signature, finds the keys of their epochs, checks
 * each record's author and epoch in log order (leaving out the records checkRecords rejects),
 * verifies the head signature and the rollback rule, then applies everything. Returns the
 * number of records applied.
 */
export async function syncCollection (api: NodeApi, state: CollectionState, options: SyncOptions = {}): Promise<number> {
  const staged: StagedRecord[] = []
  const unsigned: RejectedRecord[] = []
  let cursor = state.seq
  let root = state.root
  let head: Head | undefined
  let headCid: CID | undefined
  for (;;) {
    const page = await api.log(state.id, cursor, options.pageSize ?? 1000, { signal: options.signal })
    const headBytes = fromBase64(page.head)
    head = decodeHead(headBytes)
    headCid = await cborCid(headBytes)
    for (const entry of page.commits) {
      const bytes = fromBase64(entry.bytes)
      const commit = decodeCommit(bytes)
      const cid = await cborCid(bytes)
      if (commit.collection !== state.id || commit.seq !== cursor + 1 || !sameCid(commit.prev, root)) {
        throw new BadResponseError(`commit ${commit.seq} of ${state.id} does not continue the log`)
      }
      for (const record of commit.records) {
        try {
          await verifyRecordSignature(state.id, record)
        } catch (err) {
          // No author at all: whoever it claims, it is rejected like a forgery (see checkRecords).
          unsigned.push({ author: record.author, reason: (err as Error).message })
          continue
        }
        staged.push({ record, epoch: recordEpoch(record) })
      }
      cursor = commit.seq
      root = cid
    }
    if (!page.more) break
  }
  const keys = await resolveKeys(state, staged, options)
  const { batches, rejected, mayWrite } = checkRecords(state, staged, keys)
  await verifyHeadSignature(head)
  if (!bytesEqual(head.owner, state.ownerKey)) throw new BadResponseError('the head names another owner')
  if (!mayWrite(head.signer)) throw new BadResponseError('the head is signed by someone who may not write here')
  checkNotRolledBack(state.seq === 0 ? null : state.seq, state.root, head)
  if (head.seq !== cursor || !sameCid(head.root, root)) throw new BadResponseError('the log does not end at the signed head')
  state.keys = keys
  for (const { ops, author, epoch } of batches) for (const op of ops) applyOp(state, op, author, epoch)
  state.rejected.push(...unsigned, ...rejected)
  state.key = keys.get(state.epoch) ?? state.key
  state.seq = head.seq
  state.root = head.root
  state.headCid = headCid ?? null
  return batches.length
}

export interface CommitOptions extends SyncOptions {
  /** Blocks the ops start referencing (manifests of added items). */
  links?: CID[]
  /** Blocks the ops stop referencing (manifests of removed items). */
  unlinks?: CID[]
  /** Attempts before giving up when other writers keep winning. */
  attempts?: number
  /**
   * Seal the record under a new epoch's key (a re-key by the owner; the first op is `rekey`).
   * Fails with KeyEpochError if the collection moved to another epoch meanwhile.
   */
  rekey?: { epoch: number, key: Uint8Array }
  /**
   * Checked after a lost race has been synced, before the ops are tried again: throws when the
   * other writer's changes make them wrong (a rename of an item someone trashed meanwhile).
   */
  stillValid?: (state: CollectionState) => void
}

/** Add ops carry file keys boxed under the key they were sealed for: re-box them for another. */
function rewrapFileKeys (ops: RecordOp[], from: Uint8Array, to: Uint8Array): RecordOp[] {
  return ops.map((op) => op.op === 'add' ? { ...op, fileKey: wrapFileKey(to, op.item, unwrapFileKey(from, op.item, op.fileKey)) } : op)
}

/**
 * Appends `ops` as one signed record in a new commit. On STALE_HEAD another device or member
 * wrote first: sync, then try again on the new head; ops are independent, so replaying them
 * after the other writer's changes keeps both. If the owner re-keyed meanwhile, the record is
 * sealed again under the new key and its file keys re-boxed.
 */
export async function commitOps (api: NodeApi, state: CollectionState, signingKey: SigningKey, ops: RecordOp[], options: CommitOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 8
  let sealedUnder: { epoch: number, key: Uint8Array } | undefined
  let record: SignedRecord | undefined
  let pending = ops
  for (let attempt = 1; ; attempt++) {
    if (options.rekey != null && options.rekey.epoch !== state.epoch + 1) throw new KeyEpochError(`the collection moved to epoch ${state.epoch} while re-keying it`)
    const target = options.rekey ?? { epoch: state.epoch, key: state.key }
    if (record == null || sealedUnder?.epoch !== target.epoch) {
      if (sealedUnder != null) pending = rewrapFileKeys(pending, sealedUnder.key, target.key)
      record = await sealRecordOps(target.key, state.id, signingKey, pending, undefined, target.epoch)
      sealedUnder = target
    }
    const seq = state.seq + 1
    const { bytes: commitBytes, cid } = await encodeCommit({
      collection: state.id, seq, prev: state.root, links: options.links ?? [], unlinks: options.unlinks ?? [], records: [record]
    })
    const { bytes: headBytes, cid: headCid } = await createHead({
      collection: state.id, owner: state.ownerKey, seq, root: cid, prev: state.headCid
    }, signingKey)
    try {
      await api.putHead(state.id, headBytes, commitBytes, { signal: options.signal })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'STALE_HEAD' && attempt < attempts) {
        await syncCollection(api, state, options)
        options.stillValid?.(state)
        continue
      }
      throw err
    }
    if (options.rekey != null) state.keys.set(target.epoch, target.key)
    for (const op of pending) applyOp(state, op, signingKey.publicKey, target.epoch)
    state.seq = seq
    state.root = cid
    state.headCid = headCid
    return
  }
}

function sameCid (a: CID | null, b: CID | null): boolean {
  return a == null ? b == null : b != null && a.equals(b)
}
