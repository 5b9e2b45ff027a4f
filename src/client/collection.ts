/**
 * One collection as the client sees it: the state built by replaying its verified log, how to
 * catch up with the node (only the commits after our cursor), and how to append a batch of ops
 * by compare-and-swap, retrying on the new head when another device wrote first.
 *
 * [Note: verify before apply] Commits from the node are staged and applied only once the whole
 * chain from our cursor to the signed head checks out, so a tampered or truncated log never
 * leaves half-applied changes behind.
 */
import { bytesEqual } from '../crypto/bytes.ts'
import { cborCid, type CID } from '../format/cid.ts'
import { decodeCommit, encodeCommit, openRecord, sealRecord } from '../format/commit.ts'
import { checkNotRolledBack, createHead, decodeHead, verifyHeadSignature, type Head } from '../format/head.ts'
import { UnauthorisedAuthorError } from '../format/errors.ts'
import { fromBase64 } from './encoding.ts'
import { ApiError, BadResponseError } from './errors.ts'
import { isOwnerOnly, parseRecordContent, type CollectionKind, type ItemKind, type RecordOp } from '../format/record-ops.ts'
import type { NodeApi } from './api.ts'
import type { SigningKey } from '../crypto/sign.ts'

export interface ItemEntry {
  id: string
  manifest: CID
  fileKeyBox: Uint8Array
  name: string
  size: number
  mime: string
  kind: ItemKind
  takenAt: number
  contentTag: Uint8Array
  addedAt: number
  /** Public key of the member who added it. */
  author: Uint8Array
  trashedAt?: number
  favorite?: boolean
  archived?: boolean
}

export interface ChildEntry { id: string, kind: 'album' | 'folder', keyBox: Uint8Array }

export interface CollectionState {
  id: string
  key: Uint8Array
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
}

export function emptyCollection (id: string, key: Uint8Array, ownerKey: Uint8Array): CollectionState {
  return { id, key, ownerKey, seq: 0, headCid: null, root: null, items: new Map(), children: new Map() }
}

/** Applies one op; ops about unknown items are ignored (they raced with a removal). */
export function applyOp (state: CollectionState, op: RecordOp, author: Uint8Array): void {
  switch (op.op) {
    case 'meta':
      state.name = op.name
      state.kind = op.kind
      state.parent = op.parent
      return
    case 'add':
      state.items.set(op.item, {
        id: op.item, manifest: op.manifest, fileKeyBox: op.fileKey, name: op.name, size: op.size, mime: op.mime,
        kind: op.kind, takenAt: op.takenAt, contentTag: op.contentTag, addedAt: op.addedAt, author
      })
      return
    case 'collection':
      state.children.set(op.id, { id: op.id, kind: op.kind, keyBox: op.key })
      return
    case 'uncollection':
      state.children.delete(op.id)
      return
    case 'remove':
      state.items.delete(op.item)
      return
    case 'member':
    case 'revoke':
      // Sharing applies these (members and roles); a collection nobody shares has none.
      return
  }
  const item = state.items.get(op.item)
  if (item == null) return
  switch (op.op) {
    case 'rename': item.name = op.name; break
    case 'trash': item.trashedAt = op.at; break
    case 'restore': delete item.trashedAt; break
    case 'flag': item[op.flag] = op.value; break
  }
}

export interface SyncOptions {
  signal?: AbortSignal
  /** Who may sign records and heads besides the owner (collaborators); owner only by default. */
  allowedAuthors?: (key: Uint8Array) => boolean
  /** Commits per request. */
  pageSize?: number
}

/**
 * Brings `state` up to the node's head: fetches the commits after `state.seq`, page by page,
 * verifies the head signature, the rollback rule and the hash chain, then applies them.
 * Returns the number of commits applied.
 */
export async function syncCollection (api: NodeApi, state: CollectionState, options: SyncOptions = {}): Promise<number> {
  const allowed = (key: Uint8Array): boolean => bytesEqual(key, state.ownerKey) || options.allowedAuthors?.(key) === true
  const staged: Array<{ ops: RecordOp[], author: Uint8Array }> = []
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
        const ops = parseRecordContent(await openRecord(state.key, state.id, record, allowed))
        if (!bytesEqual(record.author, state.ownerKey) && ops.some(isOwnerOnly)) {
          throw new UnauthorisedAuthorError('a record by a non-owner changes the collection itself or its members')
        }
        staged.push({ ops, author: record.author })
      }
      cursor = commit.seq
      root = cid
    }
    if (!page.more) break
  }
  await verifyHeadSignature(head)
  if (!bytesEqual(head.owner, state.ownerKey)) throw new BadResponseError('the head names another owner')
  if (!allowed(head.signer)) throw new BadResponseError('the head is signed by someone who may not write here')
  checkNotRolledBack(state.seq === 0 ? null : state.seq, state.root, head)
  if (head.seq !== cursor || !sameCid(head.root, root)) throw new BadResponseError('the log does not end at the signed head')
  for (const { ops, author } of staged) for (const op of ops) applyOp(state, op, author)
  state.seq = head.seq
  state.root = head.root
  state.headCid = headCid ?? null
  return staged.length
}

export interface CommitOptions extends SyncOptions {
  /** Blocks the ops start referencing (manifests of added items). */
  links?: CID[]
  /** Blocks the ops stop referencing (manifests of removed items). */
  unlinks?: CID[]
  /** Attempts before giving up when other writers keep winning. */
  attempts?: number
}

/**
 * Appends `ops` as one signed record in a new commit. On STALE_HEAD another device wrote first:
 * sync, then try again on the new head; ops are independent, so replaying them after the other
 * writer's changes keeps both.
 */
export async function commitOps (api: NodeApi, state: CollectionState, signingKey: SigningKey, ops: RecordOp[], options: CommitOptions = {}): Promise<void> {
  const record = await sealRecord(state.key, state.id, signingKey, { ops })
  const attempts = options.attempts ?? 8
  for (let attempt = 1; ; attempt++) {
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
        continue
      }
      throw err
    }
    for (const op of ops) applyOp(state, op, signingKey.publicKey)
    state.seq = seq
    state.root = cid
    state.headCid = headCid
    return
  }
}

function sameCid (a: CID | null, b: CID | null): boolean {
  return a == null ? b == null : b != null && a.equals(b)
}
