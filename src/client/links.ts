/**
 * Public links, from the owner's side (create, list, revoke) and from a viewer's, who needs no
 * account (open a URL, with its password if it has one, then read the album through the
 * ordinary sync and download code). See src/crypto/link-keys.ts for the keys and
 * docs/SECURITY.md, "Public links", for what the node can and cannot do with them.
 *
 * A link that lets its holders upload is also a member of the album: the owner's log admits
 * the link's derived Ed25519 key as a collaborator, so readers accept its records like any
 * collaborator's, and revoking the link revokes that member and re-keys the album.
 */
import { randomBytes } from '../crypto/random.ts'
import { bytesEqual, toHex } from '../crypto/bytes.ts'
import {
  deriveLinkKeys, deriveLinkPasswordKeys, LINK_SECRET_LENGTH, LINK_TOKEN_LENGTH, linkProofMessage, unwrapLinkOwnerSecrets, wrapLinkOwnerSecrets, type LinkKeys
} from '../crypto/link-keys.ts'
import { defaultKdfParams } from '../crypto/password.ts'
import { signDetached } from '../crypto/sign.ts'
import { LABELS } from '../crypto/labels.ts'
import { sealCollectionKey, unwrapLinkCollectionKey, wrapLinkCollectionKey } from '../crypto/wrap.ts'
import { newId } from '../format/ids.ts'
import { NodeApi } from './api.ts'
import { commitOps, emptyCollection, syncCollection, type CollectionState, type CommitOptions } from './collection.ts'
import { fromBase64, toBase64 } from './encoding.ts'
import { InvalidLinkError, LinkPasswordRequiredError, NotFoundInLibraryError } from './errors.ts'
import { reconcileMembers, rekeyCollection } from './sharing.ts'
import { sharingApi, type ApiOwnedLink } from './sharing-api.ts'
import { uploadFiles, type UploadLibrary, type UploadOptions, type UploadResult, type UploadSource } from './upload.ts'
import type { ItemRef, Library } from './library.ts'
import type { RecordOp } from '../format/record-ops.ts'

export { InvalidLinkError, LinkPasswordRequiredError }

export interface LinkOptions {
  /** ms since the epoch after which the link stops working. */
  expiresAt?: number
  /** A password the viewer must also know (Argon2id on both sides; never sent to the node). */
  password?: string
  /** Distinct devices that may open the link. */
  deviceLimit?: number
  /** Viewers see thumbnails and previews only (enforced by clients: see docs/SECURITY.md). */
  noDownload?: boolean
  /** Viewers may add photos, stored under the owner's quota. */
  allowUpload?: boolean
}

export interface OwnedLink extends ApiOwnedLink {
  /** The full URL again, rebuilt from the owner's box. */
  url: string
  token: string
}

/**
 * A link as its owner lists it: its URL rebuilt from the owner's box or, when that box does not
 * open (made by another client version, or damaged), why not. Such a link still works for its
 * holders; the owner can revoke it by its id (`revokeLink`).
 */
export type ListedLink = ApiOwnedLink & ({ url: string, token: string, unreadable?: undefined } | { url?: undefined, token?: undefined, unreadable: string })

const base64url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const fromBase64url = (text: string): Uint8Array => fromBase64(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4))

function linkUrl (node: string, token: Uint8Array, secret: Uint8Array): string {
  return `${node}/s/${base64url(token)}#${base64url(secret)}`
}

