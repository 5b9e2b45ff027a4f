/**
 * Accounts, sessions and invites. The node never sees a password or a key: at signup the client
 * registers the public half of its password-derived auth key and an encrypted key bundle. A
 * login is a challenge signed with the auth key; only after that proof does the node release
 * the bundle, so a network attacker cannot collect bundles to guess passwords offline.
 * Unknown usernames get stable fake KDF parameters so that the login start does not reveal
 * which accounts exist. A lost password is reset with the recovery key the same way: the client
 * registers the recovery key's auth public key at signup, and a challenge signed with it releases
 * the bundle, then (with a second challenge) replaces the password material. Nothing anyone can
 * ask without an account is written to disk: login challenges live in bounded memory.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { base58btc } from 'multiformats/bases/base58'
import { decodeKeyBundle } from '../src/crypto/key-bundle.ts'
import { LABELS } from '../src/crypto/labels.ts'
import { verifyDetached } from '../src/crypto/sign.ts'
import { loginProofMessage } from '../src/format/login.ts'
import {
  ForbiddenError, InvalidRequestError, InviteRequiredError, LoginFailedError, NotFoundError,
  RecoveryUnavailableError, UnauthenticatedError, UsernameTakenError
} from './errors.ts'
import { KeyedMutex } from './lock.ts'
import type { NodeConfig } from './config.ts'
import { delOp, putOp, type BatchOperation, type InviteRecord, type NodeDatabase, type SessionRecord, type UserRecord } from './db.ts'

const CHALLENGE_TTL_MS = 2 * 60 * 1000
/** Login challenges held at once: ~450 bytes each (measured), so under 5 MB. */
const MAX_CHALLENGES = 10_000
const INVITE_TTL_MS = 7 * 24 * 3600 * 1000
/** Used and expired invites stay listed this long, then go at the next listing. */
const INVITE_KEEP_MS = 30 * 24 * 3600 * 1000

/** An invite as its admin sees it in the list. */
export interface InviteView {
  /** The SHA-256 of the code, hex: what revoking names. */
  id: string
  /** The code, while the invite is open. */
  code?: string
  state: 'open' | 'used' | 'expired'
  createdAt: number
  expiresAt: number
  usedBy?: string
  usedAt?: number
}

export interface KdfParamsJson {
  algorithm: 'argon2id'
  memoryKiB: number
  iterations: number
  parallelism: number
  /** base64 */
  salt: string
}

export interface SignupInput {
  username: string
  invite?: string
  authPublicKey: Uint8Array
  /** Public half of the Ed25519 key derived from the recovery key. */
  recoveryAuthPublicKey: Uint8Array
  kdf: KdfParamsJson
  keyBundle: Uint8Array
  signingPublicKey: Uint8Array
  boxPublicKey: Uint8Array
  rootCollection: string
}

export interface LoginChallenge { challengeId: string, challenge: Uint8Array, kdf: KdfParamsJson }
export interface Session { token: string, expiresAt: number, user: UserRecord }
/** New password material: the auth public key, its Argon2id parameters and the re-wrapped bundle. */
export interface PasswordMaterial { authPublicKey: Uint8Array, kdf: KdfParamsJson, keyBundle: Uint8Array }
/** A signed challenge. */
export interface Proof { challengeId: string, signature: Uint8Array }

const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex')
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/**
 * Records kept in memory in front of LevelDB, at most `max` (the oldest go first). Values are
 * frozen, so that no caller can change the copy the others read.
 */
class RecordCache<V extends object> {
  private readonly entries = new Map<string, Readonly<V>>()
  private readonly max: number

  constructor (max: number) {
    this.max = max
  }

  get (key: string): Readonly<V> | undefined {
    return this.entries.get(key)
  }

  set (key: string, value: V): Readonly<V> {
    const frozen = Object.freeze(value)
    this.entries.delete(key)
    this.entries.set(key, frozen)
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string)
    return frozen
  }

  delete (key: string): void {
    this.entries.delete(key)
  }
}

const CACHED_RECORDS = 10_000

interface ChallengeEntry { username: string, challenge: Uint8Array, expiresAt: number }

