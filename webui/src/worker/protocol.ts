/**
 * What the page and the crypto worker say to each other. The page never holds a key: it sends
 * requests (log in, upload these files, give me this thumbnail) and receives plain views of the
 * library (names, dates, flags) that it only displays. Every call is `{ id, method, args }`
 * answered by `{ id, result }` or `{ id, error }`; the worker also pushes events (library
 * changed, upload progress, login phase) that carry no id.
 */
import type { ItemKind } from '../../../src/format/record-ops.ts'
import type { ApiInvite } from '../../../src/client/api.ts'

/** One item as the page shows it; flags are true when any of the item's entries has them. */
export interface ItemView {
  id: string
  name: string
  mime: string
  kind: ItemKind
  size: number
  /** Capture time (or file time), ms since the epoch: orders the timeline. */
  takenAt: number
  /** The capture's UTC offset when the file said it: dates show and group in it (see display/text.ts). */
  takenOffsetMinutes?: number
  /** Width and height as shown, when the item's record says them: the timeline's aspect ratio. */
  width?: number
  height?: number
  addedAt: number
  favorite: boolean
  archived: boolean
  /** Set on items in the trash. */
  trashedAt?: number
  /**
   * Who added the item, when no copy of it in the user's own collections was added by the user:
   * a member's username, the owner's, "a public link", or "a former member". Such items stay out
   * of the timeline ([Note: whose photos are in whose timeline] in worker/views.ts).
   */
  addedBy?: string
}

export interface CollectionView {
  id: string
  kind: 'album' | 'folder'
  name: string
  parent: string | null
  /** Non-trashed items, newest first. */
  itemIds: string[]
}

export interface UserView {
  username: string
  admin: boolean
  quotaBytes: number
  usedBytes: number
}

/** An album or folder another user shares with this account. */
export interface SharedView {
  id: string
  kind: 'album' | 'folder'
  name: string
  /** Username of the owner. */
  owner: string
  /** A viewer looks; a collaborator may also add photos. */
  role: 'viewer' | 'collaborator'
  /** Non-trashed items, newest first (their views are in `items` or `sharedItems`). */
  itemIds: string[]
}

/** A member of an album, as its owner sees it. */
export interface MemberView {
  username: string
  role: 'viewer' | 'collaborator'
  /** Whether the owner's log confirms what the node reports. */
  confirmed: boolean
}

/** A public link of an album, as its owner sees it. */
export interface LinkView {
  id: string
  /** The whole URL, key in the fragment: what the owner hands out. */
  url: string
  token: string
  createdAt: number
  expiresAt: number | null
  revokedAt: number | null
  deviceLimit: number | null
  /** Distinct devices that opened it so far. */
  devices: number
  noDownload: boolean
  allowUpload: boolean
  /** Whether it asks for a password. */
  password: boolean
}

/** What the owner chooses when making a link (see LinkOptions in src/client/links.ts). */
export interface NewLink {
  expiresAt?: number
  password?: string
  deviceLimit?: number
  noDownload?: boolean
  allowUpload?: boolean
}

export interface LibraryView {
  user: UserView
  /** The root collection: items uploaded outside any album or folder live here. */
  root: string
  collections: CollectionView[]
  /** Albums and folders shared with this account by others. */
  shared: SharedView[]
  /** Every item of the user's own library once, trashed ones included (with `trashedAt`), newest capture first. */
  items: ItemView[]
  /**
   * Items seen only in albums others share with this account, newest capture first. Kept apart
   * from `items` so that the timeline, favorites, archive, trash and map never show them. Their
   * `favorite` and `archived` are always false: those are the owner's marks, not this account's.
   */
  sharedItems: ItemView[]
}

/** What the viewer and the map need from a manifest (decrypted in the worker). */
export interface ItemDetails {
  id: string
  name: string
  mime: string
  kind: ItemKind
  size: number
  takenAt: number
  width?: number
  height?: number
  durationMs?: number
  gps?: { lat: number, lon: number, alt?: number }
  camera?: { make?: string, model?: string, lens?: string }
  exposure?: { fNumber?: number, exposureTime?: number, iso?: number, focalLength?: number }
  parts: Array<'original' | 'motion' | 'thumbnail' | 'preview'>
}

