/**
 * Sharing albums and folders with other users, from both sides (docs/SECURITY.md, "Sharing").
 *
 * The owner shares by writing a `member` op into the collection's log (the collection key
 * sealed to the member's X25519 key, signed by the owner like every record) and by telling the
 * node, which enforces who may read and write and hands the member its sealed key. Removing a
 * member tells the node first (its requests stop at once), then re-keys the collection: a
 * record under a fresh key opens the next epoch, revokes the member and seals the new key to
 * everyone who stays, and the node gets their new sealed keys and the links' new boxed keys.
 *
 * A member finds what is shared with it from the node, opens the sealed key, syncs the log, and
 * accepts the share only if the log itself, signed by the owner, names its key as a member.
 *
 * [Note: order of log and node] Granting more (sharing, upgrading to collaborator) is written to
 * the log first and to the node second; granting less (downgrading, removing) goes to the node
 * first. So the node never lets anyone write a record that readers would refuse, and never
 * serves anyone the log after the owner decided they should not read it.
 */
import { bytesEqual, toHex } from '../crypto/bytes.ts'
import { unwrapLinkOwnerSecrets } from '../crypto/link-keys.ts'
import { boxShareName, newKey, openCollectionKey, openShareName, sealCollectionKey, unwrapCollectionKey, wrapCollectionKey, wrapLinkCollectionKey, wrapPreviousKey } from '../crypto/wrap.ts'
import { emptyCollection, roleOf, syncCollection, type CollectionState, type MemberEntry } from './collection.ts'
import { fromBase64 } from './encoding.ts'
import { ApiError, NotFoundInLibraryError, RekeyIncompleteError, UnconfirmedShareError } from './errors.ts'
import { sharingApi, type ApiProfile, type ApiShared } from './sharing-api.ts'
import type { MemberRole, RecordOp } from '../format/record-ops.ts'
import type { Account } from './session.ts'
import type { Library } from './library.ts'

/** An album or folder another user shares with this account. */
export interface SharedCollection {
  state: CollectionState
  /** The role the owner's log and the node agree on (the lower of the two while they differ). */
  role: MemberRole
  owner: ApiProfile
  /** Albums of another node: that node and how it last answered (`unreachable`: what is shown is this node's cached copy). */
  node?: ApiShared['node']
  /**
   * Set when the album's log could not be read yet (its node never reached the owner's): the
   * state is empty and only its name, from the share, is known; nothing is confirmed by the
   * owner's log until it is read.
   */
  unavailable?: Error
}

/** One member as the owner or a member sees them. */
export interface MemberInfo {
  username: string
  role: MemberRole
  /** The member's identity key, base64. */
  signingPublicKey: string
  addedAt: number
  /** Whether the owner's log confirms the membership and role the node reports. */
  confirmed: boolean
  /** A member of another node (`username` is then `name@peerId`): its node's peer id. */
  node?: string
  /** After sharing with a member of another node: whether its node took the notice (else the owner's node retries). */
  delivered?: boolean
}

const RANK: Record<MemberRole, number> = { viewer: 0, collaborator: 1 }
const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))

function assertOwner (library: Library, collection: CollectionState): void {
  if (!bytesEqual(collection.ownerKey, library.account.keys.signing.publicKey)) throw new NotFoundInLibraryError('only the owner of an album can share it or change its members')
  if (collection.id === library.root.id) throw new NotFoundInLibraryError('your library itself cannot be shared; share an album or folder')
}

/**
 * Shares `collection` with `username` as `role`, or changes the role of an existing member
 * (see [Note: order of log and node]).
 */
export async function shareCollection (library: Library, collection: CollectionState, username: string, role: MemberRole): Promise<MemberInfo> {
  assertOwner(library, collection)
  const profile = await sharingApi.profile(library.account.api, username)
  return shareWithProfile(library, collection, username, profile, role)
}

/**
 * Shares with a member whose keys the caller already checked: a user of this node (`profile`
 * from the node) or of another node (`username@peerId`, keys from a verified invitation, which
 * is passed on so that the node can notify the member's node; src/client/federation.ts).
 */
export async function shareWithProfile (
  library: Library, collection: CollectionState, username: string, profile: ApiProfile, role: MemberRole, invitation?: string
): Promise<MemberInfo> {
  assertOwner(library, collection)
  const { api } = library.account
  await reconcileMembers(library, collection)
  const memberKey = fromBase64(profile.signingPublicKey)
  if (bytesEqual(memberKey, collection.ownerKey)) throw new NotFoundInLibraryError('you own this album already')
  const current = collection.members.get(toHex(memberKey))
  const grantsLess = current != null && RANK[role] < RANK[current.role]
  const writeLog = async (): Promise<Uint8Array> => {
    const sealedKey = sealCollectionKey(fromBase64(profile.boxPublicKey), collection.key)
    await library.commit(collection, [{
      op: 'member', member: memberKey, boxPublicKey: fromBase64(profile.boxPublicKey), role, collectionKey: sealedKey, label: username
    }])
    return sealedKey
  }
  // A member of another node gets the name with the share: its node may never reach the album's log (the owner's node offline).
  const extra = invitation != null
    ? { invitation, ...(collection.name != null ? { sealedName: boxShareName(collection.key, collection.id, collection.epoch, collection.name) } : {}) }
    : {}
  let set
  if (grantsLess && current != null) {
    set = await sharingApi.setMember(api, collection.id, username, { role, epoch: current.epoch, sealedKey: current.sealedKey, ...extra })
    await writeLog()
  } else {
    const sealedKey = await writeLog()
    set = await sharingApi.setMember(api, collection.id, username, { role, epoch: collection.epoch, sealedKey, ...extra })
  }
  const member = (await listMembers(library.account, collection)).find((m) => m.username === username) as MemberInfo
  return set.delivered != null ? { ...member, delivered: set.delivered } : member
}

