/**
 * The crypto worker: the only place in the web UI that holds keys. It runs Argon2id, signs,
 * syncs, encrypts uploads, decrypts thumbnails and media, and answers the page's calls (see
 * protocol.ts). Range requests from the Service Worker arrive with a MessagePort and are answered
 * on it directly, so video bytes never pass through the page's main thread.
 */
import { WorkerSession } from './session.ts'
import { Thumbnails } from './thumbnails.ts'
import { Uploads } from './uploads.ts'
import { Organiser } from './organise.ts'
import { Media } from './media.ts'
import { PublicLink } from './public-link.ts'
import { leave, links, makeLink, members, revoke, share, unshare } from './sharing.ts'
import { describeError } from './errors.ts'
import { answerPoster } from './posters.ts'
import { sendBytesAsBlobs } from './fetch-blobs.ts'
import { ZipJobs, filesOf } from './zip.ts'
import type { CallMessage, EventMessage, PosterReply, RangeRequest, WorkerMethods, ZipPull } from './protocol.ts'

interface WorkerScope {
  postMessage: (message: unknown, transfer?: Transferable[]) => void
  addEventListener: (type: 'message', listener: (event: MessageEvent) => void) => void
}
const scope = self as unknown as WorkerScope
sendBytesAsBlobs()
const post = (message: EventMessage): void => { scope.postMessage(message) }

interface Logged { session: WorkerSession, thumbnails: Thumbnails, uploads: Uploads, organiser: Organiser, media: Media }
let current: Logged | undefined
const calls = new Map<number, AbortController>()
let publicLink: PublicLink | undefined
const zips = new ZipJobs((progress) => { post({ event: 'zip', progress }) })

function opened (): PublicLink {
  if (publicLink == null) throw Object.assign(new Error('no link is open'), { code: 'INVALID_LINK' })
  return publicLink
}

/**
 * The open public link, when `itemId` is one of its album's items. The link page uses the app's
 * grid and viewer, which ask for thumbnails, details, parts and ranges by item id: those of a
 * link's items answer from the link, even in a tab where someone is also logged in.
 */
function linked (itemId: string): PublicLink | undefined {
  return publicLink?.has(itemId) === true ? publicLink : undefined
}

function start (session: WorkerSession): void {
  current = { session, thumbnails: new Thumbnails(session), uploads: new Uploads(session, post), organiser: new Organiser(session), media: new Media(session, post) }
}

function logged (): Logged {
  if (current == null) throw Object.assign(new Error('not logged in'), { code: 'UNAUTHENTICATED' })
  return current
}

type Handlers = { [K in keyof WorkerMethods]: (signal: AbortSignal, ...args: Parameters<WorkerMethods[K]>) => ReturnType<WorkerMethods[K]> }

