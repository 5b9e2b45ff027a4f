/**
 * `obscura admin invite|users|quota`: node administration by the admin account.
 */
import { loadAccount } from '../context.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { printJson, say } from '../output.ts'
import { formatBytes } from '../progress.ts'

const USAGE = 'usage: obscura admin invite | users | quota USER BYTES'

export async function runAdmin (args: string[]): Promise<number> {
  const [action, ...rest] = args
  switch (action) {
    case 'invite': {
      const { values } = parseFlags('admin invite', rest)
      const { api } = await loadAccount()
      const { code, expiresAt } = await api.createInvite()
      if (values.json === true) printJson({ code, expiresAt: new Date(expiresAt).toISOString() })
      else say(`Invite code (valid until ${new Date(expiresAt).toISOString()}): ${code}`)
      return 0
    }
    case 'users': {
      const { values } = parseFlags('admin users', rest)
      const { api } = await loadAccount()
      const res = await api.request('GET', '/api/v1/admin/users')
      const { users } = await res.json() as { users: Array<{ username: string, usedBytes: number, quotaBytes: number, admin: boolean }> }
      if (values.json === true) printJson(users)
      else for (const u of users) say(`${u.username.padEnd(24)} ${formatBytes(u.usedBytes).padStart(9)} of ${formatBytes(u.quotaBytes)}${u.admin ? '  (admin)' : ''}`)
      return 0
    }
    case 'quota': {
      const { positionals } = parseFlags('admin quota', rest)
      const [username, bytesText] = positionals
      const bytes = Number(bytesText)
      if (username == null || positionals.length !== 2 || !Number.isSafeInteger(bytes) || bytes < 0) throw new UsageError(USAGE)
      const { api } = await loadAccount()
      const user = await api.setQuota(username, bytes)
      say(`${user.username} may now store ${formatBytes(user.quotaBytes)} (${formatBytes(user.usedBytes)} used).`)
      return 0
    }
    default:
      throw new UsageError(USAGE)
  }
}
