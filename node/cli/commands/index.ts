/**
 * The table of `obscura` subcommands, in the order `--help` lists them: what each one does, its
 * arguments, examples, and how to load it. Each command's module is loaded only when it runs, so
 * `obscura --help` does not pay for loading Helia. Flags live in ../options.ts.
 */
import type { CommandName } from '../options.ts'

export interface Command {
  /** One line for `obscura --help`. */
  summary: string
  /** Positional arguments as `--help` shows them ("ALBUM|FOLDER NAME|ID..."), '' for none. */
  args: string
  /**
   * The entries of ../options.ts whose flags this command takes: its own name, or one per
   * subcommand ("link create", "link list"…).
   */
  flags: CommandName[]
  /** More that `obscura <command> --help` says: details, environment variables. */
  more?: string[]
  /** Command lines shown under "Examples". */
  examples: string[]
  /** Runs the command; the resolved number is the exit code. */
  run: (args: string[]) => Promise<number | undefined>
}

type Runner = Command['run']

function command (spec: Omit<Command, 'run'>, load: () => Promise<Runner>): Command {
  return { ...spec, run: async (args) => (await load())(args) }
}

export const commands: Record<string, Command> = {
  node: command({
    summary: 'Start a storage node with its gateway and web UI (foreground)',
    args: '[check]',
    flags: ['node', 'node check'],
    more: [
      'Stops cleanly on Ctrl-C or SIGTERM. The first account signed up becomes the node\'s admin.',
      '`obscura node check` checks a stopped node\'s data folder for what a crash left behind; --repair fixes it.'
    ],
    examples: ['obscura node --data ./data --port 8080', 'obscura node --config config/example-s3.json', 'obscura node check --repair --data ./data']
  }, async () => (await import('./node.ts')).runNode),
  signup: command({
    summary: 'Create an account (the first one on a node becomes its admin)',
    args: 'USER',
    flags: ['signup'],
    more: ['The password comes from $OBSCURA_PASSWORD or is asked twice. Prints your recovery key once: keep it safe.'],
    examples: ['obscura signup alice', 'obscura signup bob --invite 7QK2-…']
  }, async () => (await import('./account.ts')).runSignup),
  login: command({
    summary: 'Log in and keep the unlocked keys on this device',
    args: 'USER',
    flags: ['login'],
    more: ['The password comes from $OBSCURA_PASSWORD or a prompt; keys are kept in $OBSCURA_HOME (default ~/.obscura).'],
    examples: ['obscura login alice --node https://photos.example.org']
  }, async () => (await import('./account.ts')).runLogin),
  logout: command({
    summary: 'Log out and delete the keys kept on this device',
    args: '',
    flags: ['logout'],
    examples: ['obscura logout']
  }, async () => (await import('./account.ts')).runLogout),
  passwd: command({
    summary: 'Change your password (photos are not re-encrypted)',
    args: '',
    flags: ['passwd'],
    more: ['The current password comes from $OBSCURA_PASSWORD, the new one from $OBSCURA_NEW_PASSWORD; without them both are asked, the new one twice.'],
    examples: ['obscura passwd']
  }, async () => (await import('./account.ts')).runPasswd),
  recover: command({
    summary: 'Set a new password with your recovery key, and log in',
    args: 'USER',
    flags: ['recover'],
    more: ['The recovery key comes from $OBSCURA_RECOVERY_KEY or a prompt, the new password from $OBSCURA_NEW_PASSWORD or a prompt.'],
    examples: ['obscura recover alice']
  }, async () => (await import('./recover.ts')).runRecover),
  upload: command({
    summary: 'Encrypt and upload files and folders; skips duplicates, resumes',
    args: 'PATH...',
    flags: ['upload'],
    more: [
      'Reads each photo\'s and video\'s date, place and camera, makes thumbnails, pairs Live Photos, and skips',
      'files already uploaded. Ctrl-C stops it; the same command again resumes where it stopped.',
      'What a file is comes from its content, not its name. Files that are not photos or videos, empty',
      'files and damaged images are refused: one "obscura: refused: NAME: REASON" line each on stderr;',
      'the other files are uploaded. The exit code is 0 when nothing was refused, 1 when something was',
      '(or anything failed). --any-file uploads every file as it is.'
    ],
    examples: ['obscura upload ~/Pictures/Shanghai --album "Shanghai 2023"', 'obscura upload ~/DCIM --folder Phone']
  }, async () => (await import('./transfer.ts')).runUpload),
  albums: command({
    summary: 'List your albums and folders',
    args: '',
    flags: ['albums'],
    examples: ['obscura albums', 'obscura albums --json | jq -r \'.[].name\'']
  }, async () => (await import('./browse.ts')).runAlbums),
  ls: command({
    summary: 'List the items of an album or folder, or your whole timeline',
    args: '[ALBUM|FOLDER]',
    flags: ['ls'],
    more: ['Times are shown as the photo was taken, with its UTC offset when the file gave one.'],
    examples: ['obscura ls "Shanghai 2023"', 'obscura ls --json']
  }, async () => (await import('./browse.ts')).runLs),
  download: command({
    summary: 'Download and decrypt an album or folder, verifying every block',
    args: 'ALBUM|FOLDER',
    flags: ['download'],
    more: ['Run again into the same folder, it fetches only what is not there yet.'],
    examples: ['obscura download "Shanghai 2023" --out ./restored']
  }, async () => (await import('./transfer.ts')).runDownload),
  add: command({
    summary: 'Put items into another album or folder too (no re-upload)',
    args: 'ALBUM|FOLDER NAME|ID...',
    flags: ['add'],
    examples: ['obscura add "Shanghai 2023" IMG_0001.JPG IMG_0002.JPG --to Favourites']
  }, async () => (await import('./organise.ts')).runAdd),
  mv: command({
    summary: 'Move items to another album or folder',
    args: 'ALBUM|FOLDER NAME|ID...',
    flags: ['mv'],
    examples: ['obscura mv Inbox IMG_0001.JPG --to-folder Trips/2023']
  }, async () => (await import('./organise.ts')).runMv),
  rename: command({
    summary: 'Rename an item',
    args: 'ALBUM|FOLDER NAME|ID NEW-NAME',
    flags: ['rename'],
    examples: ['obscura rename "Shanghai 2023" IMG_0001.JPG "The Bund at night.jpg"']
  }, async () => (await import('./organise.ts')).runRename),
  rm: command({
    summary: 'Move items to the trash (or delete them for good)',
    args: 'ALBUM|FOLDER NAME|ID...',
    flags: ['rm'],
    more: ['Items stay in the trash 30 days; `obscura restore` brings them back.'],
    examples: ['obscura rm "Shanghai 2023" IMG_0001.JPG', 'obscura rm Screenshots --all --permanent shot.png']
  }, async () => (await import('./trash.ts')).runRm),
  trash: command({
    summary: 'List the trash (kept 30 days), or empty it',
    args: '',
    flags: ['trash'],
    examples: ['obscura trash', 'obscura trash --empty']
  }, async () => (await import('./trash.ts')).runTrash),
  restore: command({
    summary: 'Bring items back from the trash',
    args: 'ALBUM|FOLDER NAME|ID...',
    flags: ['restore'],
    examples: ['obscura restore "Shanghai 2023" IMG_0001.JPG']
  }, async () => (await import('./trash.ts')).runRestore),
  share: command({
    summary: 'Share an album with another user (of this node, or of another by invitation), or change their role',
    args: 'ALBUM',
    flags: ['share'],
    examples: ['obscura share "Shanghai 2023" --with bob --role collaborator', 'obscura share "Shanghai 2023" --with "$(cat bob-invitation.txt)"']
  }, async () => (await import('./share.ts')).runShare),
  unshare: command({
    summary: 'Remove a member from an album (it is re-keyed)',
    args: 'ALBUM',
    flags: ['unshare'],
    examples: ['obscura unshare "Shanghai 2023" --with bob', 'obscura unshare "Shanghai 2023" --with carol@12D3KooW…']
  }, async () => (await import('./share.ts')).runUnshare),
  members: command({
    summary: 'List who an album is shared with, and their roles',
    args: 'ALBUM',
    flags: ['members'],
    examples: ['obscura members "Shanghai 2023"']
  }, async () => (await import('./share.ts')).runMembers),
  leave: command({
    summary: 'Leave an album someone shared with you',
    args: 'ALBUM',
    flags: ['leave'],
    examples: ['obscura leave "Alice\'s wedding"']
  }, async () => (await import('./share.ts')).runLeave),
  link: command({
    summary: 'Public links: create, list, revoke; download from or upload to one (no account)',
    args: 'create ALBUM | list ALBUM | revoke URL|TOKEN | revoke ID --album ALBUM | download URL | upload URL PATH...',
    flags: ['link create', 'link list', 'link revoke', 'link download', 'link upload'],
    more: ['Link passwords come from $OBSCURA_LINK_PASSWORD or a prompt. The part of a link after # is its key: the node never sees it.'],
    examples: [
      'obscura link create "Shanghai 2023" --expires 7d --password',
      'obscura link download "https://photos.example.org/s/…#…" --out ./from-link'
    ]
  }, async () => (await import('./link.ts')).runLink),
  invite: command({
    summary: 'Print your invitation, with which users of other nodes share albums with you',
    args: '',
    flags: ['invite'],
    examples: ['obscura invite > my-invitation.txt']
  }, async () => (await import('./invite.ts')).runInvite),
  admin: command({
    summary: 'Node administration: invites, users, quotas',
    args: 'invite | invites | revoke-invite ID | users | quota USER BYTES',
    flags: ['admin invite', 'admin invites', 'admin revoke-invite', 'admin users', 'admin quota'],
    examples: ['obscura admin invite', 'obscura admin invites', 'obscura admin revoke-invite 3f2a9c', 'obscura admin quota bob 50000000000']
  }, async () => (await import('./admin.ts')).runAdmin),
  's3-dev': command({
    summary: 'Start a local S3 server (s3rver) with a bucket and CORS, for development',
    args: '',
    flags: ['s3-dev'],
    examples: ['obscura s3-dev --port 4568 --dir ./data-s3']
  }, async () => (await import('./s3-dev.ts')).runS3Dev),
  completion: command({
    summary: 'Print a shell completion script (bash or zsh)',
    args: 'bash|zsh',
    flags: ['completion'],
    more: ['Load it from your shell\'s start-up file.'],
    examples: ['echo \'source <(obscura completion bash)\' >> ~/.bashrc', 'obscura completion zsh > "${fpath[1]}/_obscura"']
  }, async () => (await import('./completion.ts')).runCompletion)
}
