/**
 * Driving the API by hand, without the client library: accounts made with a real Ed25519
 * identity but no password (so no Argon2id), raw blocks, and signed heads with their commits
 * built from the format functions, so tests can send exactly the malformed, stale or forged
 * updates a hostile client would.
 */
import { randomBytes } from 'node:crypto'
import { rawCid, type CID } from '../../src/format/cid.ts'
import { encodeCommit, sealRecord } from '../../src/format/commit.ts'
import { createHead } from '../../src/format/head.ts'
import { signingKeyFromSeed, type SigningKey } from '../../src/crypto/sign.ts'
import { call } from './http.ts'
import { throwawaySignupBody } from './client.ts'

export interface RawUser {
  username: string
  id: string
  token: string
  signing: SigningKey
}

/** Signs up `username` with a fresh identity key; the first account on a node needs no invite. */
export async function rawSignup (url: string, username: string, invite?: string): Promise<RawUser> {
  const signing = await signingKeyFromSeed(new Uint8Array(randomBytes(32)))
  const body = { ...throwawaySignupBody(username, invite), signingPublicKey: Buffer.from(signing.publicKey).toString('base64') }
  const res = await call(url, 'POST', '/api/v1/auth/signup', { body })
  if (res.status !== 201) throw new Error(`signup of ${username} failed: ${res.status} ${JSON.stringify(res.json)}`)
  return { username, id: res.json.user.id, token: res.json.token, signing }
}

export async function rawInvite (url: string, adminToken: string): Promise<string> {
  const res = await call(url, 'POST', '/api/v1/admin/invites', { token: adminToken })
  if (res.status !== 201) throw new Error(`invite failed: ${res.status}`)
  return res.json.code
}

/** Random bytes as a raw block with their CID. */
export async function randomBlock (size: number): Promise<{ bytes: Uint8Array, cid: CID }> {
  const bytes = new Uint8Array(randomBytes(size))
  return { bytes, cid: await rawCid(bytes) }
}

export async function putBlock (url: string, token: string, block: { bytes: Uint8Array, cid: CID }): Promise<number> {
  return (await call(url, 'PUT', `/api/v1/blocks/${block.cid.toString()}`, { token, body: block.bytes })).status
}

export interface HeadUpdateInput {
  collection: string
  signing: SigningKey
  /** Owner named in the head; the signer by default. */
  owner?: Uint8Array
  seq: number
  /** CID of the current head block (null for the first). */
  prev: CID | null
  /** CID of the current commit (null for the first). */
  prevCommit: CID | null
  links?: CID[]
  unlinks?: CID[]
}

export interface HeadUpdate { head: Uint8Array, commit: Uint8Array, headCid: CID, commitCid: CID }

/** A correctly signed head and its commit (one record of random ops under a throwaway key). */
export async function headUpdate (input: HeadUpdateInput): Promise<HeadUpdate> {
  const record = await sealRecord(new Uint8Array(randomBytes(32)), input.collection, input.signing, { ops: [] })
  const { bytes: commit, cid: commitCid } = await encodeCommit({
    collection: input.collection, seq: input.seq, prev: input.prevCommit, links: input.links ?? [], unlinks: input.unlinks ?? [], records: [record]
  })
  const { bytes: head, cid: headCid } = await createHead({
    collection: input.collection, owner: input.owner ?? input.signing.publicKey, seq: input.seq, root: commitCid, prev: input.prev
  }, input.signing)
  return { head, commit, headCid, commitCid }
}

export async function putHead (url: string, token: string, collection: string, update: Pick<HeadUpdate, 'head' | 'commit'>) {
  return await call(url, 'PUT', `/api/v1/collections/${collection}/head`, {
    token,
    body: { head: Buffer.from(update.head).toString('base64'), commit: Buffer.from(update.commit).toString('base64') }
  })
}
