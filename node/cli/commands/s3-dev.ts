/**
 * `obscura s3-dev` (and `npm run s3`): a local S3 server for trying the S3 blockstore and direct
 * uploads and reads, with a bucket and the CORS rule browsers need (config/s3-cors.json). It is
 * @20minutes/s3rver 4.0.4, which checks SigV4 signatures, presigned URL expiry, signed headers
 * (so a body of another length is refused), method and key; the original s3rver 3.7.1 checks
 * none of these and must not be used. Neither checks a body's SHA-256 against
 * `x-amz-checksum-sha256`, its `Content-MD5` or `If-None-Match` (the node's commit check still
 * compares the ETag, the MD5 of what it stored, with the signed MD5), and both answer
 * unsigned requests too: this is a development server, not storage for real photos.
 * Tests and benchmarks start it through `startDevS3`.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseFlags, parseInteger } from '../args.ts'
import { UsageError } from '../errors.ts'

/** s3rver's built-in account. */
export const DEV_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export interface DevS3Options {
  /** Folder holding the buckets; created when missing. */
  directory: string
  /** 0 picks a free port. */
  port?: number
  host?: string
  bucket?: string
}

export interface DevS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  port: number
  bucket: string
  /** Stops the server and drops open connections at once (as a crash would). */
  stop: () => Promise<void>
}

const CORS_FILE = fileURLToPath(new URL('../../../config/s3-cors.json', import.meta.url))

interface CorsRule { AllowedOrigins: string[], AllowedMethods: string[], AllowedHeaders?: string[], ExposeHeaders?: string[], MaxAgeSeconds?: number }

/** config/s3-cors.json (the AWS CLI's format, also what a real bucket gets) as S3's XML. */
export async function corsXml (): Promise<string> {
  const { CORSRules } = JSON.parse(await readFile(CORS_FILE, 'utf8')) as { CORSRules: CorsRule[] }
  const rules = CORSRules.map((rule) => [
    '<CORSRule>',
    ...rule.AllowedOrigins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`),
    ...rule.AllowedMethods.map((m) => `<AllowedMethod>${m}</AllowedMethod>`),
    ...(rule.AllowedHeaders ?? []).map((h) => `<AllowedHeader>${h}</AllowedHeader>`),
    ...(rule.ExposeHeaders ?? []).map((h) => `<ExposeHeader>${h}</ExposeHeader>`),
    rule.MaxAgeSeconds != null ? `<MaxAgeSeconds>${rule.MaxAgeSeconds}</MaxAgeSeconds>` : '',
    '</CORSRule>'
  ].join(''))
  return `<CORSConfiguration>${rules.join('')}</CORSConfiguration>`
}

export async function startDevS3 (options: DevS3Options): Promise<DevS3> {
  let S3rver
  try {
    S3rver = (await import('@20minutes/s3rver')).default
  } catch {
    throw new UsageError('s3-dev needs the development dependencies: run `npm install` (not --omit=dev)')
  }
  const host = options.host ?? '127.0.0.1'
  const bucket = options.bucket ?? 'obscura'
  await mkdir(options.directory, { recursive: true })
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [await corsXml()] }]
  })
  const address = await server.run()
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    endpoint: `http://${shownHost}:${address.port}`,
    port: address.port,
    bucket,
    async stop () {
      // s3rver closes its logger when the server closes; requests cut short below still log as
      // they unwind, so the logger (silent) is left open rather than warn about it.
      server.httpServer?.removeAllListeners('close')
      const closed = server.close()
      server.httpServer?.closeAllConnections()
      await closed
    }
  }
}

export async function runS3Dev (args: string[]): Promise<number> {
  const { values } = parseFlags('s3-dev', args)
  const bucket = values.bucket ?? 'obscura'
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError('--bucket must be a valid S3 bucket name (3-63 characters: a-z, 0-9, ".", "-")')
  const directory = resolve(values.dir ?? './data-s3')
  const s3 = await startDevS3({ directory, port: parseInteger('port', values.port, 0, 65535) ?? 4568, host: values.host, bucket })
  const storage = {
    type: 's3',
    endpoint: s3.endpoint,
    bucket,
    accessKeyId: DEV_CREDENTIALS.accessKeyId,
    secretAccessKey: DEV_CREDENTIALS.secretAccessKey,
    direct: 'authorised'
  }
  process.stdout.write([
    `Local S3 (s3rver) running at ${s3.endpoint}, bucket "${bucket}" with CORS, data in ${directory}`,
    'For development only: it also answers unsigned requests and does not check body checksums.',
    'Point a node at it with this in its config file (see config/example-s3.json):',
    `  "storage": ${JSON.stringify(storage)}`,
    ''
  ].join('\n'))
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => { resolve() })
    process.on('SIGTERM', () => { resolve() })
  })
  await s3.stop()
  return 0
}
