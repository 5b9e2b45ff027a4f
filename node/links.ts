/**
 * Public links (docs/SECURITY.md, "Public links"). A link is a random token naming an album;
 * its key travels in the URL fragment and never reaches the node, which keeps only the album's
 * key boxed under the link's wrap key. The node stores the SHA-256 of the token (as it does for
 * session tokens), the link's options, and for a password link the Argon2id parameters and the
 * public half of the password-derived auth key: never the password, nor a fast hash of it.
 *
 * Opening a link starts a link session (a bearer token `lnk_…`): it counts the device against
 * the device limit and, for a password link, needs a signature over a fresh challenge. Every
 * request made with the session checks the link again, so expiry and revocation apply at once
 * (410 LINK_EXPIRED / LINK_REVOKED). A session is a `CollectionGrant` for the album: it reads
 * the log and the album's blocks, and adds to it when the owner allowed uploads.
 */
import { createHash, randomBytes } from 'node:crypto'
import { LABELS } from '../src/crypto/labels.ts'
import { linkProofMessage } from '../src/crypto/link-keys.ts'
import { verifyDetached } from '../src/crypto/sign.ts'
import {
  DeviceLimitError, ForbiddenError, InvalidRequestError, LinkExpiredError, LinkPasswordError, LinkRevokedError, NotFoundError, UnauthenticatedError
} from './errors.ts'
import { KeyedMutex } from './lock.ts'
import type { KdfParamsJson } from './accounts.ts'
import type { LinkRecord, LinkSessionRecord, NodeDatabase, UserRecord } from './db.ts'
import type { CollectionGrant } from './sharing.ts'

/** Prefix of link session tokens, so that the gateway tells them from account sessions. */
export const LINK_SESSION_PREFIX = 'lnk_'
const SESSION_TTL_MS = 24 * 3600 * 1000
const SESSION_SWEEP_MS = 10 * 60 * 1000
/** Devices remembered for a link without a limit (only to show the owner how far it went). */
const UNLIMITED_DEVICES_KEPT = 1000
const CHALLENGE_TTL_MS = 2 * 60 * 1000
const MAX_CHALLENGES = 10_000

export interface CreateLinkInput {
  /** Chosen by the client (it is bound into the owner's box). */
  id: string
  /** base64url of at least 16 random bytes; only its SHA-256 is stored. */
  token: string
  epoch: number
  keyBox: Uint8Array
  ownerBox: Uint8Array
  expiresAt?: number
  deviceLimit?: number
  noDownload: boolean
  allowUpload: boolean
  uploadKey?: Uint8Array
  password?: { kdf: KdfParamsJson, authPublicKey: Uint8Array }
}

/** What a holder of the token learns before opening a session. */
export interface LinkDescription {
  id: string
  collection: string
  ownerKey: string
  /**
   * The owner's username on this node, for the page's "shared by": only in a session (after the
   * password, for a password link), as an album's members see it.
   */
  ownerName?: string
  expiresAt?: number
  noDownload: boolean
  allowUpload: boolean
  /** Argon2id parameters when the link needs a password. */
  password?: KdfParamsJson
}

export interface LinkSession {
  token: string
  expiresAt: number
  link: LinkDescription & { epoch: number, keyBox: string, uploadKey?: string }
}

const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex')
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

export class Links {
  private readonly db: NodeDatabase
  private readonly lock = new KeyedMutex()
  private readonly cache = new Map<string, LinkRecord>()
  private readonly challenges = new Map<string, { linkId: string, challenge: Uint8Array, expiresAt: number }>()
  private lastSessionSweep = 0
  /** The clock of expiry (links, their sessions and password challenges); tests move it. */
  private readonly now: () => number

  constructor (db: NodeDatabase, options: { now?: () => number } = {}) {
    this.db = db
    this.now = options.now ?? Date.now
  }