export interface UploadFileStatus {
  key: number
  name: string
  size: number
  bytes: number
  state: 'queued' | 'checking' | 'uploading' | 'done' | 'duplicate' | 'refused' | 'failed' | 'cancelled'
  /** Why it failed or was refused, as a sentence ("the file is empty (0 bytes)"). */
  error?: string
  /** What the media step could not do (no thumbnail for this format, …). */
  note?: string
}

export interface UploadProgress {
  files: UploadFileStatus[]
  totalBytes: number
  doneBytes: number
  /** Bytes per second over the last few seconds. */
  speed: number
  running: boolean
  error?: { code: string, message: string }
  /** Why direct S3 transfers fell back to the node's gateway in this session, when they did (src/client/blocks.ts, fallbackNote). */
  transferNote?: string
}

/** Where an upload goes: a collection (album or folder), and whether sub-folders follow the files' paths. */
export interface UploadTarget {
  collection?: string
  foldersFromPaths: boolean
}

export interface UploadFile { file: File, path: string }

export type SessionPhase = 'deriving' | 'proving' | 'unlocking' | 'creating' | 'recovering' | 'syncing'

/** A saved session: what `serialiseAccount` gives, kept by the page in sessionStorage. */
export type SavedSession = Record<string, unknown>

/** An album opened through a public link, as the link page shows it. */
export interface LinkAlbumView {
  name: string
  /** Non-trashed items, newest capture first. */
  items: ItemView[]
  /** The owner asked that only previews be shown: no originals, no download button. */
  noDownload: boolean
  allowUpload: boolean
  expiresAt?: number
  /** The username of who shared it, as the node says. */
  sharedBy?: string
}

/** A zip being saved (worker/zip.ts): how far it got. */
export interface ZipProgress {
  /** The job, as in the `/_zip/<id>` URL the Service Worker streams. */
  id: string
  /** The zip's file name. */
  name: string
  items: number
  doneItems: number
  /** Bytes of originals written into the zip so far. */
  bytes: number
  state: 'running' | 'done' | 'failed' | 'cancelled'
  error?: string
}

