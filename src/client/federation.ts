/**
 * Sharing with users of other nodes, from the client (docs/ARCHITECTURE.md, "Federation").
 *
 * - `createInvitationText` signs this account's invitation (docs/FORMAT.md, 9.8): its node's
 *   peer id and addresses, its username and public keys. The user passes it to whoever shares.
 * - `parseInvitation` checks one (browser-safe: no Node API).
 * - `shareWithInvitation` shares an album with the user an invitation names, as
 *   `username@peerId`: the album key is sealed to the invitation's key, never to a key a node
 *   hands out, and the owner's node notifies the member's node.
 * - `provideGrants` keeps the member's own node supplied with grant tokens (9.7) for the albums
 *   of other nodes shared with it: the node fetches those albums for its user with them and
 *   cannot sign one itself.
 */
import { createGrantToken } from '../format/grant.ts'
import { createInvitation, openInvitation, type Invitation } from '../format/invitation.ts'
import { toBase64 } from './encoding.ts'
import { shareWithProfile, type MemberInfo } from './sharing.ts'
import { sharingApi, type ApiShared } from './sharing-api.ts'
import type { CollectionState } from './collection.ts'
import type { Library } from './library.ts'
import type { Account } from './session.ts'
import type { MemberRole } from '../format/record-ops.ts'
import type { RequestOptions } from './api.ts'

/** How long a grant token this client signs stays valid (nodes accept at most an hour). */
export const GRANT_TTL_MS = 55 * 60 * 1000
/** A node's grant token is replaced once it has less than this left. */
export const GRANT_REFRESH_MS = 20 * 60 * 1000

/** Signs this account's invitation, with the addresses its node gives for itself. */
export async function createInvitationText (account: Account, options?: RequestOptions): Promise<string> {
  const identity = await sharingApi.identity(account.api, options)
  return createInvitation({
    node: identity.peerId,
    addrs: identity.multiaddrs.slice(0, 8),
    username: account.user.username,
    boxPublicKey: account.keys.box.publicKey,
    createdAt: Date.now()
  }, account.keys.signing)
}

/** Multiaddrs that only this machine can dial: loopback IPs and `localhost`. */
const LOOPBACK = /^\/(ip4\/127\.|ip6\/::1\/|dns[46]?\/localhost\/)/

/** Whether a node on another machine can dial any of `multiaddrs` (an invitation's, a node's). */
export function reachableFromOtherMachines (multiaddrs: readonly string[]): boolean {
  return multiaddrs.some((ma) => !LOOPBACK.test(ma))
}

/** What to do about a node that other machines cannot reach. */
export const LOOPBACK_ONLY_HINT = 'libp2p listens on loopback only, so users of nodes on other machines cannot reach this one: ' +
  'start the node with --libp2p-listen /ip4/0.0.0.0/tcp/4001 (and --libp2p-announce /dns4/HOST/tcp/4001 behind NAT or a name)'

/** Decodes and verifies an invitation (SignatureError, InvalidStructureError). */
export async function parseInvitation (text: string): Promise<Invitation> {
  return openInvitation(text)
}

/** How an album member of another node is named: `username@peerId`. */
export function handleOf (invitation: Pick<Invitation, 'username' | 'node'>): string {
  return `${invitation.username}@${invitation.node}`
}

/** Shares `collection` with the user of another node that `invitationText` names, or changes their role. */
export async function shareWithInvitation (library: Library, collection: CollectionState, invitationText: string, role: MemberRole): Promise<MemberInfo & { node: string }> {
  const invitation = await openInvitation(invitationText)
  const profile = { username: invitation.username, signingPublicKey: toBase64(invitation.signingPublicKey), boxPublicKey: toBase64(invitation.boxPublicKey) }
  const member = await shareWithProfile(library, collection, handleOf(invitation), profile, role, invitationText.trim())
  return { ...member, node: invitation.node }
}

/**
 * Signs and hands this account's node a grant token for each album of another node that it lists
 * without one, or with one that expires soon. Returns whether it handed any (the caller lists
 * the shares again: the node has synced them meanwhile).
 */
export async function provideGrants (account: Account, shared: ApiShared[], options?: RequestOptions & { now?: number }): Promise<boolean> {
  const now = options?.now ?? Date.now()
  let provided = false
  for (const entry of shared) {
    if (entry.node == null || entry.node.grantExpiresAt - now > GRANT_REFRESH_MS) continue
    const token = await createGrantToken({ node: entry.node.peerId, collection: entry.collection, expiresAt: now + GRANT_TTL_MS }, account.keys.signing)
    await sharingApi.setGrant(account.api, entry.collection, base64url(token), options)
    provided = true
  }
  return provided
}

function base64url (bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
