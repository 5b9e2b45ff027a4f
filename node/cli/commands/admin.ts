/**
 * `obscura admin invite|users|quota`: node administration by the admin account.
 */
import { loadAccount } from '../context.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { formatBytes } from '../progress.ts'

export async function runAdmin (args: string[]): Promise<number> {
  const [action, ...rest] = args
  const { positionals } = parseFlags(`admin ${action ?? ''}`, rest, {})
  const { api } = await loadAccount()
  switch (action) {
    case 'invite': {
      const { code, expiresAt } = await api.createInvite()
      process.stdout.write(`Invite code (valid until ${new Date(expiresAt).toISOString()}): ${code}\n`)
      return 0
    }
    case 'users': {
      const res = await api.request('GET', '/api/v1/admin/users')
      const { users } = await res.json() as { users: Array<{ username: string, usedBytes: number, quotaBytes: number, admin: boolean }> }
      for (const u of users) process.stdout.write(`${u.username.padEnd(24)} ${formatBytes(u.usedBytes).padStart(9)} of ${formatBytes(u.quotaBytes)}${u.admin ? '  (admin)' : ''}\n`)
      return 0
    }
    case 'quota': {
      const [username, bytesText] = positionals
      const bytes = Number(bytesText)
      if (username == null || !Number.isSafeInteger(bytes) || bytes < 0) throw new UsageError('usage: obscura admin quota USER BYTES')
      const user = await api.setQuota(username, bytes)
      process.stdout.write(`${user.username} may now store ${formatBytes(user.quotaBytes)} (${formatBytes(user.usedBytes)} used).\n`)
      return 0
    }
    default:
      throw new UsageError('usage: obscura admin invite | users | quota USER BYTES')
  }
}
