/**
 * Small conveniences for tests that drive the client library in-process: upload sources from
 * bytes in memory, reading an item back whole, a logged-in Library, ops written the way a client
 * without the write-side check did, and signup bodies with throwaway keys for tests that exercise
 * the signup route without paying for Argon2id.
 */
import { randomBytes } from 'node:crypto'
import { openItem, readPart } from '../../src/client/download.ts'
import { Library } from '../../src/client/library.ts'
import { encodeCommit, sealRecord } from '../../src/format/commit.ts'
import { createHead } from '../../src/format/head.ts'
import { newId } from '../../src/format/ids.ts'
import type { RecordOp } from '../../src/format/record-ops.ts'
import type { Account } from '../../src/client/session.ts'
import { emptyCollection, type CollectionState, type ItemEntry } from '../../src/client/collection.ts'
import { newKey, wrapCollectionKey } from '../../src/crypto/wrap.ts'
import type { UploadSource } from '../../src/client/upload.ts'

export function bytesSource (name: string, bytes: Uint8Array, mtime = Date.UTC(2023, 4, 1)): UploadSource {
  return {
    name,
    size: bytes.byteLength,
    mtime,
    open: async function * () { yield bytes }
  }
}

export async function readItem (library: Library, collection: CollectionState, item: ItemEntry): Promise<Uint8Array> {
  const { api } = library.account
  const opened = await openItem(api, collection, item)
  const parts: Uint8Array[] = []
  for await (const part of readPart(api, opened)) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

export async function openLibrary (account: Account): Promise<Library> {
  const library = new Library(account)
  await library.sync()
  return library
}

/**
 * Appends `ops` to `state`'s log as its owner, sealed as they are (no schema check), the way
 * clients before the check wrote them: a record its readers refuse reaches the log. `key`
 * defaults to the collection's own.
 */
export async function appendUnchecked (library: Library, state: CollectionState, ops: RecordOp[], key = state.key): Promise<void> {
  const { signing } = library.account.keys
  const record = await sealRecord(key, state.id, signing, { ops }, undefined, state.epoch)
  const seq = state.seq + 1
  const { bytes: commit, cid } = await encodeCommit({ collection: state.id, seq, prev: state.root, links: [], unlinks: [], records: [record] })
  const { bytes: head, cid: headCid } = await createHead({ collection: state.id, owner: state.ownerKey, seq, root: cid, prev: state.headCid }, signing)
  await library.account.api.putHead(state.id, head, commit)
  Object.assign(state, { seq, root: cid, headCid })
}

/** A signup request body that the node accepts structurally; its keys are random and unusable. */
export function throwawaySignupBody (username: string, invite?: string): Record<string, unknown> {
  const b64 = (n: number): string => randomBytes(n).toString('base64')
  return {
    username,
    ...(invite != null ? { invite } : {}),
    authPublicKey: b64(32),
    recoveryAuthPublicKey: b64(32),
    kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: b64(16) },
    keyBundle: b64(64),
    signingPublicKey: b64(32),
    boxPublicKey: b64(32),
    rootCollection: newId()
  }
}

/** An album made the way clients did before names were idempotent: a random id, listed after its first record. */
export async function legacyCollection (lib: Library, kind: 'album' | 'folder', name: string, parent: string | null = null): Promise<CollectionState> {
  const id = newId()
  const key = newKey()
  const state = emptyCollection(id, key, lib.account.keys.signing.publicKey)
  await lib.commit(state, [{ op: 'meta', name, kind, parent, createdAt: Date.now() }])
  await lib.commit(lib.root, [{ op: 'collection', id, kind, key: wrapCollectionKey(lib.account.keys.masterKey, id, key) }])
  lib.collections.set(id, state)
  return state
}