/**
 * [Note: login challenges in memory] Anyone may ask for a login challenge, so challenges are
 * never written to the database (they grew it by ~170 bytes a request, and with it every
 * compaction). They live here, single-use, for two minutes, at most `max` at once: when full,
 * expired ones go first, then the oldest. A flood can therefore make a real user's challenge
 * expire early (the client asks again); it cannot make the node use more memory, and the gateway
 * limits how many challenges one address may ask for. A restart forgets them all, which costs a
 * login in flight one retry.
 */
class ChallengeStore {
  private readonly entries = new Map<string, ChallengeEntry>()
  private readonly max: number
  private readonly now: () => number

  constructor (max: number, now: () => number) {
    this.max = max
    this.now = now
  }

  add (username: string): { challengeId: string, challenge: Uint8Array } {
    this.prune()
    const challenge = new Uint8Array(randomBytes(32))
    const challengeId = randomBytes(16).toString('hex')
    this.entries.set(challengeId, { username, challenge, expiresAt: this.now() + CHALLENGE_TTL_MS })
    return { challengeId, challenge }
  }

  /** The username a live challenge was made for, without using it up. */
  peek (challengeId: string): string | undefined {
    const entry = this.entries.get(challengeId)
    return entry != null && entry.expiresAt >= this.now() ? entry.username : undefined
  }

  /** Removes the challenge and returns it if it was still live. */
  take (challengeId: string): ChallengeEntry | undefined {
    const entry = this.entries.get(challengeId)
    if (entry == null) return undefined
    this.entries.delete(challengeId)
    return entry.expiresAt >= this.now() ? entry : undefined
  }

  get size (): number { return this.entries.size }

  /**
   * Makes room for one more. Map order is insertion order and every challenge lives as long, so
   * the expired ones are at the front: this stops at the first live one once there is room.
   */
  private prune (): void {
    const now = this.now()
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt >= now && this.entries.size < this.max) break
      this.entries.delete(id)
    }
  }
}

export interface AccountsOptions {
  /** The clock of challenges, sessions and invites (when they were made, when they expire); tests move it. */
  now?: () => number
  /** Login challenges held in memory at once (default 10 000). */
  maxChallenges?: number
}

export class Accounts {
  private readonly db: NodeDatabase
  private readonly config: NodeConfig['accounts']
  private readonly lock = new KeyedMutex()
  /**
   * [Note: cached accounts and sessions] Every request reads its session and its account, and
   * every stored block rewrites its uploader's account: they are cached here. This process is
   * the database's only writer (LevelDB locks its folder) and every write of users and sessions
   * goes through this class, which updates or drops the cached copy in the same step.
   */
  private readonly users = new RecordCache<UserRecord>(CACHED_RECORDS)
  private readonly sessions = new RecordCache<SessionRecord>(CACHED_RECORDS)
  private readonly challenges: ChallengeStore
  private readonly now: () => number
  private nodeSecret?: Buffer

  constructor (db: NodeDatabase, config: NodeConfig['accounts'], options: AccountsOptions = {}) {
    this.db = db
    this.config = config
    this.now = options.now ?? Date.now
    this.challenges = new ChallengeStore(options.maxChallenges ?? MAX_CHALLENGES, this.now)
  }

  /**
   * Makes the node secret (decoy KDF salts) once, here rather than on the first anonymous request,
   * and drops the login challenges that earlier versions kept in the database.
   */
  async start (): Promise<void> {
    let secret = await this.db.settings.get('node-secret') as string | undefined
    if (secret == null) {
      secret = randomBytes(32).toString('base64')
      await this.db.settings.put('node-secret', secret)
    }
    this.nodeSecret = Buffer.from(secret, 'base64')
    await this.db.level.sublevel('challenges').clear()
  }

