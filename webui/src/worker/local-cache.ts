/**
 * What the browser keeps between visits, encrypted. Thumbnails, decoded metadata and the list of
 * interrupted uploads are sealed with AES-256-GCM (WebCrypto) under a key derived from the master
 * key, so that the IndexedDB files on disk reveal no picture, name or place to someone who reads
 * them without the password; logging out deletes the caches as well, and an item's entries go
 * as soon as the user can no longer open it (see [Note: cache follows access] in session.ts).
 *
 * [Note: local cache key] HKDF(masterKey, "obscura/v1/webui/local-cache"): its own label, used
 * only on this device and never sent anywhere.
 */
import { hkdf, bufferSource } from '../../../src/crypto/hash.ts'
import type { LocalDb, StoreName } from './idb.ts'

const LABEL = 'obscura/v1/webui/local-cache'

interface Sealed { iv: Uint8Array, data: ArrayBuffer, type?: string }

export class LocalCache {
  readonly db: LocalDb
  private readonly key: Promise<CryptoKey>

  constructor (db: LocalDb, masterKey: Uint8Array) {
    this.db = db
    const raw = hkdf(masterKey, { info: LABEL })
    this.key = crypto.subtle.importKey('raw', bufferSource(raw), 'AES-GCM', false, ['encrypt', 'decrypt']).finally(() => { raw.fill(0) })
  }

  private async seal (store: StoreName, key: string, bytes: Uint8Array, type?: string): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(`${store}/${key}`) }, await this.key, bufferSource(bytes))
    await this.db.put(store, key, { iv, data, type } satisfies Sealed)
  }

  private async open (store: StoreName, key: string): Promise<{ bytes: Uint8Array, type?: string } | undefined> {
    const sealed = await this.db.get<Sealed>(store, key)
    if (sealed == null) return undefined
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bufferSource(sealed.iv), additionalData: new TextEncoder().encode(`${store}/${key}`) }, await this.key, sealed.data)
      return { bytes: new Uint8Array(plain), type: sealed.type }
    } catch {
      await this.db.delete(store, key)
      return undefined
    }
  }

  async getBlob (store: StoreName, key: string): Promise<Blob | undefined> {
    const found = await this.open(store, key)
    return found == null ? undefined : new Blob([bufferSource(found.bytes)], { type: found.type ?? '' })
  }

  async putBlob (store: StoreName, key: string, blob: Blob): Promise<void> {
    await this.seal(store, key, new Uint8Array(await blob.arrayBuffer()), blob.type)
  }

  async getJson<T> (store: StoreName, key: string): Promise<T | undefined> {
    const found = await this.open(store, key)
    return found == null ? undefined : JSON.parse(new TextDecoder().decode(found.bytes)) as T
  }

  async putJson (store: StoreName, key: string, value: unknown): Promise<void> {
    await this.seal(store, key, new TextEncoder().encode(JSON.stringify(value)))
  }

  /** Deletes the cached thumbnails and details of these items. */
  async forget (itemIds: string[]): Promise<void> {
    await this.db.deleteAll('thumbs', itemIds)
    await this.db.deleteAll('meta', itemIds)
  }

  /** Deletes the cached thumbnails and details of every item `keep` refuses. */
  async keepOnly (keep: (itemId: string) => boolean): Promise<void> {
    for (const store of ['thumbs', 'meta'] as const) {
      const gone = (await this.db.keys(store)).filter((id) => !keep(id))
      if (gone.length > 0) await this.db.deleteAll(store, gone)
    }
  }

  /**
   * Logging out: thumbnails and metadata go. The journal (file keys boxed, no names) and the
   * sealed list of interrupted uploads stay, so that an upload can still resume after logging in.
   */
  async clearCaches (): Promise<void> {
    await this.db.clear('thumbs')
    await this.db.clear('meta')
  }
}