  async create (owner: UserRecord, collectionId: string, input: CreateLinkInput): Promise<LinkRecord> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) throw new NotFoundError(`No collection ${collectionId}`)
    if (collection.ownerId !== owner.id) throw new ForbiddenError('Only the owner of a collection can make links to it')
    if (collection.id === owner.rootCollection) throw new InvalidRequestError('Your root collection cannot be shared')
    if (Buffer.from(input.token, 'base64url').byteLength < 16) throw new InvalidRequestError('A link token needs at least 16 random bytes')
    if (input.allowUpload !== (input.uploadKey != null)) throw new InvalidRequestError('An upload key is required exactly when uploads are allowed')
    if (input.expiresAt != null && input.expiresAt <= this.now()) throw new InvalidRequestError('The expiry date is in the past')
    return this.lock.run(`link:${input.id}`, async () => {
      if (await this.db.publicLinks.get(input.id) != null) throw new InvalidRequestError('A link with this id exists')
      const tokenHash = sha256Hex(input.token)
      if (await this.db.linkTokens.get(tokenHash) != null) throw new InvalidRequestError('A link with this token exists')
      const record: LinkRecord = {
        id: input.id,
        collection: collectionId,
        ownerId: owner.id,
        createdAt: this.now(),
        ...(input.expiresAt != null ? { expiresAt: input.expiresAt } : {}),
        ...(input.deviceLimit != null ? { deviceLimit: input.deviceLimit } : {}),
        devices: [],
        noDownload: input.noDownload,
        allowUpload: input.allowUpload,
        ...(input.uploadKey != null ? { uploadKey: b64(input.uploadKey) } : {}),
        epoch: input.epoch,
        keyBox: b64(input.keyBox),
        ownerBox: b64(input.ownerBox),
        ...(input.password != null ? { password: { kdf: input.password.kdf, authPublicKey: b64(input.password.authPublicKey) } } : {})
      }
      await this.db.publicLinks.put(record.id, record)
      await this.db.linkTokens.put(tokenHash, record.id)
      return record
    })
  }

  /** The links of a collection, for its owner (revoked ones included, marked). */
  async list (owner: UserRecord, collectionId: string): Promise<LinkRecord[]> {
    const collection = await this.db.collections.get(collectionId)
    if (collection == null) throw new NotFoundError(`No collection ${collectionId}`)
    if (collection.ownerId !== owner.id) throw new ForbiddenError('Only the owner of a collection can list its links')
    const links: LinkRecord[] = []
    for await (const link of this.db.publicLinks.values()) if (link.collection === collectionId) links.push(link)
    return links.sort((a, b) => a.createdAt - b.createdAt)
  }

  /** Replaces the boxed collection key after a re-key. */
  async setKey (owner: UserRecord, linkId: string, input: { epoch: number, keyBox: Uint8Array }): Promise<LinkRecord> {
    return this.change(owner, linkId, (link) => ({ ...link, epoch: input.epoch, keyBox: b64(input.keyBox) }))
  }

  /** Revokes a link by id or by token; its sessions stop working with their next request. */
  async revoke (owner: UserRecord, ref: { id?: string, token?: string }): Promise<LinkRecord> {
    const id = ref.id ?? (ref.token != null ? await this.db.linkTokens.get(sha256Hex(ref.token)) : undefined)
    if (id == null) throw new NotFoundError('No such link')
    return this.change(owner, id, (link) => ({ ...link, revokedAt: link.revokedAt ?? this.now() }))
  }

  /** The link a token names, if it may still be used (404, or 410 LINK_EXPIRED / LINK_REVOKED). */
  async describe (token: string): Promise<LinkDescription> {
    return this.describeLink(await this.byToken(token))
  }

  /** A fresh single-use challenge for a password link. */
  async challenge (token: string): Promise<{ challengeId: string, challenge: Uint8Array }> {
    const link = await this.byToken(token)
    if (link.password == null) throw new InvalidRequestError('This link has no password')
    this.sweepChallenges()
    const challengeId = randomBytes(16).toString('hex')
    const challenge = new Uint8Array(randomBytes(32))
    this.challenges.set(challengeId, { linkId: link.id, challenge, expiresAt: this.now() + CHALLENGE_TTL_MS })
    return { challengeId, challenge }
  }

  /**
   * Opens a session on a link for one device: checks the password proof (single-use challenge)
   * and the device limit, then hands out the boxed key. LinkPasswordError (401) on a missing or
   * wrong proof, DeviceLimitError (403) for one device too many.
   */
  async openSession (token: string, input: { device: string, challengeId?: string, signature?: Uint8Array }): Promise<LinkSession> {
    const found = await this.byToken(token)
    if (found.password != null) {
      if (input.challengeId == null || input.signature == null) throw new LinkPasswordError()
      const entry = this.challenges.get(input.challengeId)
      this.challenges.delete(input.challengeId)
      if (entry == null || entry.linkId !== found.id || entry.expiresAt < this.now()) throw new LinkPasswordError('The password challenge expired: ask for a new one')
      const ok = await verifyDetached(Buffer.from(found.password.authPublicKey, 'base64'), LABELS.linkLogin, linkProofMessage(entry.challenge, found.id), input.signature)
      if (!ok) throw new LinkPasswordError('Wrong link password')
    }
    const device = sha256Hex(input.device)
    const link = await this.lock.run(`link:${found.id}`, async () => {
      const current = await this.load(found.id)
      if (current == null) throw new NotFoundError('No such link')
      if (current.devices.includes(device)) return current
      if (current.deviceLimit != null && current.devices.length >= current.deviceLimit) throw new DeviceLimitError()
      if (current.deviceLimit == null && current.devices.length >= UNLIMITED_DEVICES_KEPT) return current
      const next = { ...current, devices: [...current.devices, device] }
      await this.save(next)
      return next
    })
    await this.sweepSessions()
    const sessionToken = LINK_SESSION_PREFIX + randomBytes(32).toString('base64url')
    const expiresAt = Math.min(this.now() + SESSION_TTL_MS, link.expiresAt ?? Infinity)
    await this.db.linkSessions.put(sha256Hex(sessionToken), { linkId: link.id, device, expiresAt })
    return {
      token: sessionToken,
      expiresAt,
      link: { ...await this.describeLink(link, true), epoch: link.epoch, keyBox: link.keyBox, ...(link.uploadKey != null ? { uploadKey: link.uploadKey } : {}) }
    }
  }

  /** The link a session was opened on, as `openSession` describes it (a re-key changes its key). */
  async current (grant: CollectionGrant): Promise<LinkSession['link']> {
    const link = grant.linkId != null ? await this.load(grant.linkId) : undefined
    if (link == null) throw new UnauthenticatedError('Open a link first')
    checkUsable(link, this.now())
    return { ...await this.describeLink(link, true), epoch: link.epoch, keyBox: link.keyBox, ...(link.uploadKey != null ? { uploadKey: link.uploadKey } : {}) }
  }

  /** The grant a link session carries, checked against the link as it is now. */
  async resolveSession (sessionToken: string): Promise<CollectionGrant> {
    const session: LinkSessionRecord | undefined = await this.db.linkSessions.get(sha256Hex(sessionToken))
    if (session == null) throw new UnauthenticatedError('This link session is unknown: open the link again')
    const link = await this.load(session.linkId)
    if (link == null) throw new UnauthenticatedError('This link session is unknown: open the link again')
    checkUsable(link, this.now())
    if (session.expiresAt < this.now()) {
      await this.db.linkSessions.del(sha256Hex(sessionToken))
      throw new UnauthenticatedError('This link session expired: open the link again')
    }
    return {
      collection: link.collection,
      via: 'link',
      ownerId: link.ownerId,
      linkId: link.id,
      allowUpload: link.allowUpload,
      noDownload: link.noDownload,
      ...(link.uploadKey != null ? { uploadKey: link.uploadKey } : {})
    }
  }

  private async byToken (token: string): Promise<LinkRecord> {
    const id = await this.db.linkTokens.get(sha256Hex(token))
    const link = id == null ? undefined : await this.load(id)
    if (link == null) throw new NotFoundError('No such link')
    checkUsable(link, this.now())
    return link
  }

  private async change (owner: UserRecord, linkId: string, update: (link: LinkRecord) => LinkRecord): Promise<LinkRecord> {
    return this.lock.run(`link:${linkId}`, async () => {
      const link = await this.load(linkId)
      if (link == null) throw new NotFoundError('No such link')
      if (link.ownerId !== owner.id) throw new ForbiddenError('Only the owner of a link can change it')
      const next = update(link)
      await this.save(next)
      return next
    })
  }

  private async load (id: string): Promise<LinkRecord | undefined> {
    const cached = this.cache.get(id)
    if (cached != null) return cached
    const link = await this.db.publicLinks.get(id)
    if (link != null) this.cache.set(id, link)
    return link
  }

  private async save (link: LinkRecord): Promise<void> {
    await this.db.publicLinks.put(link.id, link)
    this.cache.set(link.id, link)
  }

  private async describeLink (link: LinkRecord, withOwner = false): Promise<LinkDescription> {
    const collection = await this.db.collections.get(link.collection)
    if (collection == null) throw new NotFoundError('No such link')
    const owner = withOwner ? await this.db.users.get(collection.ownerId) : undefined
    return {
      id: link.id,
      collection: link.collection,
      ownerKey: collection.ownerKey,
      ...(owner != null ? { ownerName: owner.username } : {}),
      ...(link.expiresAt != null ? { expiresAt: link.expiresAt } : {}),
      noDownload: link.noDownload,
      allowUpload: link.allowUpload,
      ...(link.password != null ? { password: link.password.kdf as KdfParamsJson } : {})
    }
  }

  /** Deletes expired link sessions, at most every ten minutes (anyone with a link can open sessions). */
  private async sweepSessions (): Promise<void> {
    const now = this.now()
    if (now - this.lastSessionSweep < SESSION_SWEEP_MS) return
    this.lastSessionSweep = now
    for await (const [key, session] of this.db.linkSessions.iterator()) {
      if (session.expiresAt < now) await this.db.linkSessions.del(key)
    }
  }

  /** Drops expired challenges; anyone holding a token can ask for them, so their number is capped. */
  private sweepChallenges (): void {
    const now = this.now()
    for (const [id, entry] of this.challenges) if (entry.expiresAt < now) this.challenges.delete(id)
    if (this.challenges.size >= MAX_CHALLENGES) this.challenges.clear()
  }
}

function checkUsable (link: LinkRecord, now: number): void {
  if (link.revokedAt != null) throw new LinkRevokedError()
  if (link.expiresAt != null && link.expiresAt <= now) throw new LinkExpiredError()
}
