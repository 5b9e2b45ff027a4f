/**
 * Signup for the tests that are not about the KDF: the same call as the client's `signup`, but the
 * account keys (one Argon2id run at 64 MiB, most of a signup's time) are made once per username
 * and password in this test process and reused by every later signup of that user, on whatever
 * node. The KDF parameters are the real ones, so the node checks them as it does any signup; only
 * the identity keys repeat, on nodes that never meet (tests that need two distinct identities
 * use two usernames). Tests about key creation itself call the client's `signup`.
 */
import { createAccountKeys, type CreatedAccount } from '../../src/crypto/keys.ts'
import { signup as clientSignup, type Account, type SignupOptions } from '../../src/client/session.ts'

const made = new Map<string, Promise<CreatedAccount>>()

/** This user's keys, made on first use; each caller gets its own copies of the secret bytes. */
export async function accountKeys (username: string, password: string): Promise<CreatedAccount> {
  const key = JSON.stringify([username, password])
  let keys = made.get(key)
  if (keys == null) {
    keys = createAccountKeys(password)
    made.set(key, keys)
    keys.catch(() => made.delete(key))
  }
  const created = await keys
  return { ...created, keys: { ...created.keys, masterKey: created.keys.masterKey.slice(), dedupKey: created.keys.dedupKey.slice() } }
}

export async function signup (nodeUrl: string, username: string, password: string, options: SignupOptions = {}): Promise<{ account: Account, recoveryKey: string }> {
  return await clientSignup(nodeUrl, username, password, { ...options, keys: options.keys ?? await accountKeys(username, password) })
}
