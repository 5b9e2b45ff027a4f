/**
 * What client commands share: where their state lives ($OBSCURA_HOME, default ~/.obscura), which
 * node they talk to (--node, $OBSCURA_NODE, the logged-in node, or the local default), the saved
 * session, the password prompt, and the on-disk upload journal.
 *
 * [Note: keys at rest on the CLI] session.json holds the unlocked account keys so that each
 * command does not re-run Argon2id; it is written with mode 0600 and deleted by `logout`, the
 * same trust a user gives an SSH private key without a passphrase (docs/SECURITY.md).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { restoreAccount, serialiseAccount, type Account, type SavedAccount } from '../../src/client/session.ts'
import { UploadJournal } from '../../src/client/journal.ts'
import { CancelledError, UsageError } from './errors.ts'
import { ObscuraError } from '../../src/errors.ts'

export const DEFAULT_NODE = 'http://127.0.0.1:8080'

export class NotLoggedInError extends ObscuraError {
  constructor () { super('NOT_LOGGED_IN', 'not logged in: run `obscura login USER` first') }
}

export function obscuraHome (): string {
  return process.env.OBSCURA_HOME ?? join(homedir(), '.obscura')
}

export function nodeUrl (flag: string | undefined, saved?: string): string {
  const url = flag ?? process.env.OBSCURA_NODE ?? saved ?? DEFAULT_NODE
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--node must be an http(s) URL, got "${url}"`)
  // The saved session keeps the URL without trailing slashes (as NodeApi does); compare alike.
  return url.replace(/\/+$/, '')
}

const sessionFile = (): string => join(obscuraHome(), 'session.json')

/** Writes the session file whole or not at all (a temporary file renamed over it). */
export async function saveAccount (account: Account): Promise<void> {
  await mkdir(obscuraHome(), { recursive: true, mode: 0o700 })
  const temporary = `${sessionFile()}.${process.pid}.tmp`
  await writeFile(temporary, JSON.stringify(serialiseAccount(account)), { mode: 0o600 })
  await rename(temporary, sessionFile())
}

export async function loadAccount (nodeFlag?: string): Promise<Account> {
  let saved: SavedAccount
  try {
    saved = JSON.parse(await readFile(sessionFile(), 'utf8'))
  } catch {
    throw new NotLoggedInError()
  }
  const account = await restoreAccount(saved)
  if (nodeFlag != null && nodeUrl(nodeFlag) !== account.api.url) {
    throw new UsageError(`logged in to ${account.api.url}, not ${nodeFlag}: log in to that node first`)
  }
  return account
}

export async function forgetAccount (): Promise<void> {
  await rm(sessionFile(), { force: true })
}

/** The password from $OBSCURA_PASSWORD (or `envVar`), else a prompt on the terminal without echo. */
export async function readPassword (prompt = 'Password: ', envVar = 'OBSCURA_PASSWORD'): Promise<string> {
  const fromEnv = process.env[envVar]
  if (fromEnv != null && fromEnv !== '') return fromEnv
  if (!process.stdin.isTTY) throw new UsageError(`no terminal to ask for the password: set ${envVar}`)
  const stdin = process.stdin
  // Echo goes off before the prompt shows: whatever is typed once it is visible stays hidden.
  stdin.setRawMode(true)
  process.stderr.write(prompt)
  stdin.resume()
  stdin.setEncoding('utf8')
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = ''
      const onData = (text: string): void => {
        for (const ch of text) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            resolve(value)
            return
          }
          if (ch === '\u0003') {
            stdin.off('data', onData)
            reject(new CancelledError('cancelled'))
            return
          }
          if (ch === '\u007f') value = value.slice(0, -1)
          else value += ch
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

/** The shortest password `signup`, `passwd` and `recover` accept. */
const MIN_PASSWORD_LENGTH = 8

/**
 * A password being chosen: from `envVar` as it is, else typed twice on the terminal; two that
 * differ are refused, since a typo no one saw would lock the user out, and so is a short one.
 */
export async function readNewPassword (prompt: string, envVar: string): Promise<string> {
  const fromEnv = process.env[envVar]
  let password: string
  if (fromEnv != null && fromEnv !== '') {
    password = fromEnv
  } else {
    password = await readPassword(prompt, envVar)
    const again = await readPassword('Type it again: ', envVar)
    if (password !== again) throw new UsageError('the two passwords typed differ; nothing was changed')
  }
  if (password.length < MIN_PASSWORD_LENGTH) throw new UsageError(`choose a password of at least ${MIN_PASSWORD_LENGTH} characters`)
  return password
}

/**
 * A random id of this device, kept in $OBSCURA_HOME/device-id: public links with a device limit
 * count distinct ids, so the same machine opening a link again is not a new device.
 */
export async function deviceId (): Promise<string> {
  const path = join(obscuraHome(), 'device-id')
  try {
    const saved = (await readFile(path, 'utf8')).trim()
    if (/^[0-9a-f]{32}$/.test(saved)) return saved
  } catch {}
  const id = randomBytes(16).toString('hex')
  await mkdir(obscuraHome(), { recursive: true, mode: 0o700 })
  await writeFile(path, id + '\n', { mode: 0o600 })
  return id
}

/** Errors of a platform or file system that cannot sync a folder (Windows, some network mounts). */
const NO_FOLDER_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'])

/** Makes a rename inside `dir` durable, where the platform can. */
async function syncFolder (dir: string): Promise<void> {
  let folder
  try {
    folder = await open(dir, 'r')
    await folder.sync()
  } catch (err) {
    if (!NO_FOLDER_SYNC.has((err as NodeJS.ErrnoException).code ?? '')) throw err
  } finally {
    await folder?.close()
  }
}

/** The upload journal as one small JSON file per in-progress file under $OBSCURA_HOME/uploads. */
export function fileJournal (): UploadJournal {
  const dir = join(obscuraHome(), 'uploads')
  const path = (key: string): string => join(dir, `${key.replace(/[^0-9a-f]/g, '')}.json`)
  return new UploadJournal({
    read: async (key) => {
      try {
        return JSON.parse(await readFile(path(key), 'utf8')) as unknown
      } catch {
        return undefined
      }
    },
    // Written to a temporary name and renamed: an upload killed mid-write must leave the last
    // complete entry, not a truncated file that reads as no entry (and a fresh key, so every
    // block already sent would be orphaned and sent again).
    write: async (key, entry) => {
      await mkdir(dir, { recursive: true, mode: 0o700 })
      const temporary = `${path(key)}.${process.pid}.tmp`
      // Synced before the rename: blocks are sent once this resolves, so the entry must outlive
      // a power cut ([Note: journal before send] in src/client/journal.ts).
      const file = await open(temporary, 'w', 0o600)
      try {
        await file.writeFile(JSON.stringify(entry))
        await file.datasync()
      } finally {
        await file.close()
      }
      await rename(temporary, path(key))
      await syncFolder(dir)
    },
    remove: async (key) => { await rm(path(key), { force: true }) }
  })
}
