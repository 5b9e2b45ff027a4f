/**
 * Ceph radosgw for the S3 tests run with OBSCURA_TEST_S3=radosgw: a second S3 implementation that
 * checks signatures, keys, lengths, Content-MD5, conditional writes and expiry, and refuses
 * unsigned reads, as production stores do. It reuses a running radosgw named by RADOSGW_ENDPOINT
 * (with RADOSGW_ACCESS_KEY and RADOSGW_SECRET_KEY, as `scripts/radosgw.sh start` prints them),
 * else starts one with that script once per test process and stops it at exit. Each test server
 * is a fresh bucket on it, with the browsers' CORS rule and, when asked, a policy that lets
 * anyone read its objects (what public direct mode needs).
 */
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { signRequest, type AwsCredentials } from '../../node/storage/sigv4.ts'

const SCRIPT = fileURLToPath(new URL('../../scripts/radosgw.sh', import.meta.url))

export interface Radosgw { endpoint: string, credentials: AwsCredentials }

let running: Promise<Radosgw> | undefined

/** The radosgw to test against; throws with the script's reason when it cannot start. */
export async function radosgw (): Promise<Radosgw> {
  running ??= connect()
  return await running
}

async function connect (): Promise<Radosgw> {
  if (process.env.RADOSGW_ENDPOINT != null) {
    return {
      endpoint: process.env.RADOSGW_ENDPOINT,
      credentials: { accessKeyId: process.env.RADOSGW_ACCESS_KEY ?? 'obscura', secretAccessKey: process.env.RADOSGW_SECRET_KEY ?? 'obscura-secret' }
    }
  }
  let stdout: string
  try {
    ({ stdout } = await promisify(execFile)(SCRIPT, ['start'], { timeout: 180_000 }))
  } catch (err) {
    throw new Error(`radosgw did not start: ${(err as { stderr?: string }).stderr?.trim() ?? (err as Error).message}`)
  }
  process.on('exit', () => { execFileSync(SCRIPT, ['stop'], { stdio: 'ignore' }) })
  const vars = Object.fromEntries(stdout.split('\n').filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]))
  return {
    endpoint: vars.RADOSGW_ENDPOINT as string,
    credentials: { accessKeyId: vars.RADOSGW_ACCESS_KEY as string, secretAccessKey: vars.RADOSGW_SECRET_KEY as string }
  }
}

/** One signed request to radosgw; throws with S3's answer unless it succeeds. */
export async function radosgwRequest (gw: Radosgw, method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<void> {
  const url = new URL(path, gw.endpoint)
  const payloadHash = createHash('sha256').update(body).digest('hex')
  const signed = signRequest({
    method, url, headers: { ...headers, 'x-amz-content-sha256': payloadHash }, payloadHash, credentials: gw.credentials, region: 'us-east-1', service: 's3'
  })
  const { host: _host, ...sent } = signed.headers
  const res = await fetch(url, { method, headers: sent, body: body === '' ? undefined : body })
  if (!res.ok) throw new Error(`radosgw refused ${method} ${path}: HTTP ${res.status} ${await res.text()}`)
  await res.body?.cancel()
}

/** Creates `bucket` with the CORS rule browsers need and, if `publicRead`, anonymous reads of its objects. */
export async function createRadosgwBucket (gw: Radosgw, bucket: string, options: { cors: string, publicRead?: boolean }): Promise<void> {
  await radosgwRequest(gw, 'PUT', `/${bucket}`)
  await radosgwRequest(gw, 'PUT', `/${bucket}?cors`, options.cors, { 'content-md5': createHash('md5').update(options.cors).digest('base64') })
  if (options.publicRead === true) {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }]
    })
    await radosgwRequest(gw, 'PUT', `/${bucket}?policy`, policy)
  }
}