  /**
   * Creates an account. On a node that needs invites, the invite is checked before the username,
   * so that someone without one learns nothing about which names are taken: every such attempt
   * gets INVITE_REQUIRED. The invite is used up only when the account is made, in the same batch.
   */
  async signup (input: SignupInput): Promise<UserRecord> {
    return this.lock.run('signup', async () => {
      const first = await this.isEmpty()
      const invite = !first && !this.config.openSignup ? await this.checkInvite(input.invite) : undefined
      if (await this.db.usernames.get(input.username) != null) throw new UsernameTakenError(input.username)
      const user: UserRecord = {
        id: randomUUID(),
        username: input.username,
        admin: first,
        createdAt: this.now(),
        quotaBytes: this.config.defaultQuotaBytes,
        usedBytes: 0,
        authPublicKey: b64(input.authPublicKey),
        recoveryAuthPublicKey: b64(input.recoveryAuthPublicKey),
        kdf: input.kdf,
        keyBundle: b64(input.keyBundle),
        signingPublicKey: b64(input.signingPublicKey),
        boxPublicKey: b64(input.boxPublicKey),
        rootCollection: input.rootCollection
      }
      await this.db.batch([
        putOp(this.db.users, user.id, user),
        putOp(this.db.usernames, user.username, user.id),
        ...(invite != null ? [putOp(this.db.invites, invite.key, { ...withoutCode(invite.record), usedBy: user.username, usedAt: this.now() })] : [])
      ])
      return this.users.set(user.id, user)
    })
  }

  /** A single-use login challenge, kept in memory only (see [Note: login challenges in memory]). */
  async startLogin (username: string): Promise<LoginChallenge> {
    const user = await this.findByUsername(username)
    const { challengeId, challenge } = this.challenges.add(username)
    return { challengeId, challenge, kdf: user != null ? user.kdf as KdfParamsJson : this.decoyKdf(username) }
  }

  /** The username a live challenge was made for (the gateway's brake counts failures by it), or undefined. */
  challengeUsername (challengeId: string): string | undefined {
    return this.challenges.peek(challengeId)
  }

  /** Login challenges held in memory now. */
  get pendingChallenges (): number { return this.challenges.size }

  /** Checks a signed challenge (single use) and returns the user it proves. */
  async verifyProof (challengeId: string, signature: Uint8Array): Promise<UserRecord> {
    return this.checkProof(challengeId, signature, 'password')
  }

  /**
   * Checks a challenge signed with the recovery auth key (single use) and returns the user it
   * proves. An unknown user and a wrong key fail alike (LOGIN_FAILED); an account made before
   * signup registered the recovery key's public half gets RECOVERY_UNAVAILABLE.
   */
  async verifyRecoveryProof (challengeId: string, signature: Uint8Array): Promise<UserRecord> {
    return this.checkProof(challengeId, signature, 'recovery')
  }

  /**
   * Sets a new password with the recovery key, after a fresh recovery proof: replaces the auth key,
   * KDF parameters and key bundle in one write, ends every session of the account, and opens a new
   * one. The new bundle must keep the recovery box and the identity of the stored one, so that the
   * recovery key (whose public half does not change) goes on working and no one can swap keys in.
   */
  async recover (proof: Proof, next: PasswordMaterial): Promise<Session> {
    const user = await this.verifyRecoveryProof(proof.challengeId, proof.signature)
    assertOnlyPasswordWrapChanged(user.keyBundle, next.keyBundle)
    const updated = await this.update(user.id, (u) => ({ ...u, authPublicKey: b64(next.authPublicKey), kdf: next.kdf, keyBundle: b64(next.keyBundle) }))
    await this.endSessions(user.id)
    return this.createSession(updated)
  }

  private async checkProof (challengeId: string, signature: Uint8Array, by: 'password' | 'recovery'): Promise<UserRecord> {
    const entry = this.challenges.take(challengeId)
    if (entry == null) throw new LoginFailedError()
    const user = await this.findByUsername(entry.username)
    if (user == null) throw new LoginFailedError()
    const publicKey = by === 'password' ? user.authPublicKey : user.recoveryAuthPublicKey
    if (publicKey == null) throw new RecoveryUnavailableError()
    const message = loginProofMessage(entry.challenge, user.username)
    const label = by === 'password' ? LABELS.login : LABELS.recoveryLogin
    const ok = await verifyDetached(Buffer.from(publicKey, 'base64'), label, message, signature)
    if (!ok) throw new LoginFailedError()
    return user
  }

  async finishLogin (challengeId: string, signature: Uint8Array): Promise<Session> {
    return this.createSession(await this.verifyProof(challengeId, signature))
  }

  /** A new session for a user who just proved who they are (login) or just signed up. */
  async createSession (user: UserRecord): Promise<Session> {
    const token = randomBytes(32).toString('base64url')
    const now = this.now()
    const expiresAt = now + this.config.sessionTtlSeconds * 1000
    const session: SessionRecord = { userId: user.id, expiresAt, createdAt: now }
    await this.db.sessions.put(sha256Hex(token), session)
    this.sessions.set(sha256Hex(token), session)
    await this.db.userSessions.put(`${user.id}!${sha256Hex(token)}`, expiresAt)
    return { token, expiresAt, user }
  }