/** Splits a link URL into the node's base URL, the token and the secret. InvalidLinkError otherwise. */
export function parseLinkUrl (url: string): { node: string, token: string, secret: Uint8Array } {
  const match = /^(https?:\/\/[^#?]+?)\/s\/([A-Za-z0-9_-]{22,64})\/?(?:\?[^#]*)?#([A-Za-z0-9_-]{43})$/.exec(url.trim())
  if (match == null) throw new InvalidLinkError()
  const secret = fromBase64url(match[3] as string)
  if (secret.length !== LINK_SECRET_LENGTH) throw new InvalidLinkError('the key in this link is damaged')
  return { node: match[1] as string, token: match[2] as string, secret }
}

/** The token of a link given as its URL or as the bare token. */
export function linkToken (urlOrToken: string): string {
  const text = urlOrToken.trim()
  if (/^[A-Za-z0-9_-]{22,64}$/.test(text)) return text
  const match = /\/s\/([A-Za-z0-9_-]{22,64})(?:[/?#]|$)/.exec(text)
  if (match == null) throw new InvalidLinkError('expected a link URL or its token')
  return match[1] as string
}

function assertOwner (library: Library, collection: CollectionState): void {
  if (collection.id === library.root.id || !library.collections.has(collection.id)) throw new NotFoundInLibraryError('only the owner of an album can make links to it')
}

/**
 * Creates a public link to `collection` and returns its URL. For `allowUpload`, the link's key
 * is first admitted as a collaborator in the album's log (see [Note: order of log and node] in
 * sharing.ts).
 */
export async function createLink (library: Library, collection: CollectionState, options: LinkOptions = {}): Promise<OwnedLink> {
  assertOwner(library, collection)
  await reconcileMembers(library, collection)
  const { api, keys } = library.account
  const id = newId()
  const token = randomBytes(LINK_TOKEN_LENGTH)
  const secret = randomBytes(LINK_SECRET_LENGTH)
  let password: { kdf: ReturnType<typeof defaultKdfParams>, authPublicKey: Uint8Array, part: Uint8Array } | undefined
  if (options.password != null) {
    const kdf = defaultKdfParams()
    const derived = await deriveLinkPasswordKeys(options.password, kdf)
    password = { kdf, authPublicKey: derived.authKey.publicKey, part: derived.part }
  }
  const linkKeys = await deriveLinkKeys(secret, password?.part)
  if (options.allowUpload === true) {
    await library.commit(collection, [{
      op: 'member',
      member: linkKeys.signing.publicKey,
      boxPublicKey: linkKeys.box.publicKey,
      role: 'collaborator',
      collectionKey: sealCollectionKey(linkKeys.box.publicKey, collection.key),
      label: `link:${id}`
    }])
  }
  const created = await sharingApi.createLink(api, collection.id, {
    id,
    token: base64url(token),
    epoch: collection.epoch,
    keyBox: wrapLinkCollectionKey(linkKeys.wrapKey, collection.id, collection.epoch, collection.key),
    ownerBox: wrapLinkOwnerSecrets(keys.masterKey, collection.id, id, { token, secret, wrapKey: linkKeys.wrapKey }),
    ...(options.expiresAt != null ? { expiresAt: options.expiresAt } : {}),
    ...(options.deviceLimit != null ? { deviceLimit: options.deviceLimit } : {}),
    noDownload: options.noDownload === true,
    allowUpload: options.allowUpload === true,
    ...(options.allowUpload === true ? { uploadKey: linkKeys.signing.publicKey } : {}),
    ...(password != null ? { password: { kdf: { ...password.kdf, salt: toBase64(password.kdf.salt) }, authPublicKey: password.authPublicKey } } : {})
  })
  return { ...created, url: linkUrl(api.url, token, secret), token: base64url(token) }
}

/**
 * The links of `collection`, each with its URL rebuilt from the owner's box; a link whose box
 * does not open is listed with the reason instead of failing the whole list.
 */
export async function listLinks (library: Library, collection: CollectionState): Promise<ListedLink[]> {
  assertOwner(library, collection)
  const { api, keys } = library.account
  return (await sharingApi.links(api, collection.id)).map((link): ListedLink => {
    let secrets
    try {
      secrets = unwrapLinkOwnerSecrets(keys.masterKey, collection.id, link.id, fromBase64(link.ownerBox))
    } catch (err) {
      return { ...link, unreadable: (err as Error).message }
    }
    return { ...link, url: linkUrl(api.url, secrets.token, secrets.secret), token: base64url(secrets.token) }
  })
}

/**
 * Revokes a link given as its URL or token, or as its collection and id (a link whose URL the
 * owner's box no longer yields, as RekeyIncompleteError lists them): its holders are refused
 * from their next request (410 LINK_REVOKED), the link's upload key (if any) is revoked in the
 * log, and the album is re-keyed, so nothing added later opens with the key the link handed out.
 */
export async function revokeLink (library: Library, link: string | { collection: string, id: string }): Promise<ApiOwnedLink> {
  const revoked = await sharingApi.revokeLink(library.account.api, typeof link === 'string' ? { token: linkToken(link) } : link)
  const collection = library.collections.get(revoked.collection)
  if (collection == null) return revoked
  const uploadKey = revoked.uploadKey != null ? fromBase64(revoked.uploadKey) : undefined
  await rekeyCollection(library, collection, { remove: uploadKey != null ? [uploadKey] : [] })
  return revoked
}

/** An album opened through a public link, with no account. */
export interface OpenedLink {
  /** The API with the link's session: reads the album (and adds to it, if allowed). */
  api: NodeApi
  collection: CollectionState
  linkId: string
  /** The owner's username as the node names it (not signed: the page shows it as the node's word). */
  ownerName?: string
  expiresAt?: number
  /** The owner asked clients to show thumbnails and previews only. */
  noDownload: boolean
  allowUpload: boolean
  /** Keys derived from the URL (and password): sign uploads, tag their content. */
  keys: LinkKeys
}

export interface OpenLinkOptions {
  password?: string
  /**
   * A stable id of this device (the web UI keeps one in local storage, the CLI in
   * $OBSCURA_HOME): links with a device limit count distinct ids. Random when absent.
   */
  device?: string
  signal?: AbortSignal
}

/**
 * Opens a link URL: asks the node about it (410 for an expired or revoked link), proves the
 * password when it has one, opens a session for this device, unwraps the album key and syncs
 * the album. LinkPasswordRequiredError when a password is needed and none was given; ApiError
 * LINK_PASSWORD (401) for a wrong one.
 */
export async function openLink (url: string, options: OpenLinkOptions = {}): Promise<OpenedLink> {
  const { node, token, secret } = parseLinkUrl(url)
  const api = new NodeApi(node)
  const described = await sharingApi.describeLink(api, token, options)
  let passwordPart: Uint8Array | undefined
  let proof: { challengeId: string, signature: Uint8Array } | undefined
  if (described.password != null) {
    if (options.password == null || options.password === '') throw new LinkPasswordRequiredError()
    const derived = await deriveLinkPasswordKeys(options.password, { ...described.password, salt: fromBase64(described.password.salt) })
    const { challengeId, challenge } = await sharingApi.linkChallenge(api, token, options)
    proof = { challengeId, signature: await signDetached(derived.authKey, LABELS.linkLogin, linkProofMessage(fromBase64(challenge), described.id)) }
    passwordPart = derived.part
  }
  const session = await sharingApi.openLinkSession(api, token, { device: options.device ?? toHex(randomBytes(16)), ...proof }, options)
  api.token = session.token
  const keys = await deriveLinkKeys(secret, passwordPart)
  const { link } = session
  const key = unwrapLinkCollectionKey(keys.wrapKey, link.collection, link.epoch, fromBase64(link.keyBox))
  const collection = emptyCollection(link.collection, key, fromBase64(link.ownerKey), link.epoch)
  const opened: OpenedLink = {
    api, collection, linkId: link.id, noDownload: link.noDownload, allowUpload: link.allowUpload, keys,
    ...(link.expiresAt != null ? { expiresAt: link.expiresAt } : {}),
    ...(link.ownerName != null ? { ownerName: link.ownerName } : {})
  }
  await syncLink(opened, options.signal)
  return opened
}

/** Where a link finds the key of a newer epoch: the node's box for the link, as it is now. */
function linkKeyFor (link: OpenedLink): (epoch: number) => Promise<Uint8Array | undefined> {
  return async (epoch) => {
    const current = await sharingApi.currentLink(link.api)
    if (current.epoch !== epoch) return undefined
    return unwrapLinkCollectionKey(link.keys.wrapKey, current.collection, epoch, fromBase64(current.keyBox))
  }
}

/** Catches up the album of an opened link. */
export async function syncLink (link: OpenedLink, signal?: AbortSignal): Promise<void> {
  await syncCollection(link.api, link.collection, { signal, keyFor: linkKeyFor(link) })
}

/**
 * The link as an upload destination: its album is the only collection, items count as
 * duplicates only among those this link added, and commits are signed with the link's upload
 * key (the node charges the owner). A link holder may change only what the link added.
 */
export function linkUploader (link: OpenedLink): UploadLibrary {
  const mine = (): ItemRef[] => [...link.collection.items.values()]
    .filter((item) => bytesEqual(item.author, link.keys.signing.publicKey))
    .map((item) => ({ collection: link.collection, item }))
  // Upload journals box file keys under this key; a link's journal lives as long as its session.
  const journalKey = randomBytes(32)
  return {
    account: { api: link.api, keys: { dedupKey: link.keys.dedupKey, masterKey: journalKey } },
    root: link.collection,
    items: () => mine(),
    contentTagIndex: () => new Map(mine().map((ref) => [toHex(ref.item.contentTag), ref])),
    commit: async (state: CollectionState, ops: RecordOp[], options: Pick<CommitOptions, 'links' | 'unlinks' | 'rekey'> = {}) => {
      await commitOps(link.api, state, link.keys.signing, ops, { ...options, keyFor: linkKeyFor(link) })
    }
  }
}

/** Uploads files into the album of a link whose owner allows it. */
export async function uploadToLink (link: OpenedLink, sources: UploadSource[], options: Omit<UploadOptions, 'targets'> = {}): Promise<UploadResult> {
  if (!link.allowUpload) throw new InvalidLinkError('the owner of this link does not accept uploads through it')
  return await uploadFiles(linkUploader(link), sources, { ...options, targets: [link.collection] })
}
