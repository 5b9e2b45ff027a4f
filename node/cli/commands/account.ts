/**
 * Account commands: signup, login, logout, passwd. The password comes from $OBSCURA_PASSWORD or
 * a prompt; it is used here to derive keys and never sent anywhere.
 */
import { changePassword, login, signup } from '../../../src/client/session.ts'
import { parseFlags } from '../args.ts'
import { forgetAccount, loadAccount, nodeUrl, readNewPassword, readPassword, saveAccount } from '../context.ts'
import { UsageError } from '../errors.ts'
import { inform, say } from '../output.ts'

function oneUsername (command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one USER`)
  return (positionals[0] as string).toLowerCase()
}

export async function runSignup (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('signup', args)
  const username = oneUsername('signup', positionals)
  const password = await readNewPassword('Choose a password: ', 'OBSCURA_PASSWORD')
  const { account, recoveryKey } = await signup(nodeUrl(values.node), username, password, { invite: values.invite })
  await saveAccount(account)
  for (const line of [
    `Signed up and logged in as ${account.user.username}${account.user.admin ? ' (admin of this node)' : ''}.`,
    '',
    'Your recovery key — the only way back in if you forget your password. Write it down now;',
    'it is shown once and the node cannot recover it for you:',
    '',
    `  ${recoveryKey}`
  ]) say(line)
  return 0
}

export async function runLogin (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('login', args)
  const username = oneUsername('login', positionals)
  const account = await login(nodeUrl(values.node), username, await readPassword())
  await saveAccount(account)
  inform(`Logged in as ${account.user.username} on ${account.api.url}`)
  return 0
}

export async function runLogout (args: string[]): Promise<number> {
  parseFlags('logout', args)
  try {
    const account = await loadAccount()
    await account.api.logout().catch(() => {})
  } catch {}
  await forgetAccount()
  inform('Logged out; the keys on this device are deleted.')
  return 0
}

export async function runPasswd (args: string[]): Promise<number> {
  parseFlags('passwd', args)
  const account = await loadAccount()
  const current = await readPassword('Current password: ')
  const next = await readNewPassword('New password: ', 'OBSCURA_NEW_PASSWORD')
  await changePassword(account, current, next)
  await saveAccount(account)
  inform('Password changed. Your photos were not re-encrypted; your recovery key still works.')
  return 0
}
