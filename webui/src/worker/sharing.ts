/**
 * Sharing an album from the web UI: with another user of the node (as viewer or collaborator),
 * the list of its members, and removing one (which re-keys the album; src/client/sharing.ts);
 * and its public links (src/client/links.ts). The page names albums by id and users by
 * username; the only key it sees is a link's, inside the URL the owner copies to hand out.
 */
import { createLink, listLinks, revokeLink, type LinkOptions, type OwnedLink } from '../../../src/client/links.ts'
import { leaveCollection, listMembers, shareCollection, unshareCollection } from '../../../src/client/sharing.ts'
import { NotFoundInLibraryError } from '../../../src/client/errors.ts'
import type { MemberRole } from '../../../src/format/record-ops.ts'
import type { LinkView, MemberView } from './protocol.ts'
import type { WorkerSession } from './session.ts'

export async function members (session: WorkerSession, collectionId: string): Promise<MemberView[]> {
  const listed = await listMembers(session.account, session.collection(collectionId))
  return listed.map((m) => ({ username: m.username, role: m.role, confirmed: m.confirmed }))
}

export async function share (session: WorkerSession, collectionId: string, username: string, role: MemberRole): Promise<MemberView[]> {
  await shareCollection(session.library, session.collection(collectionId), username, role)
  return await members(session, collectionId)
}

export async function unshare (session: WorkerSession, collectionId: string, username: string): Promise<MemberView[]> {
  await unshareCollection(session.library, session.collection(collectionId), username)
  return await members(session, collectionId)
}

function linkView (link: OwnedLink): LinkView {
  return {
    id: link.id, url: link.url, token: link.token, createdAt: link.createdAt, expiresAt: link.expiresAt, revokedAt: link.revokedAt,
    deviceLimit: link.deviceLimit, devices: link.devices, noDownload: link.noDownload, allowUpload: link.allowUpload, password: link.password
  }
}

/**
 * The album's public links, newest first, each with its URL rebuilt from the owner's box. A link
 * whose box does not open has no URL to show and is left out here (`obscura link list` shows it).
 */
export async function links (session: WorkerSession, collectionId: string): Promise<LinkView[]> {
  const listed = await listLinks(session.library, session.collection(collectionId))
  return listed.filter((l): l is OwnedLink => l.url != null).map(linkView).sort((a, b) => b.createdAt - a.createdAt)
}

export async function makeLink (session: WorkerSession, collectionId: string, options: LinkOptions): Promise<LinkView[]> {
  await createLink(session.library, session.collection(collectionId), options)
  return await links(session, collectionId)
}

/** Revokes a link (by its token) and re-keys the album. */
export async function revoke (session: WorkerSession, collectionId: string, token: string): Promise<LinkView[]> {
  await revokeLink(session.library, token)
  return await links(session, collectionId)
}

/** Leaves an album someone shares with this account, then syncs so that it drops from the view. */
export async function leave (session: WorkerSession, collectionId: string): Promise<void> {
  const shared = session.library.shared.get(collectionId)
  if (shared == null) throw new NotFoundInLibraryError(`no album ${collectionId} is shared with you`)
  await leaveCollection(session.account, shared)
  await session.refresh()
}
