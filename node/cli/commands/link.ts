/**
 * `obscura link`: public links to an album. `create` prints a URL whose key part never reaches
 * the node; `list` shows an album's links (rebuilt from the owner's own copy; a link whose copy
 * does not open is shown by its id); `revoke` ends one, given by URL, token or id, at once and
 * re-keys the album; `download` fetches an album from a link with no account, and
 * `upload` adds photos through a link whose owner allows it (counted against the owner's quota).
 */
import { resolve } from 'node:path'
import { createLink, listLinks, LinkPasswordRequiredError, openLink, revokeLink, uploadToLink, type OpenedLink } from '../../../src/client/links.ts'
import { createNodeMediaProcessor } from '../../media/processor.ts'
import { NotFoundInLibraryError } from '../../../src/client/errors.ts'
import { parseFlags, parseInteger } from '../args.ts'
import { deviceId, readPassword } from '../context.ts'
import { UsageError } from '../errors.ts'
import { collectFiles, downloadCollection, safeFileName } from '../files.ts'
import { openLibrary } from '../library.ts'
import type { Library } from '../../../src/client/library.ts'
import type { CollectionState } from '../../../src/client/collection.ts'
import { hint, inform, printJson, say } from '../output.ts'

const LINK_ID = /^[0-9a-f]{32}$/

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** "30m", "12h", "7d", "2w" in milliseconds. */
export function parseDuration (text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim())
  if (match == null) throw new UsageError(`--expires takes a duration like 30m, 12h, 7d or 2w, got "${text}"`)
  const ms = Number(match[1]) * (UNITS[match[2] as string] as number)
  if (ms <= 0) throw new UsageError('--expires must be longer than zero')
  return ms
}

/** One of the user's own albums or folders; refuses a name several fit (see [Note: names of shared albums]). */
function album (library: Library, name: string): CollectionState {
  const found = library.lookup(name)
  if (found == null) throw new NotFoundInLibraryError(`you have no album or folder named "${name}"`)
  if (found.shared != null) throw new NotFoundInLibraryError(`"${name}" is shared with you: only its owner can make links to it`)
  return found.state
}

async function create (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('link create', args)
  if (positionals.length !== 1) throw new UsageError('link create takes exactly one ALBUM')
  const deviceLimit = parseInteger('device-limit', values['device-limit'], 1, 10_000)
  const expiresAt = values.expires != null ? Date.now() + parseDuration(values.expires) : undefined
  const password = values.password === true ? await readPassword('Link password: ', 'OBSCURA_LINK_PASSWORD') : undefined
  if (password != null && password.length < 4) throw new UsageError('choose a link password of at least 4 characters')
  const library = await openLibrary(values.node)
  const link = await createLink(library, album(library, positionals[0] as string), {
    expiresAt, deviceLimit, password, noDownload: values['no-download'] === true, allowUpload: values['allow-upload'] === true
  })
  say(link.url)
  const notes = [
    expiresAt != null ? `expires ${new Date(expiresAt).toISOString()}` : '',
    password != null ? 'needs the password' : '',
    deviceLimit != null ? `works on ${deviceLimit} device${deviceLimit === 1 ? '' : 's'}` : '',
    values['no-download'] === true ? 'view only (no originals)' : '',
    values['allow-upload'] === true ? 'viewers can add photos (counted against your quota)' : ''
  ].filter((n) => n !== '')
  hint(`Anyone with this link can see "${positionals[0] as string}"${notes.length > 0 ? `; it ${notes.join(', ')}` : ''}. The part after # is the key: the node never sees it.`)
  return 0
}

