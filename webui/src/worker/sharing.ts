/**
 * Sharing an album from the web UI: with another user of the node (as viewer or collaborator),
 * the list of its members, and removing one (which re-keys the album; src/client/sharing.ts).
 * The page names albums by id and users by username; keys never leave the worker.
 */
import { listMembers, shareCollection, unshareCollection } from '../../../src/client/sharing.ts'
import type { MemberRole } from '../../../src/format/record-ops.ts'
import type { MemberView } from './protocol.ts'
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
