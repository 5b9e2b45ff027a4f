/**
 * `obscura invite`: prints this account's invitation (docs/FORMAT.md, 9.8) — its node's peer id
 * and addresses, the username and public keys, signed — for a user of another node to share
 * albums with: `obscura share ALBUM --with <invitation>`.
 */
import { createInvitationText, LOOPBACK_ONLY_HINT, parseInvitation, reachableFromOtherMachines } from '../../../src/client/federation.ts'
import { parseFlags } from '../args.ts'
import { loadAccount } from '../context.ts'
import { hint, say, warn } from '../output.ts'

export async function runInvite (args: string[]): Promise<number> {
  const { values } = parseFlags('invite', args)
  const account = await loadAccount(values.node)
  const text = await createInvitationText(account)
  say(`${text}`)
  if (!reachableFromOtherMachines((await parseInvitation(text)).addrs)) warn(`this invitation carries only loopback addresses; your node's ${LOOPBACK_ONLY_HINT}`)
  if (process.stdout.isTTY === true) {
    hint('Send this to someone on another node; they share with you by running')
    hint('  obscura share ALBUM --with <the text above>')
  }
  return 0
}
