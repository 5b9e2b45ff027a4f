/**
 * `obscura recover USER`: sets a new password with the recovery key shown at signup, then keeps
 * the session like `login` does. The key comes from $OBSCURA_RECOVERY_KEY or a prompt that does
 * not echo; the new password from $OBSCURA_NEW_PASSWORD or a prompt asked twice. Neither is sent
 * anywhere: they are used here to derive keys.
 */
import { recoverAccount } from '../../../src/client/session.ts'
import { parseFlags } from '../args.ts'
import { nodeUrl, readPassword, saveAccount } from '../context.ts'
import { UsageError } from '../errors.ts'

const NEW_PASSWORD_ENV = 'OBSCURA_NEW_PASSWORD'

async function readNewPassword (): Promise<string> {
  const fromEnv = process.env[NEW_PASSWORD_ENV]
  const password = fromEnv != null && fromEnv !== '' ? fromEnv : await readPassword('New password: ', NEW_PASSWORD_ENV)
  if (password.length < 8) throw new UsageError('choose a password of at least 8 characters')
  if (fromEnv == null || fromEnv === '') {
    if (await readPassword('New password again: ', NEW_PASSWORD_ENV) !== password) throw new UsageError('the two passwords differ')
  }
  return password
}

export async function runRecover (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('recover', args, { node: { type: 'string' } })
  if (positionals.length !== 1) throw new UsageError('recover takes exactly one USER')
  const username = (positionals[0] as string).toLowerCase()
  const recoveryKey = await readPassword('Recovery key: ', 'OBSCURA_RECOVERY_KEY')
  const password = await readNewPassword()
  const account = await recoverAccount(nodeUrl(values.node), username, recoveryKey, password)
  await saveAccount(account)
  process.stdout.write([
    `Password reset and logged in as ${account.user.username} on ${account.api.url}.`,
    'Every other session of this account was ended. Your photos were not re-encrypted; your recovery key still works.',
    ''
  ].join('\n'))
  return 0
}
