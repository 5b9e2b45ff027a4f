/**
 * Members of this node's collections whose accounts live on other nodes (the owner's side of
 * federation). Such a member is named `username@peerId`, is known by the keys and node of the
 * invitation the owner's client verified, and is told about the share through its node: every
 * change (added, role or key changed, removed) is sent to that node over libp2p as a
 * notification (outbox.ts). Its node then reads the album with the member's grant tokens, which
 * node/sharing.ts accepts only from that node's peer id.
 */
import { openInvitation } from '../../src/format/invitation.ts'
import { REMOTE_HANDLE } from '../../src/format/names.ts'
import { InvalidRequestError, NotFoundError } from '../errors.ts'
import type { CollectionRecord, NodeDatabase, PeerAddressRecord, RemoteMemberRecord, UserRecord } from '../db.ts'
import type { Outbox } from './outbox.ts'

/** Whether `name` is `username@peerId`, the name of a member of another node. */
export function isRemoteHandle (name: string): boolean {
  return REMOTE_HANDLE.test(name)
}

export interface RemoteMemberInput {
  role: 'viewer' | 'collaborator'
  epoch: number
  sealedKey: string
  /** The member's invitation; needed the first time, optional afterwards (it refreshes the node's addresses). */
  invitation?: string
  /** The album's name boxed under its key by the owner's client; passed on to the member's node. */
  sealedName?: string
}

const hexOfB64 = (b64: string): string => Buffer.from(b64, 'base64').toString('hex')

export class RemoteMembers {
  private readonly db: NodeDatabase
  private readonly outbox: Outbox
  private readonly self: () => PeerAddressRecord

  constructor (db: NodeDatabase, outbox: Outbox, self: () => PeerAddressRecord) {
    this.db = db
    this.outbox = outbox
    this.self = self
  }

  /** Adds or updates a member of another node and notifies its node; `delivered` says whether it answered. */
  async set (owner: UserRecord, collection: CollectionRecord, handle: string, input: RemoteMemberInput): Promise<{ record: RemoteMemberRecord, delivered: boolean }> {
    const existing = await this.find(collection.id, handle)
    let identity: Pick<RemoteMemberRecord, 'username' | 'signingPublicKey' | 'boxPublicKey' | 'node'>
    if (input.invitation != null) {
      let invitation
      try {
        invitation = await openInvitation(input.invitation)
      } catch (err) {
        throw new InvalidRequestError(`The invitation does not verify: ${(err as Error).message}`)
      }
      if (`${invitation.username}@${invitation.node}` !== handle) throw new InvalidRequestError(`The invitation is for ${invitation.username}@${invitation.node}, not ${handle}`)
      const signingPublicKey = Buffer.from(invitation.signingPublicKey).toString('base64')
      if (existing != null && existing.signingPublicKey !== signingPublicKey) throw new InvalidRequestError(`${handle} is already a member with another key: remove it first`)
      if (signingPublicKey === owner.signingPublicKey) throw new InvalidRequestError('You own this collection already')
      identity = {
        username: invitation.username,
        signingPublicKey,
        boxPublicKey: Buffer.from(invitation.boxPublicKey).toString('base64'),
        node: { peerId: invitation.node, multiaddrs: invitation.addrs }
      }
    } else if (existing != null) {
      identity = existing
    } else {
      throw new InvalidRequestError(`${handle} is on another node: share with their invitation (obscura invite prints it)`)
    }
    if (identity.node.peerId === this.self().peerId) throw new InvalidRequestError('That invitation is for a user of this node: share with their username')
    const record: RemoteMemberRecord = {
      collection: collection.id, handle, ...identity, role: input.role, epoch: input.epoch, sealedKey: input.sealedKey, addedAt: existing?.addedAt ?? Date.now()
    }
    const sealedName = input.sealedName ?? (existing?.epoch === input.epoch ? existing.sealedName : undefined)
    if (sealedName != null) record.sealedName = sealedName
    await this.db.remoteMembers.put(`${collection.id}!${hexOfB64(record.signingPublicKey)}`, record)
    const delivered = await this.notifyShare(owner, record)
    return { record, delivered }
  }

  /** Removes a member of another node and tells its node (which drops the share). */
  async remove (collectionId: string, handle: string): Promise<RemoteMemberRecord> {
    const record = await this.find(collectionId, handle)
    if (record == null) throw new NotFoundError(`"${handle}" is not a member of this collection`)
    await this.db.remoteMembers.del(`${collectionId}!${hexOfB64(record.signingPublicKey)}`)
    await this.outbox.send(this.outboxKey(record), {
      peer: record.node,
      method: 'DELETE',
      path: `/api/v1/federation/shares/${collectionId}`,
      body: { member: record.signingPublicKey }
    })
    return record
  }

  async list (collectionId: string): Promise<RemoteMemberRecord[]> {
    const out: RemoteMemberRecord[] = []
    for await (const record of this.db.remoteMembers.values({ gt: `${collectionId}!`, lt: `${collectionId}"` })) out.push(record)
    return out
  }

  async find (collectionId: string, handle: string): Promise<RemoteMemberRecord | undefined> {
    return (await this.list(collectionId)).find((m) => m.handle === handle)
  }

  private async notifyShare (owner: UserRecord, record: RemoteMemberRecord): Promise<boolean> {
    return this.outbox.send(this.outboxKey(record), {
      peer: record.node,
      method: 'POST',
      path: '/api/v1/federation/shares',
      body: {
        collection: record.collection,
        owner: { username: owner.username, signingPublicKey: owner.signingPublicKey, boxPublicKey: owner.boxPublicKey },
        ownerNode: this.self(),
        member: { username: record.username, signingPublicKey: record.signingPublicKey },
        role: record.role,
        epoch: record.epoch,
        sealedKey: record.sealedKey,
        addedAt: record.addedAt,
        ...(record.sealedName != null ? { sealedName: record.sealedName } : {})
      }
    })
  }

  private outboxKey (record: RemoteMemberRecord): string {
    return `${record.node.peerId}!${record.collection}!${hexOfB64(record.signingPublicKey)}`
  }
}