export interface WorkerMethods {
  signup: (node: string, username: string, password: string, invite?: string) => Promise<{ saved: SavedSession, recoveryKey: string }>
  login: (node: string, username: string, password: string) => Promise<{ saved: SavedSession }>
  /** Sets a new password with the recovery key, then logs in (src/client/session.ts `recoverAccount`). */
  recover: (node: string, username: string, recoveryKey: string, newPassword: string) => Promise<{ saved: SavedSession }>
  resume: (saved: SavedSession) => Promise<void>
  logout: () => Promise<void>
  changePassword: (current: string, next: string) => Promise<{ saved: SavedSession }>
  refresh: () => Promise<void>
  /** Thumbnails, details, parts and ranges answer for an item of the open public link too (worker/public-link.ts). */
  thumbnail: (itemId: string) => Promise<Blob | null>
  cancel: (callId: number) => Promise<void>
  details: (itemId: string) => Promise<ItemDetails>
  partBlob: (itemId: string, part: 'original' | 'preview' | 'motion') => Promise<Blob>
  /** Queues files; a target shared with this account takes them only when its role is collaborator. */
  upload: (files: UploadFile[], target: UploadTarget) => Promise<void>
  cancelUpload: (key?: number) => Promise<void>
  pendingUploads: () => Promise<Array<{ name: string, size: number }>>
  forgetPendingUploads: () => Promise<void>
  createCollection: (kind: 'album' | 'folder', name: string, parent: string | null) => Promise<string>
  renameCollection: (id: string, name: string) => Promise<void>
  deleteCollection: (id: string) => Promise<void>
  addToAlbum: (itemIds: string[], albumId: string) => Promise<number>
  /**
   * Makes items the user's own ([Note: whose photos are in whose timeline]): items in the user's
   * collections that someone else added are added to the user's library; items of albums shared
   * with the user are copied into it (decrypted here, uploaded again under the user's keys).
   */
  saveToLibrary: (itemIds: string[]) => Promise<{ saved: number, copying: number }>
  removeFromCollection: (itemIds: string[], collectionId: string) => Promise<void>
  moveToFolder: (itemIds: string[], from: string, to: string) => Promise<void>
  renameItem: (itemId: string, name: string) => Promise<void>
  setFlag: (itemIds: string[], flag: 'favorite' | 'archived', value: boolean) => Promise<void>
  trashItems: (itemIds: string[]) => Promise<void>
  restoreItems: (itemIds: string[]) => Promise<void>
  deleteForever: (itemIds: string[]) => Promise<void>
  createInvite: () => Promise<{ code: string, expiresAt: number }>
  invites: () => Promise<ApiInvite[]>
  revokeInvite: (id: string) => Promise<void>
  /** Opens a public link URL (its key is in the fragment); LINK_PASSWORD when a password is needed or wrong. */
  openLink: (url: string, password: string | undefined, device: string) => Promise<LinkAlbumView>
  /** Adds files through an allow-upload link; answers the album as it is now. */
  linkUpload: (files: File[]) => Promise<LinkAlbumView>
  /** Starts a zip of items of the library (or, with `link`, of the open public link's album); answers its job id. */
  zipStart: (itemIds: string[], name: string, from: 'library' | 'link') => Promise<string>
  /** Stops a zip being saved (every one without an id). */
  zipCancel: (id?: string) => Promise<void>
  /** The whole zip as a Blob, for a page without the Service Worker (held in memory). */
  zipBlob: (id: string) => Promise<Blob>
  members: (collectionId: string) => Promise<MemberView[]>
  /** Shares an album with a user of this node, or changes their role; answers the members. */
  share: (collectionId: string, username: string, role: 'viewer' | 'collaborator') => Promise<MemberView[]>
  unshare: (collectionId: string, username: string) => Promise<MemberView[]>
  /** Leaves an album shared with this account. */
  leave: (collectionId: string) => Promise<void>
  links: (collectionId: string) => Promise<LinkView[]>
  /** Makes a public link of an album; answers its links. */
  createLink: (collectionId: string, options: NewLink) => Promise<LinkView[]>
  revokeLink: (collectionId: string, token: string) => Promise<LinkView[]>
  gpsPoints: () => Promise<Array<{ id: string, lat: number, lon: number }>>
}

export type MethodName = keyof WorkerMethods

export interface CallMessage { id: number, method: MethodName, args: unknown[] }
export type ReplyMessage =
  | { id: number, result: unknown }
  | { id: number, error: { code: string, message: string } }

export type EventMessage =
  | { event: 'library', view: LibraryView }
  | { event: 'upload', progress: UploadProgress }
  | { event: 'phase', phase: SessionPhase }
  | { event: 'session-ended', reason: string }
  /** Direct S3 reads fell back to the node's gateway (fallbackNote's line); sent once per session. */
  | { event: 'transfer-note', note: string }
  /** The worker asks the page for a video's poster frame (workers have no <video>); see PosterReply. */
  | { event: 'poster', requestId: number, file: File }
  /** A zip being saved moved on, finished, failed or was cancelled. */
  | { event: 'zip', progress: ZipProgress }

export interface PosterReply { posterReply: number, blob?: Blob }

/** A Service Worker's request for plaintext bytes, relayed by the page with a reply port. */
export interface RangeRequest {
  itemId: string
  part: 'original' | 'motion' | 'preview'
  start: number
  /** Exclusive; clamped to the part's size. */
  end: number
}
/** A Service Worker's pull of the next piece of a zip (or, with `cancel`, its end), relayed like a range. */
export interface ZipPull { id: string, cancel?: boolean }
export interface ZipPiece { bytes: ArrayBuffer, done: boolean }
export interface RangeReply { size: number, mime: string, name: string, start: number, bytes: ArrayBuffer }
