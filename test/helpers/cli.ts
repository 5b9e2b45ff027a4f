/**
 * Runs the real `obscura` command as a child process, the way a user does: under the Node 22
 * binary the tests run on (so no re-exec launcher sits between the test and the CLI and a kill
 * reaches the CLI itself), with its own $OBSCURA_HOME, $OBSCURA_NODE and $OBSCURA_PASSWORD.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { restoreAccount, type Account } from '../../src/client/session.ts'

export const OBSCURA_BIN = fileURLToPath(new URL('../../bin/obscura.mjs', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** One user's CLI: a home folder, a node URL and a password, reused across commands. */
export interface CliUser {
  home: string
  node: string
  password: string
}

export async function newCliUser (node: string, password: string): Promise<CliUser> {
  await ensureCliBundle()
  return { home: await mkdtemp(join(tmpdir(), 'obscura-cli-')), node, password }
}

let bundled: Promise<void> | undefined

/**
 * Builds dist/cli once per test process when it is missing or older than the sources, as `npm
 * test` does before it runs mocha: otherwise, in a test run started without the build (mocha on
 * one file after an edit), every command would run from source, a few hundred milliseconds more
 * each ([Note: CLI start-up] in bin/build-cli.mjs). Same check as bin/obscura.mjs.
 */
export async function ensureCliBundle (): Promise<void> {
  bundled ??= (async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url))
    try {
      const inputs = JSON.parse(await readFile(join(root, 'dist/cli/inputs.json'), 'utf8')) as Record<string, [number, number]>
      let fresh = true
      for (const [path, [size, mtimeMs]] of Object.entries(inputs)) {
        const info = await stat(join(root, path))
        if (info.size !== size || info.mtimeMs !== mtimeMs) fresh = false
      }
      if (fresh) return
    } catch {}
    await promisify(execFile)(process.execPath, [join(root, 'bin/build-cli.mjs')], { cwd: root })
  })()
  await bundled
}

function cliEnv (user: CliUser, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('OBSCURA_')) delete env[key]
  return { ...env, OBSCURA_HOME: user.home, OBSCURA_NODE: user.node, OBSCURA_PASSWORD: user.password, ...extra }
}

/** Starts `obscura ...args`; the caller waits for it with `finished`. */
export function spawnCli (user: CliUser, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [OBSCURA_BIN, ...args], { env: cliEnv(user, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] })
}

export async function finished (child: ChildProcess): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  return await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }) })
  })
}

export async function runCli (user: CliUser, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return await finished(spawnCli(user, args, extraEnv))
}

/** One exchange on a terminal: when `prompt` shows, `answer` is typed and Enter pressed. */
export interface TerminalAnswer { prompt: string, answer: string }

const shellQuote = (word: string): string => `'${word.replace(/'/g, "'\\''")}'`

/**
 * Runs `obscura ...args` on a pseudo-terminal (util-linux `script`), as a user at a keyboard:
 * each time the next prompt shows, its answer is typed. The terminal merges stderr into
 * `stdout`. Variables of `extraEnv` given as undefined are unset (to make the CLI prompt). Colour
 * is off (NO_COLOR=1) unless `extraEnv` says otherwise, so that tests read plain text.
 */
export async function runCliOnTerminal (user: CliUser, args: string[], answers: TerminalAnswer[], extraEnv: Record<string, string | undefined> = {}): Promise<CliResult> {
  const env = cliEnv(user, { NO_COLOR: '1' })
  for (const [key, value] of Object.entries(extraEnv)) {
    if (value == null) delete env[key]
    else env[key] = value
  }
  const command = [process.execPath, OBSCURA_BIN, ...args].map(shellQuote).join(' ')
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  let next = 0
  let from = 0
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    output += text
    while (next < answers.length) {
      const { prompt, answer } = answers[next] as TerminalAnswer
      const at = output.indexOf(prompt, from)
      if (at < 0) break
      from = at + prompt.length
      next++
      child.stdin.write(`${answer}\r`)
    }
  })
  return await finished(child)
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function cliOk (user: CliUser, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(user, args, extraEnv)
  if (result.code !== 0) {
    throw new Error(`obscura ${args.join(' ')} exited ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
  return result
}

/** Runs a command with --json and parses what it printed. */
export async function cliJson<T = any> (user: CliUser, args: string[]): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any -- shapes are asserted by the caller
  return JSON.parse((await cliOk(user, [...args, '--json'])).stdout) as T
}

/**
 * What a user-caused failure must look like: non-zero exit, exactly one line on stderr starting
 * with "obscura: ", and no stack trace anywhere.
 */
export function assertOneLineError (result: CliResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '')
  if (result.code === 0 || result.code == null) throw new Error(`expected a non-zero exit, got ${result.code ?? result.signal}; stderr: ${result.stderr}`)
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${result.stderr}`)
  const line = lines[0] as string
  if (!line.startsWith('obscura: ')) throw new Error(`expected "obscura: ..." on stderr, got: ${line}`)
  if (/\n\s+at |\bat .*:\d+:\d+\)?$/m.test(result.stderr + result.stdout)) throw new Error(`stack trace printed:\n${result.stderr}`)
  return line
}

/** The account a CLI user is logged in as, restored in-process from its saved session. */
export async function cliAccount (user: CliUser): Promise<Account> {
  return await restoreAccount(JSON.parse(await readFile(join(user.home, 'session.json'), 'utf8')))
}