const handlers: Handlers = {
  async signup (_signal, node, username, password, invite) {
    const { session, recoveryKey } = await WorkerSession.signup(node, username, password, invite, post)
    start(session)
    return { saved: session.saved(), recoveryKey }
  },
  async login (_signal, node, username, password) {
    const session = await WorkerSession.login(node, username, password, post)
    start(session)
    return { saved: session.saved() }
  },
  async recover (_signal, node, username, recoveryKey, newPassword) {
    const session = await WorkerSession.recover(node, username, recoveryKey, newPassword, post)
    start(session)
    return { saved: session.saved() }
  },
  async resume (_signal, saved) { start(await WorkerSession.resume(saved, post)) },
  async logout () {
    const ending = current
    current = undefined
    ending?.uploads.cancel()
    zips.cancel()
    await ending?.session.logout()
  },
  async changePassword (_signal, currentPassword, next) {
    const { changePassword } = await import('../../../src/client/session.ts')
    await changePassword(logged().session.account, currentPassword, next)
    return { saved: logged().session.saved() }
  },
  async refresh () { await logged().session.refresh() },
  async thumbnail (signal, itemId) { return linked(itemId) != null ? await opened().thumbnail(itemId, signal) : await logged().thumbnails.get(itemId, signal) },
  async cancel (_signal, callId) { calls.get(callId)?.abort(new DOMException('cancelled', 'AbortError')) },
  async details (_signal, itemId) { return await (linked(itemId)?.details(itemId) ?? logged().media.details(itemId)) },
  async partBlob (signal, itemId, part) { return await (linked(itemId)?.partBlob(itemId, part, signal) ?? logged().media.partBlob(itemId, part, signal)) },
  async upload (_signal, files, target) { logged().uploads.enqueue(files, target) },
  async cancelUpload (_signal, key) { logged().uploads.cancel(key) },
  async pendingUploads () { return await logged().session.cache.getJson('pending', 'uploads') ?? [] },
  async forgetPendingUploads () { await logged().session.cache.putJson('pending', 'uploads', []) },
  async createCollection (_signal, kind, name, parent) { return await logged().organiser.createCollection(kind, name, parent) },
  async renameCollection (_signal, id, name) { await logged().organiser.renameCollection(id, name) },
  async deleteCollection (_signal, id) { await logged().organiser.deleteCollection(id) },
  async addToAlbum (_signal, ids, album) { return await logged().organiser.addToAlbum(ids, album) },
  async saveToLibrary (signal, ids) {
    const { session, organiser, uploads, media } = logged()
    const own = ids.filter((id) => session.isOwn(id))
    const saved = own.length > 0 ? await organiser.addToAlbum(own, session.library.root.id) : 0
    // Someone else's blocks cannot become this user's (docs/SECURITY.md, "Writes"): a copy is uploaded.
    const files: Array<{ file: File, path: string }> = []
    for (const id of ids.filter((i) => !session.isOwn(i) && session.canOpen(i))) {
      const details = await media.details(id)
      const original = await media.partBlob(id, 'original', signal)
      files.push({ file: new File([original], details.name, { type: details.mime, lastModified: details.takenAt }), path: details.name })
      if (details.kind === 'live' && details.parts.includes('motion')) {
        const motion = await media.partBlob(id, 'motion', signal)
        const name = `${details.name.replace(/\.[^.]*$/, '')}.MOV`
        files.push({ file: new File([motion], name, { type: motion.type, lastModified: details.takenAt }), path: name })
      }
    }
    if (files.length > 0) uploads.enqueue(files, { foldersFromPaths: false })
    return { saved, copying: files.length }
  },
  async removeFromCollection (_signal, ids, id) { await logged().organiser.removeFromCollection(ids, id) },
  async moveToFolder (_signal, ids, from, to) { await logged().organiser.moveToFolder(ids, from, to) },
  async renameItem (_signal, id, name) { await logged().organiser.renameItem(id, name) },
  async setFlag (_signal, ids, flag, value) { await logged().organiser.setFlag(ids, flag, value) },
  async trashItems (_signal, ids) { await logged().organiser.trash(ids) },
  async restoreItems (_signal, ids) { await logged().organiser.restore(ids) },
  async deleteForever (_signal, ids) { await logged().organiser.deleteForever(ids) },
  async createInvite () { return await logged().session.account.api.createInvite() },
  async invites () { return await logged().session.account.api.listInvites() },
  async revokeInvite (_signal, id) { await logged().session.account.api.revokeInvite(id) },
  async openLink (_signal, url, password, device) {
    publicLink = await PublicLink.open(url, password, device)
    return publicLink.view()
  },
  async linkUpload (signal, files) { return await opened().upload(files, signal) },
  async zipStart (_signal, itemIds, name, from) {
    if (from === 'link') {
      const link = opened()
      return zips.start(name, itemIds, async (id) => await link.files(id))
    }
    const { session } = logged()
    return zips.start(name, itemIds, async (id) => filesOf(session.account.api, await session.open(id)))
  },
  async zipCancel (_signal, id) { zips.cancel(id) },
  async zipBlob (_signal, id) { return await zips.blob(id) },
  async members (_signal, id) { return await members(logged().session, id) },
  async share (_signal, id, username, role) { return await share(logged().session, id, username, role) },
  async unshare (_signal, id, username) { return await unshare(logged().session, id, username) },
  async leave (_signal, id) { await leave(logged().session, id) },
  async links (_signal, id) { return await links(logged().session, id) },
  async createLink (_signal, id, options) { return await makeLink(logged().session, id, options) },
  async revokeLink (_signal, id, token) { return await revoke(logged().session, id, token) },
  async gpsPoints (signal) {
    const { session, media } = logged()
    const ids = session.library.items().filter((r) => r.item.kind !== 'other').map((r) => r.item.id)
    return await media.gpsPoints(ids, signal)
  }
}

async function answerRange (request: RangeRequest, port: MessagePort): Promise<void> {
  try {
    const reply = await (linked(request.itemId)?.range(request) ?? logged().media.range(request))
    port.postMessage({ ok: true, ...reply }, [reply.bytes])
  } catch (err) {
    port.postMessage({ ok: false, error: describeError(err) })
  }
}

/** Answers a Service Worker's pull of a zip's next piece (see zip.ts) on `port`. */
async function answerZip (pull: ZipPull, port: MessagePort): Promise<void> {
  try {
    const job = zips.get(pull.id)
    if (pull.cancel === true) {
      job.cancel()
      port.postMessage({ ok: true, bytes: new ArrayBuffer(0), done: true })
      return
    }
    const { bytes, done } = await job.pull()
    const buffer = bytes.buffer as ArrayBuffer
    port.postMessage({ ok: true, bytes: buffer, done }, [buffer])
  } catch (err) {
    port.postMessage({ ok: false, error: describeError(err) })
  }
}

scope.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as CallMessage | { range: RangeRequest } | { zip: ZipPull } | PosterReply
  if ('zip' in data) {
    const port = event.ports[0]
    if (port != null) void answerZip(data.zip, port)
    return
  }
  if ('posterReply' in data) {
    answerPoster(data)
    return
  }
  if ('range' in data) {
    const port = event.ports[0]
    if (port != null) void answerRange(data.range, port)
    return
  }
  const controller = new AbortController()
  calls.set(data.id, controller)
  const handler = handlers[data.method] as (signal: AbortSignal, ...args: unknown[]) => Promise<unknown>
  handler(controller.signal, ...data.args).then(
    (result) => { scope.postMessage({ id: data.id, result }) },
    (err: unknown) => {
      const error = describeError(err)
      if (error.code === 'UNAUTHENTICATED' && current != null) post({ event: 'session-ended', reason: error.message })
      scope.postMessage({ id: data.id, error })
    }
  ).finally(() => { calls.delete(data.id) })
})
