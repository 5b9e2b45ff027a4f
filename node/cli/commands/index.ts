/**
 * The table of `obscura` subcommands, in the order `--help` lists them. Each command's module is
 * loaded only when it runs, so `obscura --help` does not pay for loading Helia.
 */

export interface Command {
  /** One line for `obscura --help`. */
  summary: string
  /** Options and arguments, shown by `obscura <command> --help`. */
  usage: string
  /** Runs the command; the resolved number is the exit code. */
  run: (args: string[]) => Promise<number | undefined>
}

type Runner = Command['run']

function lazy (summary: string, usage: string, load: () => Promise<Runner>): Command {
  return { summary, usage, run: async (args) => (await load())(args) }
}

const NODE = '[--node URL]'

export const commands: Record<string, Command> = {
  node: lazy('Start a storage node with its gateway and web UI (foreground)',
    '[--data DIR] [--host H] [--port N] [--config FILE] | check [--repair] [--data DIR]', async () => (await import('./node.ts')).runNode),
  signup: lazy('Create an account (the first one on a node becomes its admin)', `USER [--invite CODE] ${NODE}`,
    async () => (await import('./account.ts')).runSignup),
  login: lazy('Log in and keep the unlocked keys on this device', `USER ${NODE}`, async () => (await import('./account.ts')).runLogin),
  logout: lazy('Log out and delete the keys kept on this device', '', async () => (await import('./account.ts')).runLogout),
  passwd: lazy('Change your password (photos are not re-encrypted)',
    '\n  (the current password from $OBSCURA_PASSWORD, the new one from $OBSCURA_NEW_PASSWORD; without them\n  both are asked on the terminal, the new one twice)', async () => (await import('./account.ts')).runPasswd),
  recover: lazy('Set a new password with your recovery key, and log in', `USER ${NODE}  (key from $OBSCURA_RECOVERY_KEY or a prompt)`,
    async () => (await import('./recover.ts')).runRecover),
  upload: lazy('Encrypt and upload files and folders; skips duplicates, resumes', `PATH... [--album NAME]... [--folder PATH] ${NODE}`,
    async () => (await import('./transfer.ts')).runUpload),
  albums: lazy('List your albums and folders', `[--json] ${NODE}`, async () => (await import('./browse.ts')).runAlbums),
  ls: lazy('List the items of an album or folder, or your whole timeline', `[ALBUM|FOLDER] [--json] ${NODE}`,
    async () => (await import('./browse.ts')).runLs),
  download: lazy('Download and decrypt an album or folder, verifying every block', `ALBUM|FOLDER [--out DIR] ${NODE}`,
    async () => (await import('./transfer.ts')).runDownload),
  add: lazy('Put items into another album or folder too (no re-upload)', `ALBUM|FOLDER NAME|ID... --to ALBUM | --to-folder PATH [--all] ${NODE}`,
    async () => (await import('./organise.ts')).runAdd),
  mv: lazy('Move items to another album or folder', `ALBUM|FOLDER NAME|ID... --to ALBUM | --to-folder PATH [--all] ${NODE}`,
    async () => (await import('./organise.ts')).runMv),
  rename: lazy('Rename an item', `ALBUM|FOLDER NAME|ID NEW-NAME ${NODE}`, async () => (await import('./organise.ts')).runRename),
  rm: lazy('Move items to the trash (or delete them for good)', `ALBUM|FOLDER NAME|ID... [--permanent] [--all] ${NODE}`,
    async () => (await import('./trash.ts')).runRm),
  trash: lazy('List the trash (kept 30 days), or empty it', `[--json] [--empty] ${NODE}`, async () => (await import('./trash.ts')).runTrash),
  restore: lazy('Bring items back from the trash', `ALBUM|FOLDER NAME|ID... [--all] ${NODE}`, async () => (await import('./trash.ts')).runRestore),
  share: lazy('Share an album with another user (of this node, or of another by invitation), or change their role',
    `ALBUM --with USER|INVITATION [--role viewer|collaborator] ${NODE}`,
    async () => (await import('./share.ts')).runShare),
  unshare: lazy('Remove a member from an album (it is re-keyed)', `ALBUM --with USER ${NODE}`, async () => (await import('./share.ts')).runUnshare),
  members: lazy('List who an album is shared with, and their roles', `ALBUM [--json] ${NODE}`, async () => (await import('./share.ts')).runMembers),
  leave: lazy('Leave an album someone shared with you', `ALBUM ${NODE}`, async () => (await import('./share.ts')).runLeave),
  link: lazy('Public links: create, list, revoke; download from or upload to one (no account)', [
    'create ALBUM [--expires 7d] [--password] [--device-limit N] [--no-download] [--allow-upload]',
    '       obscura link list ALBUM [--json]',
    '       obscura link revoke URL|TOKEN',
    '       obscura link download URL [--out DIR]',
    '       obscura link upload URL PATH...',
    '  (passwords come from $OBSCURA_LINK_PASSWORD or a prompt)'
  ].join('\n'), async () => (await import('./link.ts')).runLink),
  invite: lazy('Print your invitation, with which users of other nodes share albums with you', NODE,
    async () => (await import('./invite.ts')).runInvite),
  admin: lazy('Node administration: invites, users, quotas', 'invite | users | quota USER BYTES', async () => (await import('./admin.ts')).runAdmin),
  's3-dev': lazy('Start a local S3 server (s3rver) with a bucket and CORS, for development', '[--port N] [--dir DIR] [--host H] [--bucket NAME]',
    async () => (await import('./s3-dev.ts')).runS3Dev)
}
