/**
 * The flags of every `obscura` command and subcommand, in one table: `parseFlags` parses a
 * command's arguments with its entry, `--help` lists the entry, and `obscura completion` offers
 * it, so a flag cannot be accepted without being documented or documented without being
 * accepted. Flags every command takes (`--quiet`, `--verbose`, `--help`) are read by main.ts
 * before the command runs and are not repeated here.
 */

/** One flag: how node:util's parseArgs reads it, and what `--help` says of it. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  /** The placeholder shown after a string flag in help ("NAME" in `--album NAME`). */
  value?: string
  /** One line for `--help`. */
  help: string
}

const node = { type: 'string', value: 'URL', help: 'the node to talk to (default $OBSCURA_NODE, else http://127.0.0.1:8080)' } as const
const json = { type: 'boolean', help: 'print JSON instead of a table (for scripts)' } as const
const all = { type: 'boolean', help: 'act on every item a name matches, when several share it' } as const
const to = { type: 'string', value: 'ALBUM', help: 'the album to put them in (made if missing)' } as const
const toFolder = { type: 'string', value: 'PATH', help: 'the folder to put them in, e.g. "Trips/2023" (made if missing)' } as const

export const OPTIONS = {
  node: {
    data: { type: 'string', value: 'DIR', help: 'data folder (default ./data)' },
    host: { type: 'string', value: 'HOST', help: 'address the gateway listens on (default 127.0.0.1)' },
    port: { type: 'string', value: 'N', help: 'gateway port (default 8080)' },
    config: { type: 'string', value: 'FILE', help: 'JSON config file (see config/); flags override it' },
    'libp2p-listen': { type: 'string', multiple: true, value: 'MULTIADDR', help: 'where libp2p listens for other nodes, e.g. /ip4/0.0.0.0/tcp/4001 (repeatable)' },
    'libp2p-announce': { type: 'string', multiple: true, value: 'MULTIADDR', help: 'the address other nodes are told to dial, e.g. /dns4/photos.example.org/tcp/4001 (repeatable)' }
  },
  'node check': {
    data: { type: 'string', value: 'DIR', help: 'data folder of the stopped node (default ./data)' },
    config: { type: 'string', value: 'FILE', help: 'JSON config file of the node (for an S3 blockstore)' },
    repair: { type: 'boolean', help: 'fix what the check finds (missing reference counts, half-written commits)' }
  },
  signup: { node, invite: { type: 'string', value: 'CODE', help: 'an invite code from the node\'s admin (every signup but the first)' } },
  login: { node },
  logout: {},
  passwd: {},
  recover: { node },
  upload: {
    node,
    album: { type: 'string', multiple: true, value: 'NAME', help: 'add the files to this album (made if missing; repeatable)' },
    folder: { type: 'string', value: 'PATH', help: 'put the files in this folder, sub-folders kept as sub-folders (made if missing)' },
    'any-file': { type: 'boolean', help: 'also upload files that are not photos or videos, empty or damaged, as plain files' }
  },
  albums: { node, json },
  ls: { node, json },
  download: { node, out: { type: 'string', value: 'DIR', help: 'where to write the files (default: a folder named after the album)' } },
  add: { node, to, 'to-folder': toFolder, all },
  mv: { node, to, 'to-folder': toFolder, all },
  rename: { node },
  rm: { node, permanent: { type: 'boolean', help: 'delete for good instead of moving to the trash' }, all },
  trash: { node, json, empty: { type: 'boolean', help: 'delete everything in the trash for good' } },
  restore: { node, all },
  share: {
    node,
    with: { type: 'string', value: 'USER', help: 'a user of this node, or the invitation of a user of another node' },
    role: { type: 'string', value: 'ROLE', help: 'viewer (default) or collaborator (may add photos)' }
  },
  unshare: { node, with: { type: 'string', value: 'USER', help: 'the member to remove (user@PEER-ID for a user of another node)' } },
  members: { node, json },
  leave: { node },
  'link create': {
    node,
    expires: { type: 'string', value: 'TIME', help: 'the link stops working after this long: 30m, 12h, 7d, 2w' },
    password: { type: 'boolean', help: 'ask for a password the viewer must type ($OBSCURA_LINK_PASSWORD or a prompt)' },
    'device-limit': { type: 'string', value: 'N', help: 'the link opens on at most N devices' },
    'no-download': { type: 'boolean', help: 'viewers see the photos but cannot download originals' },
    'allow-upload': { type: 'boolean', help: 'viewers may add photos (counted against your quota)' }
  },
  'link list': { node, json },
  'link revoke': { node, album: { type: 'string', value: 'ALBUM', help: "the link's album: the argument is then the link's ID (from `link list`), for a link whose URL is unreadable" } },
  'link download': { out: { type: 'string', value: 'DIR', help: 'where to write the files (default: a folder named after the album)' } },
  'link upload': {},
  invite: { node },
  'admin invite': { json },
  'admin invites': { json },
  'admin revoke-invite': {},
  'admin users': { json },
  'admin quota': {},
  's3-dev': {
    port: { type: 'string', value: 'N', help: 'port (default 4568)' },
    dir: { type: 'string', value: 'DIR', help: 'where the objects are kept (default ./data-s3)' },
    host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
    bucket: { type: 'string', value: 'NAME', help: 'bucket to create (default obscura)' }
  },
  completion: {}
} as const satisfies Record<string, Record<string, OptionSpec>>

export type CommandName = keyof typeof OPTIONS

/** `--album NAME` or `--json`, as help and error messages show a flag. */
export function flagSyntax (name: string, spec: OptionSpec): string {
  return `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`
}