  /** Resolves a bearer token to its user; expired or unknown tokens are refused. */
  async authenticate (token: string): Promise<UserRecord> {
    const hash = sha256Hex(token)
    let session = this.sessions.get(hash)
    if (session == null) {
      const stored = await this.db.sessions.get(hash)
      if (stored == null) throw new UnauthenticatedError()
      session = this.sessions.set(hash, stored)
    }
    if (session.expiresAt < this.now()) {
      this.sessions.delete(hash)
      await this.db.sessions.del(hash)
      throw new UnauthenticatedError('Your session expired: log in again')
    }
    const user = await this.get(session.userId)
    if (user == null) throw new UnauthenticatedError()
    return user
  }

  async logout (token: string): Promise<void> {
    const hash = sha256Hex(token)
    const session = await this.db.sessions.get(hash)
    this.sessions.delete(hash)
    await this.db.sessions.del(hash)
    if (session != null) await this.db.userSessions.del(`${session.userId}!${hash}`)
  }

  /** Ends every session of `userId`, except the one whose token is `keep` if given. */
  async endSessions (userId: string, keep?: string): Promise<void> {
    const kept = keep == null ? undefined : sha256Hex(keep)
    for await (const key of this.db.userSessions.keys({ gt: `${userId}!`, lt: `${userId}!\xff` })) {
      const hash = key.slice(userId.length + 1)
      if (hash === kept) continue
      this.sessions.delete(hash)
      await this.db.sessions.del(hash)
      await this.db.userSessions.del(key)
    }
  }

  /**
   * Replaces the auth key and key bundle after a fresh proof with the current password. Media
   * is untouched: only the master key's wrapping changes. Every other session of the account
   * ends, so a device that knew the old password (or a stolen token) is logged out.
   */
  async changePassword (user: UserRecord, currentToken: string, proof: Proof, next: PasswordMaterial): Promise<void> {
    const proven = await this.verifyProof(proof.challengeId, proof.signature)
    if (proven.id !== user.id) throw new ForbiddenError('The password proof is for another account')
    assertOnlyPasswordWrapChanged(proven.keyBundle, next.keyBundle)
    await this.update(user.id, (u) => ({ ...u, authPublicKey: b64(next.authPublicKey), kdf: next.kdf, keyBundle: b64(next.keyBundle) }))
    await this.endSessions(user.id, currentToken)
  }

  async createInvite (admin: UserRecord): Promise<{ code: string, expiresAt: number }> {
    this.requireAdmin(admin)
    // Base58 (no "-", "_", "0", "O", "I" or "l"): a code is pasted after `--invite` on a command
    // line, where one starting with "-" would read as an option (1 base64url code in 32 did), and
    // is read aloud or copied by hand.
    const code = base58btc.baseEncode(randomBytes(18))
    const expiresAt = this.now() + INVITE_TTL_MS
    await this.db.invites.put(sha256Hex(code), { createdBy: admin.id, createdAt: this.now(), expiresAt, code })
    return { code, expiresAt }
  }

  /** Every invite of the node, newest first; forgets those used or expired over INVITE_KEEP_MS ago. */
  async listInvites (admin: UserRecord): Promise<InviteView[]> {
    this.requireAdmin(admin)
    const now = this.now()
    const views: InviteView[] = []
    const stale: BatchOperation[] = []
    for await (const [id, invite] of this.db.invites.iterator()) {
      const endedAt = invite.usedAt ?? invite.expiresAt
      if (endedAt < now - INVITE_KEEP_MS) {
        stale.push(delOp(this.db.invites, id))
        continue
      }
      const state = invite.usedAt != null ? 'used' : invite.expiresAt < now ? 'expired' : 'open'
      views.push({
        id, state, createdAt: invite.createdAt, expiresAt: invite.expiresAt,
        ...(state === 'open' && invite.code != null ? { code: invite.code } : {}),
        ...(invite.usedBy != null ? { usedBy: invite.usedBy, usedAt: invite.usedAt } : {})
      })
    }
    if (stale.length > 0) await this.db.batch(stale)
    return views.sort((a, b) => b.createdAt - a.createdAt)
  }

