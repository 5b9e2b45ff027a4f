/**
 * Sharing commands: `share` (add a member, or change their role), `unshare` (remove one: the node
 * refuses them at once and the album is re-keyed), `members` (who is in an album, checked against
 * its log), and `leave` (stop being a member of someone else's album).
 */
import { shareWithInvitation } from '../../../src/client/federation.ts'
import { leaveCollection, listMembers, reconcileMembers, shareCollection, unshareCollection } from '../../../src/client/sharing.ts'
import { looksLikeInvitation } from '../../../src/format/invitation.ts'
import { ApiError, NotFoundInLibraryError } from '../../../src/client/errors.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { openLibrary } from '../library.ts'
import type { CollectionState } from '../../../src/client/collection.ts'
import type { Library } from '../../../src/client/library.ts'
import { inform, printJson, say } from '../output.ts'

/** One of the user's own albums or folders (not the root, not one shared with them); refuses a name several fit. */
function owned (library: Library, name: string): CollectionState {
  const found = library.lookup(name)
  if (found == null) throw new NotFoundInLibraryError(`you have no album or folder named "${name}"`)
  if (found.shared != null) throw new NotFoundInLibraryError(`"${name}" is shared with you: only its owner can change who is in it`)
  return found.state
}

function oneName (command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one ALBUM`)
  return positionals[0] as string
}

/** A username, lower-cased; for a member of another node (`name@peerId`) only the name is: peer ids are case-sensitive. */
function withUser (command: string, value: string | undefined): string {
  if (value == null || value === '') throw new UsageError(`${command} needs --with USER`)
  const at = value.indexOf('@')
  return at < 0 ? value.toLowerCase() : value.slice(0, at).toLowerCase() + value.slice(at)
}

export async function runShare (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('share', args)
  const name = oneName('share', positionals)
  const role = values.role ?? 'viewer'
  if (role !== 'viewer' && role !== 'collaborator') throw new UsageError('--role is viewer or collaborator')
  const can = role === 'collaborator' ? ' (can add photos)' : ' (can view)'
  if (values.with != null && looksLikeInvitation(values.with)) {
    const library = await openLibrary(values.node)
    const collection = owned(library, name)
    const member = await shareWithInvitation(library, collection, values.with, role)
    inform(`Shared ${collection.kind ?? 'album'} "${name}" with ${member.username} as ${role}${can}.`)
    if (member.delivered === false) inform(`Their node did not answer yet; it will be told as soon as it is reachable.`)
    return 0
  }
  const username = withUser('share', values.with)
  const library = await openLibrary(values.node)
  const collection = owned(library, name)
  const before = collection.members.size
  await shareCollection(library, collection, username, role)
  const verb = collection.members.size > before ? 'Shared' : 'Updated'
  inform(`${verb} ${collection.kind ?? 'album'} "${name}" with ${username} as ${role}${can}.`)
  return 0
}

/**
 * "No user named carol" when Carol is a member of another node says nothing of how she is named
 * here: point at her `carol@<peer id>` handle (or at the form, when no member has that name).
 */
async function withHandleHint (library: Library, collection: CollectionState, username: string, err: unknown): Promise<unknown> {
  if (username.includes('@') || !(err instanceof ApiError) || err.code !== 'NOT_FOUND') return err
  const handles = (await listMembers(library.account, collection)).map((m) => m.username).filter((u) => u.startsWith(`${username}@`))
  const hint = handles.length > 0
    ? `members of other nodes go by their handle: ${handles.map((h) => `--with ${h}`).join(' or ')}`
    : 'a member of another node goes by NAME@PEER_ID (see `obscura members ALBUM`)'
  return new NotFoundInLibraryError(`${err.message}; ${hint}`)
}

export async function runUnshare (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('unshare', args)
  const name = oneName('unshare', positionals)
  const username = withUser('unshare', values.with)
  const library = await openLibrary(values.node)
  const collection = owned(library, name)
  try {
    await unshareCollection(library, collection, username)
  } catch (err) {
    throw await withHandleHint(library, collection, username, err)
  }
  inform(`Removed ${username} from "${name}". The album was re-keyed: nothing added from now on opens with what ${username} knew.`)
  return 0
}

export async function runMembers (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('members', args)
  const name = oneName('members', positionals)
  const library = await openLibrary(values.node)
  const found = library.lookup(name)
  if (found == null) throw new NotFoundInLibraryError(`you have no album or folder named "${name}"`)
  const { shared, state: collection } = found
  // The owner's client re-keys for members who left since its last sharing action.
  if (shared == null) await reconcileMembers(library, collection)
  const ownerName = shared?.owner.username ?? library.account.user.username
  const members = await listMembers(library.account, collection)
  const rows = [
    { username: ownerName, role: 'owner', you: shared == null, confirmed: true },
    ...members.map((m) => ({ username: m.username, role: m.role, you: m.username === library.account.user.username, confirmed: m.confirmed, addedAt: new Date(m.addedAt).toISOString() }))
  ]
  if (values.json === true) {
    printJson(rows)
    return 0
  }
  for (const row of rows) {
    const notes = [row.you ? 'you' : '', row.confirmed ? '' : 'not yet confirmed by the album log'].filter((n) => n !== '').join(', ')
    say(`${row.role.padEnd(12)}  ${row.username}${notes !== '' ? `  (${notes})` : ''}`)
  }
  if (members.length === 0) say(`"${name}" is not shared with anyone: \`obscura share "${name}" --with USER\`.`)
  return 0
}

export async function runLeave (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('leave', args)
  const name = oneName('leave', positionals)
  const library = await openLibrary(values.node)
  const shared = library.lookup(name)?.shared
  if (shared == null) throw new NotFoundInLibraryError(`no album named "${name}" is shared with you`)
  await leaveCollection(library.account, shared)
  inform(`You left "${name}" (shared by ${shared.owner.username}).`)
  return 0
}