/**
 * Removes `username` from `collection`: the node refuses the member's requests from now on,
 * then the collection is re-keyed so nothing added later opens with what the member knew.
 */
export async function unshareCollection (library: Library, collection: CollectionState, username: string): Promise<void> {
  assertOwner(library, collection)
  const { api } = library.account
  // A member of another node (`name@peerId`) has no profile here; the node's member list has its key.
  const listed = (await sharingApi.members(api, collection.id)).members.find((m) => m.username === username)
  const profile = username.includes('@') && listed != null ? listed : await sharingApi.profile(api, username)
  let wasOnNode = true
  try {
    await sharingApi.removeMember(api, collection.id, username)
  } catch (err) {
    // Already gone from the node (the member left): the log may still name it until the re-key.
    if (!(err instanceof ApiError && err.status === 404)) throw err
    wasOnNode = false
  }
  const key = fromBase64(profile.signingPublicKey)
  if (!collection.members.has(toHex(key))) {
    if (!wasOnNode) throw new NotFoundInLibraryError(`"${username}" is not a member of "${collection.name ?? collection.id}"`)
    return
  }
  await rekeyCollection(library, collection, { remove: [key] })
}

/**
 * Moves `collection` to its next key epoch (see [Note: key epochs] in collection.ts), revoking
 * `remove` and re-sealing the new key to every other member, then gives the node the members'
 * new sealed keys and the links' new boxed keys. The new key is written to the root collection
 * first, so that a failure half-way leaves the owner able to finish the re-key later.
 */
export async function rekeyCollection (library: Library, collection: CollectionState, options: { remove?: Uint8Array[] } = {}): Promise<void> {
  assertOwner(library, collection)
  const { api, keys } = library.account
  const epoch = collection.epoch + 1
  const child = library.root.children.get(collection.id)
  if (child == null) throw new NotFoundInLibraryError('this collection is not in your library')
  const pending = child.epochKeys.get(epoch)
  const key = pending != null ? unwrapCollectionKey(keys.masterKey, collection.id, pending, epoch) : newKey()
  if (pending == null) {
    await library.commit(library.root, [{ op: 'collection', id: collection.id, kind: child.kind, key: wrapCollectionKey(keys.masterKey, collection.id, key, undefined, epoch), epoch }])
  }
  const removed = new Set((options.remove ?? []).map(toHex))
  const stays = [...collection.members.values()].filter((m) => !removed.has(toHex(m.key)))
  const ops: RecordOp[] = [
    { op: 'rekey', epoch, previous: wrapPreviousKey(key, collection.id, collection.epoch, collection.key) },
    ...[...removed].filter((k) => collection.members.has(k)).map((k) => ({ op: 'revoke' as const, member: (collection.members.get(k) as MemberEntry).key })),
    ...stays.map((m): RecordOp => ({
      op: 'member', member: m.key, boxPublicKey: m.boxPublicKey, role: m.role, collectionKey: sealCollectionKey(m.boxPublicKey, key), ...(m.label != null ? { label: m.label } : {})
    }))
  ]
  await library.commit(collection, ops, { rekey: { epoch, key } })
  await finishRekey(library, collection)
}

/**
 * Gives the collection's current key to every member and live link the node still lists on an
 * older epoch: the second half of a re-key, safe to run again. One that fails does not stop the
 * others; RekeyIncompleteError lists what is left once all were tried.
 */
export async function finishRekey (library: Library, collection: CollectionState): Promise<void> {
  assertOwner(library, collection)
  const { api, keys } = library.account
  const { epoch, key } = collection
  const pending: RekeyIncompleteError['pending'] = []
  const onNode = await sharingApi.members(api, collection.id)
  for (const member of onNode.members) {
    const entry = collection.members.get(toHex(fromBase64(member.signingPublicKey)))
    if (entry == null || member.epoch >= epoch) continue
    try {
      await sharingApi.setMember(api, collection.id, member.username, { role: member.role, epoch, sealedKey: entry.sealedKey })
    } catch (err) {
      pending.push({ kind: 'member', id: member.username, reason: (err as Error).message })
    }
  }
  for (const link of await sharingApi.links(api, collection.id)) {
    if (link.revokedAt != null || link.epoch >= epoch) continue
    try {
      const { wrapKey } = unwrapLinkOwnerSecrets(keys.masterKey, collection.id, link.id, fromBase64(link.ownerBox))
      await sharingApi.setLinkKey(api, collection.id, link.id, { epoch, keyBox: wrapLinkCollectionKey(wrapKey, collection.id, epoch, key) })
    } catch (err) {
      pending.push({ kind: 'link', id: link.id, reason: (err as Error).message })
    }
  }
  if (pending.length > 0) throw new RekeyIncompleteError(epoch, pending)
}

