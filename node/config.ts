/**
 * The node's configuration: defaults for the embedded setup (everything under one data folder,
 * gateway on loopback), overridden by a JSON config file and then by command-line flags.
 * Parsed with a schema so that a typo in a config file is a clear start-up error, not a
 * silently ignored setting.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'

const GiB = 1024 ** 3

/** Where blocks live when they are not on the local disk: any S3-compatible bucket. */
export const S3StorageSchema = z.strictObject({
  type: z.literal('s3'),
  /** Base URL of the S3 API as the node reaches it, e.g. `https://s3.eu-west-1.amazonaws.com`. */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** Base URL clients use for direct URLs, when it differs from `endpoint` (a node on a private network). */
  publicEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  region: z.string().min(1).default('us-east-1'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name is 3-63 characters: a-z, 0-9, ".", "-"'),
  /** Prepended to every block's key, e.g. `blocks/`, to share a bucket. */
  prefix: z.string().max(200).regex(/^(?!\/)[A-Za-z0-9!_.*'()/-]*$/, 'a prefix uses S3-safe characters and does not start with "/"').default(''),
  /** `path` (endpoint/bucket/key: MinIO, s3rver, most self-hosted stores) or `virtual-host` (bucket.endpoint/key: AWS). */
  addressing: z.enum(['path', 'virtual-host']).default('path'),
  /** Credentials; when absent, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN are read at start-up. */
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
  sessionToken: z.string().min(1).optional(),
  /**
   * How clients move block bytes: `off` (through the gateway only), `authorised` (presigned
   * URLs for uploads and reads, each read checked against the caller's access), `public`
   * (presigned uploads; reads straight from a publicly readable bucket without signing).
   */
  direct: z.enum(['off', 'public', 'authorised']).default('off'),
  /** Base URL of publicly readable blocks in `public` mode (a CDN, say); defaults to the bucket on `publicEndpoint`. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Lifetime of presigned URLs, in seconds. */
  urlExpirySeconds: z.number().int().min(10).max(3600).default(300),
  /**
   * How a direct upload is checked at commit: `auto` makes one HEAD and trusts the store's
   * SHA-256 checksum when it reports one (AWS S3, MinIO, R2 verify it on upload), else compares
   * the ETag with the MD5 signed into the PUT URL; `read` always reads and hashes the block (for
   * stores whose ETag is not the object's MD5, such as AWS with SSE-KMS and no checksums).
   */
  verifyUploads: z.enum(['auto', 'read']).default('auto'),
  /** How long start-up waits for the bucket before giving up with an error. */
  startupTimeoutSeconds: z.number().positive().max(600).default(15),
  /**
   * Time limit of one request to the store (S3 client, each of its 4 attempts): a store that
   * accepts the connection and never answers costs a request about 4 times this plus the backoff,
   * then a 503 STORAGE_UNAVAILABLE.
   */
  requestTimeoutSeconds: z.number().positive().max(300).default(30)
})

export type S3StorageConfig = z.infer<typeof S3StorageSchema>

const Multiaddr = z.string().refine((text) => {
  try {
    multiaddr(text)
    return true
  } catch {
    return false
  }
}, 'expected a multiaddr such as /ip4/127.0.0.1/tcp/4001')

export const NodeConfigSchema = z.strictObject({
  /** Folder for blocks, the LevelDB datastore and the node's libp2p key. */
  dataDir: z.string().min(1).default('./data'),
  gateway: z.strictObject({
    /** Address the HTTP gateway binds to; loopback unless the operator opens it up. */
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port of the gateway; 0 picks a free one (tests). */
    port: z.number().int().min(0).max(65535).default(8080),
    /** Folder with the built web UI; served at `/`. */
    webuiDir: z.string().optional()
  }).prefault({}),
  libp2p: z.strictObject({
    /** Multiaddrs libp2p listens on. Loopback by default: federation is opt-in. */
    listen: z.array(Multiaddr).default(['/ip4/127.0.0.1/tcp/0']),
    /** Multiaddrs other nodes should dial (put in invitations), when they differ from `listen` (NAT, a public name). */
    announce: z.array(Multiaddr).default([]),
    /** Multiaddrs (with /p2p/<peer id>) of nodes this one knows; dialled at start-up, best effort. */
    peers: z.array(Multiaddr.refine((text) => text.includes('/p2p/'), 'a known peer needs /p2p/<peer id>, so that its identity is checked')).default([])
  }).prefault({}),
  federation: z.strictObject({
    /** Time limit of one request to another node (dial included), in seconds. */
    timeoutSeconds: z.number().positive().max(300).default(10),
    /** After another node failed to answer, how long to serve cached copies before trying it again (doubling up to 60 s). */
    retrySeconds: z.number().positive().max(3600).default(2),
    /** Most bytes of blocks fetched from other nodes' albums kept here; the least recently read go first. */
    cacheBytes: z.number().int().positive().default(10 * GiB)
  }).prefault({}),
  accounts: z.strictObject({
    /** When false, every signup after the first needs an invite made by the admin. */
    openSignup: z.boolean().default(false),
    /** Quota given to new users, in bytes. */
    defaultQuotaBytes: z.number().int().nonnegative().default(10 * GiB),
    /** How long a login session lasts, in seconds. */
    sessionTtlSeconds: z.number().int().positive().default(30 * 24 * 3600)
  }).prefault({}),
  blocks: z.strictObject({
    /**
     * How long a block stays when no commit links it (an abandoned upload) before it is deleted
     * and its bytes given back: long enough for an upload to reach its commit, or to be resumed
     * (resuming asks the node what it has, which starts the period again). 24 h by default.
     */
    unlinkedGraceSeconds: z.number().positive().default(24 * 3600),
    /** How often the node looks for such blocks. */
    sweepSeconds: z.number().positive().max(24 * 3600).default(3600)
  }).prefault({}),
  /** The blockstore: the local data folder (default) or an S3-compatible bucket. */
  storage: z.discriminatedUnion('type', [z.strictObject({ type: z.literal('fs') }), S3StorageSchema]).default({ type: 'fs' })
})

export type NodeConfig = z.infer<typeof NodeConfigSchema>
export type NodeConfigInput = z.input<typeof NodeConfigSchema>

/** Overrides given on the command line; they win over the config file. */
export interface ConfigOverrides {
  dataDir?: string
  host?: string
  port?: number
  /** libp2p listen and announce addresses; each replaces the config file's list when given. */
  libp2pListen?: string[]
  libp2pAnnounce?: string[]
}

/** Reads `file` (if given), applies `overrides`, validates, and resolves paths. */
export async function loadConfig (file: string | undefined, overrides: ConfigOverrides = {}): Promise<NodeConfig> {
  let raw: Record<string, any> = {} // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from disk, validated below
  if (file != null) {
    try {
      raw = JSON.parse(await readFile(file, 'utf8'))
    } catch (err) {
      throw new Error(`cannot read config file ${file}: ${(err as Error).message}`)
    }
  }
  return parseConfig({
    ...raw,
    ...(overrides.dataDir != null ? { dataDir: overrides.dataDir } : {}),
    gateway: {
      ...raw.gateway,
      ...(overrides.host != null ? { host: overrides.host } : {}),
      ...(overrides.port != null ? { port: overrides.port } : {})
    },
    libp2p: {
      ...raw.libp2p,
      ...(overrides.libp2pListen != null ? { listen: overrides.libp2pListen } : {}),
      ...(overrides.libp2pAnnounce != null ? { announce: overrides.libp2pAnnounce } : {})
    }
  })
}

/** Validates a configuration object and makes its paths absolute. */
export function parseConfig (input: NodeConfigInput): NodeConfig {
  const result = NodeConfigSchema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new Error(`invalid config: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const config = result.data
  config.dataDir = resolve(config.dataDir)
  return config
}
