/**
 * An album opened through a public link, for a viewer with no account. The key comes from the
 * URL fragment (the page hands the whole URL to the worker; browsers never send a fragment), the
 * password, if any, is stretched here, and the page receives only a plain list of the items.
 * Thumbnails and photos are decrypted here like a logged-in library's; originals are refused
 * when the owner made the link no-download, and a HEIC is shown by its preview (browsers cannot
 * decode it) while its original stays downloadable. A link that allows it takes new photos too.
 */
import { openLink, syncLink, uploadToLink, type OpenedLink } from '../../../src/client/links.ts'
import { openItem, readPart, type OpenedItem } from '../../../src/client/download.ts'
import { LinkNoDownloadError, NotFoundInLibraryError } from '../../../src/client/errors.ts'
import { basicDetails, partBlobOf, partType, rangeOf, viewerParts } from './media.ts'
import { collect, downscale } from './thumbnails.ts'
import { sourceOf } from './uploads.ts'
import { filesOf, type ZipFile } from './zip.ts'
import type { ItemDetails, ItemView, LinkAlbumView, RangeReply, RangeRequest } from './protocol.ts'

export class PublicLink {
  private readonly link: OpenedLink
  private readonly opened = new Map<string, Promise<OpenedItem>>()

  private constructor (link: OpenedLink) {
    this.link = link
  }

  static async open (url: string, password: string | undefined, device: string): Promise<PublicLink> {
    return new PublicLink(await openLink(url, { password, device }))
  }

  view (): LinkAlbumView {
    const items: ItemView[] = [...this.link.collection.items.values()]
      .filter((item) => item.trashedAt == null)
      .map((item) => ({
        id: item.id, name: item.name, mime: item.mime, kind: item.kind, size: item.size, takenAt: item.takenAt, addedAt: item.addedAt, favorite: false, archived: false,
        ...(item.takenOffsetMinutes != null ? { takenOffsetMinutes: item.takenOffsetMinutes } : {}),
        ...(item.width != null && item.height != null ? { width: item.width, height: item.height } : {})
      }))
      .sort((a, b) => b.takenAt - a.takenAt)
    return { name: this.link.collection.name ?? 'Shared album', items, noDownload: this.link.noDownload, allowUpload: this.link.allowUpload, ...(this.link.expiresAt != null ? { expiresAt: this.link.expiresAt } : {}), ...(this.link.ownerName != null ? { sharedBy: this.link.ownerName } : {}) }
  }

  /** Adds files to the album, when the link allows it (charged to the owner), and answers the new view. */
  async upload (files: File[], signal: AbortSignal): Promise<LinkAlbumView> {
    await uploadToLink(this.link, files.map(sourceOf), { signal })
    await syncLink(this.link, signal)
    return this.view()
  }

  private async open (itemId: string): Promise<OpenedItem> {
    let pending = this.opened.get(itemId)
    if (pending == null) {
      const item = this.link.collection.items.get(itemId)
      if (item == null) throw new NotFoundInLibraryError(`no item ${itemId} in this link's album`)
      pending = openItem(this.link.api, this.link.collection, item)
      pending.catch(() => { this.opened.delete(itemId) })
      this.opened.set(itemId, pending)
    }
    return await pending
  }

  async thumbnail (itemId: string, signal: AbortSignal): Promise<Blob | null> {
    const opened = await this.open(itemId)
    const { parts, kind, mime } = opened.manifest
    const read = async (part: 'thumbnail' | 'preview' | 'original'): Promise<Blob> => await collect(readPart(this.link.api, opened, part, { signal }), partType(mime, part))
    if (parts.thumbnail != null) return await read('thumbnail')
    if (parts.preview != null) return await downscale(await read('preview'))
    if ((kind === 'photo' || kind === 'live') && /^image\//.test(partType(mime, 'original'))) return await downscale(await read('original'))
    return null
  }

  /** Whether `itemId` is an item of this link's album (the worker's calls then answer from the link, not a library). */
  has (itemId: string): boolean {
    return this.link.collection.items.has(itemId)
  }

  /**
   * What the viewer needs, as the library's Media gives it. A no-download link lists no original
   * (the viewer then shows the preview, drawn from the original when the item has none: [Note:
   * previews drawn on the device] in media.ts).
   */
  async details (itemId: string): Promise<ItemDetails> {
    const { manifest } = await this.open(itemId)
    return { ...basicDetails(itemId, manifest), parts: viewerParts(manifest, this.link.noDownload) }
  }

  /** A whole part; the original is refused on a no-download link, a missing preview is drawn from the original. */
  async partBlob (itemId: string, part: 'original' | 'preview' | 'motion', signal: AbortSignal): Promise<Blob> {
    if (part === 'original' && this.link.noDownload) throw new LinkNoDownloadError()
    return await partBlobOf(this.link.api, await this.open(itemId), part, signal)
  }

  /** The files an item gives to a zip; refused when the owner made the link no-download. */
  async files (itemId: string): Promise<ZipFile[]> {
    if (this.link.noDownload) throw new LinkNoDownloadError()
    return filesOf(this.link.api, await this.open(itemId))
  }

  /**
   * Bytes of a video or a Live Photo's motion for the Service Worker, as the library's Media
   * answers them. A no-download link streams no original (its videos show their preview).
   */
  async range (request: RangeRequest): Promise<RangeReply> {
    if (this.link.noDownload && request.part === 'original') throw new LinkNoDownloadError()
    return await rangeOf(this.link.api, await this.open(request.itemId), request)
  }
}