  /** Revokes an invite (its code stops working at once); NOT_FOUND for one that does not exist. */
  async revokeInvite (admin: UserRecord, id: string): Promise<void> {
    this.requireAdmin(admin)
    await this.lock.run('signup', async () => {
      if (await this.db.invites.get(id) == null) throw new NotFoundError('No such invite')
      await this.db.invites.del(id)
    })
  }

  async setQuota (admin: UserRecord, username: string, quotaBytes: number): Promise<UserRecord> {
    this.requireAdmin(admin)
    const user = await this.findByUsername(username)
    if (user == null) throw new NotFoundError(`No user named "${username}"`)
    return this.update(user.id, (u) => ({ ...u, quotaBytes }))
  }

  async listUsers (admin: UserRecord): Promise<UserRecord[]> {
    this.requireAdmin(admin)
    const users: UserRecord[] = []
    for await (const user of this.db.users.values()) users.push(user)
    return users
  }

  async findByUsername (username: string): Promise<UserRecord | undefined> {
    const id = await this.db.usernames.get(username)
    return id == null ? undefined : await this.get(id)
  }

  async get (userId: string): Promise<UserRecord | undefined> {
    const cached = this.users.get(userId)
    if (cached != null) return cached
    const stored = await this.db.users.get(userId)
    return stored == null ? undefined : this.users.set(userId, stored)
  }

  /** Read-modify-write of one account; `also` is written in the same atomic batch as the account. */
  async update (userId: string, change: (user: UserRecord) => UserRecord, also: BatchOperation[] = []): Promise<UserRecord> {
    return this.lock.run(`user:${userId}`, async () => {
      const user = await this.get(userId)
      if (user == null) throw new NotFoundError('No such user')
      const next = change(user)
      try {
        if (also.length === 0) await this.db.users.put(userId, next)
        else await this.db.batch([putOp(this.db.users, userId, next), ...also])
      } catch (err) {
        this.users.delete(userId) // unknown whether the write landed: read it again next time
        throw err
      }
      return this.users.set(userId, next)
    })
  }

  private requireAdmin (user: UserRecord): void {
    if (!user.admin) throw new ForbiddenError('Only the node admin can do this')
  }

  private async isEmpty (): Promise<boolean> {
    for await (const _ of this.db.usernames.keys({ limit: 1 })) return false
    return true
  }

  /** A live invite and its key; INVITE_REQUIRED otherwise. Runs under the signup lock. */
  private async checkInvite (code: string | undefined): Promise<{ key: string, record: InviteRecord }> {
    if (code == null || code === '') throw new InviteRequiredError()
    const key = sha256Hex(code)
    const record = await this.db.invites.get(key)
    if (record == null || record.usedAt != null || record.expiresAt < this.now()) throw new InviteRequiredError('This invite is unknown, used or expired')
    return { key, record }
  }

  private decoyKdf (username: string): KdfParamsJson {
    if (this.nodeSecret == null) throw new Error('Accounts.start() was not called')
    const salt = createHmac('sha256', this.nodeSecret).update(username).digest().subarray(0, 16)
    return { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: salt.toString('base64') }
  }
}

/**
 * Refuses a new bundle (password change or recovery) unless it is the stored one with only the
 * password wrap and KDF parameters changed (docs/FORMAT.md 5.2): same recovery box, so the
 * recovery key goes on working, and same identity keys and boxes, so no one swaps keys in.
 */
function assertOnlyPasswordWrapChanged (storedB64: string, next: Uint8Array): void {
  let stored, proposed
  try {
    stored = decodeKeyBundle(Buffer.from(storedB64, 'base64'))
    proposed = decodeKeyBundle(next)
  } catch {
    throw new InvalidRequestError('The new key bundle is malformed')
  }
  const fields = ['recoveryWrappedMasterKey', 'signingPublicKey', 'wrappedSigningSeed', 'boxPublicKey', 'wrappedBoxSecret'] as const
  for (const field of fields) {
    if (!Buffer.from(stored[field]).equals(Buffer.from(proposed[field]))) {
      throw new InvalidRequestError(`The new key bundle must keep the stored ${field}: a password change or recovery changes only the password wrap`)
    }
  }
}

function withoutCode (invite: InviteRecord): InviteRecord {
  const { code: _code, ...rest } = invite
  return rest
}