async function list (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('link list', args)
  if (positionals.length !== 1) throw new UsageError('link list takes exactly one ALBUM')
  const library = await openLibrary(values.node)
  const links = await listLinks(library, album(library, positionals[0] as string))
  const now = Date.now()
  const rows = links.map((l) => ({
    id: l.id,
    url: l.url ?? null,
    /** Why the URL cannot be shown: the owner's copy of the link's secrets does not open. */
    unreadable: l.unreadable ?? null,
    status: l.revokedAt != null ? 'revoked' : l.expiresAt != null && l.expiresAt <= now ? 'expired' : 'active',
    createdAt: new Date(l.createdAt).toISOString(),
    expiresAt: l.expiresAt != null ? new Date(l.expiresAt).toISOString() : null,
    password: l.password,
    devices: l.devices,
    deviceLimit: l.deviceLimit,
    noDownload: l.noDownload,
    allowUpload: l.allowUpload
  }))
  if (values.json === true) {
    printJson(rows)
    return 0
  }
  if (rows.length === 0) say(`No links to "${positionals[0] as string}" yet: \`obscura link create "${positionals[0] as string}"\`.`)
  for (const row of rows) {
    const flags = [row.password ? 'password' : '', row.noDownload ? 'no-download' : '', row.allowUpload ? 'allow-upload' : '',
      `${row.devices}${row.deviceLimit != null ? `/${row.deviceLimit}` : ''} device${row.devices === 1 && row.deviceLimit == null ? '' : 's'}`,
      row.expiresAt != null ? `expires ${row.expiresAt.slice(0, 16).replace('T', ' ')}` : ''].filter((f) => f !== '')
    say(`${row.status.padEnd(8)}  ${row.url ?? `id ${row.id} (URL unreadable: ${row.unreadable ?? 'unknown'})`}  ${flags.join(', ')}`)
  }
  if (rows.some((r) => r.url == null && r.status !== 'revoked')) {
    hint(`A link whose URL is unreadable still works for whoever holds it: \`obscura link revoke ID --album "${positionals[0] as string}"\` ends it.`)
  }
  return 0
}

async function revoke (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('link revoke', args)
  if (positionals.length !== 1) throw new UsageError('link revoke takes one URL or TOKEN, or one ID with --album')
  const given = positionals[0] as string
  // An id is 32 hex digits, which would pass for a token too: --album says which one is meant.
  if (values.album != null && !LINK_ID.test(given)) throw new UsageError(`with --album, link revoke takes the link's ID (32 hex digits, from \`obscura link list\`), got "${given}"`)
  const library = await openLibrary(values.node)
  await revokeLink(library, values.album != null ? { collection: album(library, values.album).id, id: given } : given)
  inform('Revoked: the link stops working now, and the album was re-keyed.')
  return 0
}

/** Opens a link URL, asking for its password only when it has one. */
async function open (url: string): Promise<OpenedLink> {
  try {
    return await openLink(url, { device: await deviceId() })
  } catch (err) {
    if (!(err instanceof LinkPasswordRequiredError)) throw err
    return await openLink(url, { device: await deviceId(), password: await readPassword('Link password: ', 'OBSCURA_LINK_PASSWORD') })
  }
}

async function upload (args: string[]): Promise<number> {
  const { positionals } = parseFlags('link upload', args)
  if (positionals.length < 2) throw new UsageError('link upload takes a URL and at least one file or folder')
  const [url, ...paths] = positionals as [string, ...string[]]
  const files = await collectFiles(paths)
  if (files.length === 0) throw new UsageError('no files found to upload')
  const link = await open(url)
  if (!link.allowUpload) throw new UsageError('the owner of this link does not accept uploads through it')
  const result = await uploadToLink(link, files, { media: createNodeMediaProcessor() })
  inform(`Added ${result.uploaded} file${result.uploaded === 1 ? '' : 's'} to "${link.collection.name ?? link.collection.id}"; skipped ${result.skipped} already there.`)
  return 0
}

async function download (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('link download', args)
  if (positionals.length !== 1) throw new UsageError('link download takes one URL')
  const link = await open(positionals[0] as string)
  if (link.noDownload) throw new UsageError('the owner of this link turned off downloads: it is for viewing only')
  const collection = link.collection
  const { failed } = await downloadCollection(link.api, collection, resolve(values.out ?? safeFileName(collection.name ?? collection.id)), { dedupKey: link.keys.dedupKey })
  return failed.length > 0 ? 1 : 0
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = { create, list, revoke, download, upload }

export async function runLink (args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const run = sub != null ? SUBCOMMANDS[sub] : undefined
  if (run == null) throw new UsageError('link takes create, list, revoke, download or upload: `obscura link --help`')
  return await run(rest)
}
