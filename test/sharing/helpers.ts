/**
 * What the sharing tests share: a node with open signup, accounts made through the real client
 * (Argon2id once per user and test process: test/helpers/signup.ts), libraries opened fresh, and uploads of random bytes.
 */
import { randomBytes } from 'node:crypto'
import { Library } from '../../src/client/library.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { bytesSource } from '../helpers/client.ts'
import type { CollectionState, ItemEntry } from '../../src/client/collection.ts'

export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n))

export async function account (url: string, username: string): Promise<Account> {
  return (await signup(url, username, `${username}-password-1`)).account
}

/** A library synced from scratch, as a fresh device would see it. */
export async function library (account: Account): Promise<Library> {
  const lib = new Library(account)
  await lib.sync()
  return lib
}

/** Uploads one file of random bytes into `target`; returns the item and its bytes. */
export async function uploadOne (lib: Library, target: CollectionState, name: string, size = 3_000): Promise<{ item: ItemEntry, bytes: Uint8Array }> {
  const bytes = random(size)
  const result = await uploadFiles(lib, [bytesSource(name, bytes)], { targets: [target] })
  const id = result.items[0]
  const item = id != null ? target.items.get(id) : [...target.items.values()].find((i) => i.name === name)
  if (item == null) throw new Error(`upload of ${name} did not land in ${target.name ?? target.id}`)
  return { item, bytes }
}

/** The shared album of that name as `lib` sees it after a sync. */
export async function sharedAlbum (lib: Library, name: string): Promise<CollectionState> {
  await lib.sync()
  const found = lib.findShared(name)
  if (found == null) throw new Error(`"${name}" is not shared with ${lib.account.user.username}: ${[...lib.sharedErrors.values()].map((e) => e.message).join('; ')}`)
  return found.state
}
