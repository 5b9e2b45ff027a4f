/**
 * A small promise wrapper over IndexedDB: one database per user, a few object stores of
 * key → value. The worker keeps its thumbnail cache, decoded metadata, upload journal and list of
 * interrupted uploads here; logging out deletes the caches.
 */

export const STORES = ['thumbs', 'meta', 'journal', 'pending'] as const
export type StoreName = typeof STORES[number]

function done<T> (request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => { resolve(request.result) }
    request.onerror = () => { reject(request.error ?? new Error('IndexedDB request failed')) }
  })
}

function committed (transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => { resolve() }
    transaction.onerror = transaction.onabort = () => { reject(transaction.error ?? new Error('IndexedDB transaction failed')) }
  })
}

export class LocalDb {
  private readonly db: IDBDatabase

  private constructor (db: IDBDatabase) {
    this.db = db
  }

  static async open (name: string): Promise<LocalDb> {
    const request = indexedDB.open(name, 1)
    request.onupgradeneeded = () => {
      for (const store of STORES) if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store)
    }
    return new LocalDb(await done(request))
  }

  async get<T> (store: StoreName, key: string): Promise<T | undefined> {
    return await done(this.db.transaction(store).objectStore(store).get(key)) as T | undefined
  }

  async put (store: StoreName, key: string, value: unknown): Promise<void> {
    await done(this.db.transaction(store, 'readwrite').objectStore(store).put(value, key))
  }

  /**
   * Puts `value` and resolves only once the transaction has committed to disk (`strict`
   * durability): what must not be lost to a reload or a crash once the caller acts on it.
   */
  async putDurably (store: StoreName, key: string, value: unknown): Promise<void> {
    const transaction = this.db.transaction(store, 'readwrite', { durability: 'strict' })
    transaction.objectStore(store).put(value, key)
    await committed(transaction)
  }

  async delete (store: StoreName, key: string): Promise<void> {
    await done(this.db.transaction(store, 'readwrite').objectStore(store).delete(key))
  }

  async keys (store: StoreName): Promise<string[]> {
    return await done(this.db.transaction(store).objectStore(store).getAllKeys()) as string[]
  }

  /** Deletes `keys` in one transaction. */
  async deleteAll (store: StoreName, keys: string[]): Promise<void> {
    const transaction = this.db.transaction(store, 'readwrite')
    const objects = transaction.objectStore(store)
    for (const key of keys) objects.delete(key)
    await committed(transaction)
  }

  async clear (store: StoreName): Promise<void> {
    await done(this.db.transaction(store, 'readwrite').objectStore(store).clear())
  }

  close (): void {
    this.db.close()
  }
}
