/**
 * What an S3-compatible store checks on a PUT, found out at start-up by asking it rather than
 * trusting its name: whether it refuses a body that does not match its `Content-MD5` (AWS,
 * MinIO, Ceph, R2 and B2 do; the dev server does not), whether it honours `If-None-Match: *`
 * (refuses to replace an existing object: AWS since 2024, MinIO, R2, Ceph), and — for public
 * direct mode — whether blocks are readable without a signature at the URL clients will use.
 * The probe writes, rewrites and deletes one small object, `<prefix>obscura-probe`, which is not
 * a CID and so never taken for a block.
 */
import { randomBytes } from 'node:crypto'
import { md5Base64, S3ResponseError, type S3Bucket } from './s3-client.ts'

export interface StoreChecks {
  /** The store refuses a PUT whose body does not match its `Content-MD5` header. */
  contentMd5: boolean
  /** The store refuses a PUT with `If-None-Match: *` when the object exists. */
  conditionalWrites: boolean
}

export const PROBE_NAME = 'obscura-probe'

/** Writes the probe object twice to see what the store refuses; leaves nothing behind. */
export async function probeStoreChecks (bucket: S3Bucket, key: string, signal?: AbortSignal): Promise<StoreChecks> {
  const bytes = new Uint8Array(randomBytes(32))
  // A body with the MD5 of other bytes: a checking store answers 400 BadDigest.
  const contentMd5 = await refused(bucket.put(key, bytes, { headers: { 'content-md5': md5Base64(new Uint8Array(randomBytes(32))) }, signal }), 400)
  await bucket.put(key, bytes, { signal })
  // The object exists now: a store that supports conditional writes answers 412.
  const conditionalWrites = await refused(bucket.put(key, bytes, { headers: { 'if-none-match': '*' }, signal }), 412)
  await bucket.delete(key, signal)
  return { contentMd5, conditionalWrites }
}

/**
 * Whether `url` (a block's public URL) serves `expected` to anyone: fetched with no signature,
 * as a browser would. Returns what went wrong: `refused` (an answer other than those bytes) or
 * `unreachable` (no answer: the node may simply not reach the address its clients use).
 */
export async function publicReadProblem (url: string, expected: Uint8Array, timeoutMs = 10_000): Promise<{ kind: 'refused' | 'unreachable', message: string } | undefined> {
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    return { kind: 'unreachable', message: `${url} did not answer the node (${cause?.code ?? (err as Error).message})` }
  }
  if (!res.ok) {
    const code = /<Code>([^<]*)<\/Code>/.exec(await res.text().catch(() => ''))?.[1]
    return { kind: 'refused', message: `an anonymous GET of ${url} was refused: HTTP ${res.status}${code != null ? ` ${code}` : ''}` }
  }
  const body = new Uint8Array(await res.arrayBuffer())
  if (Buffer.compare(body, expected) !== 0) return { kind: 'refused', message: `${url} answered other bytes than the node stored there` }
  return undefined
}

/** True when `put` failed with `status`; false when it succeeded or failed otherwise (not supported). */
async function refused (put: Promise<void>, status: number): Promise<boolean> {
  try {
    await put
    return false
  } catch (err) {
    if (err instanceof S3ResponseError) return err.status === status
    throw err
  }
}