/**
 * Members the log names but the node no longer lists (they left, or an earlier removal stopped
 * half-way) are revoked with a re-key. Returns how many were. Links that let their holders
 * upload are members too; they go when their link is revoked.
 */
export async function reconcileMembers (library: Library, collection: CollectionState): Promise<number> {
  assertOwner(library, collection)
  const { api } = library.account
  const onNode = new Set((await sharingApi.members(api, collection.id)).members.map((m) => m.signingPublicKey))
  for (const link of await sharingApi.links(api, collection.id)) if (link.revokedAt == null && link.uploadKey != null) onNode.add(link.uploadKey)
  const gone = [...collection.members.values()].filter((m) => !onNode.has(b64(m.key))).map((m) => m.key)
  if (gone.length > 0) await rekeyCollection(library, collection, { remove: gone })
  return gone.length
}

/** The members of a collection (for its owner or a member), each checked against the log. */
export async function listMembers (account: Account, collection: CollectionState): Promise<MemberInfo[]> {
  const { members } = await sharingApi.members(account.api, collection.id)
  return members.map((m) => {
    const logged = collection.members.get(toHex(fromBase64(m.signingPublicKey)))
    return {
      username: m.username, role: m.role, signingPublicKey: m.signingPublicKey, addedAt: m.addedAt, confirmed: logged?.role === m.role,
      ...(m.node != null ? { node: m.node } : {})
    }
  })
}

/** Leaves a collection shared with this account; the owner re-keys it at its next sharing action. */
export async function leaveCollection (account: Account, shared: SharedCollection): Promise<void> {
  await sharingApi.removeMember(account.api, shared.state.id, account.user.username)
}

/**
 * Opens (or catches up) a collection the node says is shared with this account: opens the key
 * sealed to it, syncs the log (asking the node again for the key of a newer epoch when the
 * owner re-keyed), and checks that the owner's log names this account as a member.
 * UnconfirmedShareError when it does not.
 */
export async function openShared (account: Account, entry: ApiShared, existing?: CollectionState, signal?: AbortSignal): Promise<SharedCollection> {
  const ownerKey = fromBase64(entry.owner.signingPublicKey)
  const key = openCollectionKey(account.keys.box.secretKey, fromBase64(entry.sealedKey))
  const state = existing ?? emptyCollection(entry.collection, key, ownerKey, entry.epoch)
  if (!bytesEqual(state.ownerKey, ownerKey)) throw new UnconfirmedShareError('the node names another owner for a collection shared with you')
  if (!state.keys.has(entry.epoch)) state.keys.set(entry.epoch, key)
  await syncCollection(account.api, state, { signal, keyFor: sharedKeyFor(account, entry.collection) })
  return { state, role: confirmedRole(account, state, entry), owner: entry.owner }
}

/**
 * A share of another node's album whose log this account's node could not fetch yet (the owner's
 * node offline since the share): listed by the name the owner's client boxed into the share, with
 * no items, and the reason. Undefined when the share carries no name or it does not open.
 */
export function unavailableShared (account: Account, entry: ApiShared, reason: Error): SharedCollection | undefined {
  if (entry.node == null || entry.sealedName == null) return undefined
  try {
    const key = openCollectionKey(account.keys.box.secretKey, fromBase64(entry.sealedKey))
    const state = emptyCollection(entry.collection, key, fromBase64(entry.owner.signingPublicKey), entry.epoch)
    state.name = openShareName(key, entry.collection, entry.epoch, fromBase64(entry.sealedName))
    state.kind = 'album'
    return { state, role: entry.role, owner: entry.owner, node: entry.node, unavailable: reason }
  } catch {
    return undefined
  }
}

/**
 * The role this account has in a shared collection: what the owner's log says, lowered to what
 * the node says while the two differ (a role change in progress). UnconfirmedShareError when the
 * log does not name the account at all.
 */
export function confirmedRole (account: Account, state: CollectionState, entry: Pick<ApiShared, 'collection' | 'role'>): MemberRole {
  const logged = roleOf(state, account.keys.signing.publicKey)
  if (logged == null || logged === 'owner') throw new UnconfirmedShareError(`the owner's log of ${entry.collection} does not list you as a member`)
  return RANK[logged] <= RANK[entry.role] ? logged : entry.role
}

/** The key of `epoch` as the node now hands it to this member (after the owner re-keyed). */
export function sharedKeyFor (account: Account, collectionId: string): (epoch: number) => Promise<Uint8Array | undefined> {
  return async (epoch) => {
    const entry = (await sharingApi.shared(account.api)).find((s) => s.collection === collectionId)
    if (entry == null || entry.epoch !== epoch) return undefined
    return openCollectionKey(account.keys.box.secretKey, fromBase64(entry.sealedKey))
  }
}
