/**
 * `obscura recover USER`: sets a new password with the recovery key shown at signup, then keeps
 * the session like `login` does. The key comes from $OBSCURA_RECOVERY_KEY or a prompt that does
 * not echo; the new password from $OBSCURA_NEW_PASSWORD or a prompt asked twice. Neither is sent
 * anywhere: they are used here to derive keys.
 */
import { recoverAccount } from '../../../src/client/session.ts'
import { parseFlags } from '../args.ts'
import { nodeUrl, readNewPassword, readPassword, saveAccount } from '../context.ts'
import { UsageError } from '../errors.ts'
import { say } from '../output.ts'

export async function runRecover (args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('recover', args)
  if (positionals.length !== 1) throw new UsageError('recover takes exactly one USER')
  const username = (positionals[0] as string).toLowerCase()
  const recoveryKey = await readPassword('Recovery key: ', 'OBSCURA_RECOVERY_KEY')
  const password = await readNewPassword('New password: ', 'OBSCURA_NEW_PASSWORD')
  const account = await recoverAccount(nodeUrl(values.node), username, recoveryKey, password)
  await saveAccount(account)
  for (const line of [
    `Password reset and logged in as ${account.user.username} on ${account.api.url}.`,
    'Every other session of this account was ended. Your photos were not re-encrypted; your recovery key still works.'
  ]) say(line)
  return 0
}
