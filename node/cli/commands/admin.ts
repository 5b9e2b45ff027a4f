/**
 * `obscura admin invite|users|quota`: node administration by the admin account.
 */
import { loadAccount } from '../context.ts'
import { parseFlags } from '../args.ts'
import { UsageError } from '../errors.ts'
import { inform, printJson, say } from '../output.ts'
import { formatBytes } from '../progress.ts'

const USAGE = 'usage: obscura admin invite | invites | revoke-invite ID | users | quota USER BYTES'

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
    case 'invites': {
      const { values } = parseFlags('admin invites', rest)
      const { api } = await loadAccount()
      const invites = await api.listInvites()
      if (values.json === true) {
        printJson(invites)
        return 0
      }
      if (invites.length === 0) inform('No invites yet: `obscura admin invite` makes one.')
      for (const i of invites) {
        const state = i.state === 'open'
          ? `open until ${new Date(i.expiresAt).toISOString()}  ${i.code ?? ''}`
          : i.state === 'used' ? `used by ${i.usedBy ?? '?'} on ${new Date(i.usedAt ?? 0).toISOString()}` : `expired ${new Date(i.expiresAt).toISOString()}`
        say(`${i.id.slice(0, 12)}  ${state}`)
      }
      return 0
    }
    case 'revoke-invite': {
      const { positionals } = parseFlags('admin revoke-invite', rest)
      const [given] = positionals
      if (given == null || positionals.length !== 1) throw new UsageError('usage: obscura admin revoke-invite ID (as `obscura admin invites` shows it, or the code)')
      const { api } = await loadAccount()
      const invites = await api.listInvites()
      const matches = invites.filter((i) => i.state === 'open' && (i.id.startsWith(given.toLowerCase()) || i.code === given))
      if (matches.length !== 1) throw new UsageError(matches.length === 0 ? `no open invite ${given}` : `${given} matches ${matches.length} invites: give more of its id`)
      await api.revokeInvite((matches[0] as { id: string }).id)
      say('Invite revoked: its code no longer works.')
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
