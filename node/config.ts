/**
 * The node's configuration: defaults for the embedded setup (everything under one data folder,
 * gateway on loopback), overridden by a JSON config file and then by command-line flags.
 * Parsed with a schema so that a typo in a config file is a clear start-up error, not a
 * silently ignored setting.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'

const GiB = 1024 ** 3

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
    listen: z.array(z.string()).default(['/ip4/127.0.0.1/tcp/0']),
    /** Multiaddrs (with /p2p/<peer id>) of nodes this one knows. */
    peers: z.array(z.string()).default([])
  }).prefault({}),
  accounts: z.strictObject({
    /** When false, every signup after the first needs an invite made by the admin. */
    openSignup: z.boolean().default(false),
    /** Quota given to new users, in bytes. */
    defaultQuotaBytes: z.number().int().nonnegative().default(10 * GiB),
    /** How long a login session lasts, in seconds. */
    sessionTtlSeconds: z.number().int().positive().default(30 * 24 * 3600)
  }).prefault({})
})

export type NodeConfig = z.infer<typeof NodeConfigSchema>
export type NodeConfigInput = z.input<typeof NodeConfigSchema>

/** Overrides given on the command line; they win over the config file. */
export interface ConfigOverrides {
  dataDir?: string
  host?: string
  port?: number
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
