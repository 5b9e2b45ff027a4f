/**
 * `npm run soak -- --minutes 10 [--kill]`: a bounded soak test, out of CI. It starts a real node
 * (`obscura node`, loopback only) in a fresh folder and runs mixed CLI operations against it —
 * upload, add, mv, rm, rm --permanent, download, share, link create — one at a time, printing
 * the operations done, the failures, and the node's RSS and open file descriptors every 30 s and
 * at the end. With `--kill` the node is killed (SIGKILL) at random moments during operations,
 * `obscura node check` is run on its folder (what the crash left), and it is started again (its
 * start-up check repairs that). At the end the node is stopped, every album must download, and
 * `obscura node check` must find the folder consistent. Exit code 1 on any failure.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const CLI = fileURLToPath(new URL('../bin/obscura.mjs', import.meta.url))
const ALBUMS = ['Soak 1', 'Soak 2', 'Soak 3', 'Soak 4']

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, kill: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } } })
const minutes = Number(values.minutes)
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
  process.stderr.write('soak: --minutes must be a number of minutes, at most 1440\n')
  process.exit(2)
}

interface Run { code: number | null, stdout: string, stderr: string }

function exec (args: string[], env: NodeJS.ProcessEnv, onStart?: (child: ChildProcess) => void): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  onStart?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (t: string) => { stdout += t })
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t })
  return new Promise((resolve) => child.on('close', (code) => { resolve({ code, stdout, stderr }) }))
}

// ---- the node ----------------------------------------------------------------------------------

const work = await mkdtemp(join(tmpdir(), 'obscura-soak-'))
const dataDir = join(work, 'node')
let port = 0
let node: ChildProcess | undefined
const startupLines: string[] = []

async function startNode (): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'node', '--data', dataDir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  node = child
  let output = ''
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    for (const line of t.split('\n')) if (line.startsWith('start-up check:')) startupLines.push(line)
  })
  return await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      output += t
      const url = /running at (http:\/\/\S+)/.exec(output)?.[1]
      if (url != null) {
        port = Number(new URL(url).port)
        resolve(url)
      }
    })
    child.once('exit', (code) => { reject(new Error(`the node exited with ${code}: ${output}`)) })
  })
}

async function stopNode (signal: NodeJS.Signals): Promise<void> {
  const child = node
  if (child == null || child.exitCode != null || child.signalCode != null) return
  const exited = once(child, 'exit')
  child.kill(signal)
  await exited
  node = undefined
}

async function nodeUsage (): Promise<{ rssMiB: number, fds: number } | undefined> {
  const pid = node?.pid
  if (pid == null) return undefined
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const rssMiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024
    return { rssMiB, fds: (await readdir(`/proc/${pid}/fd`)).length }
  } catch {
    return undefined
  }
}

// ---- operations --------------------------------------------------------------------------------

const url = await startNode()
process.on('exit', () => { node?.kill('SIGKILL') })
const user = (name: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('OBSCURA_')) delete env[key]
  return { ...env, OBSCURA_HOME: join(work, `home-${name}`), OBSCURA_NODE: url, OBSCURA_PASSWORD: `${name} soak password`, NO_COLOR: '1' }
}
const alice = user('alice')
const bob = user('bob')

async function must (args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const run = await exec(args, env)
  if (run.code !== 0) throw new Error(`obscura ${args.join(' ')} failed: ${run.stderr.trim()}`)
  return run
}
await must(['signup', 'alice'], alice)
const invite = JSON.parse((await must(['admin', 'invite', '--json'], alice)).stdout) as { code: string }
await must(['signup', 'bob', '--invite', invite.code], bob)

let fileNo = 0
async function newFiles (): Promise<string> {
  const dir = join(work, 'files', String(fileNo++))
  await mkdir(dir, { recursive: true })
  for (let i = 0; i < 1 + randomInt(3); i++) await writeFile(join(dir, `f${fileNo}-${i}.bin`), randomBytes(20_000 + randomInt(400_000)))
  return dir
}
const pick = <T>(list: T[]): T => list[randomInt(list.length)] as T
const albumsMade = new Set<string>()

async function items (album: string): Promise<string[]> {
  if (!albumsMade.has(album)) return []
  const run = await exec(['ls', album, '--json'], alice)
  if (run.code !== 0) return []
  return (JSON.parse(run.stdout) as Array<{ id: string }>).map((r) => r.id)
}

/** One operation: the CLI arguments to run, found from the current state (undefined: nothing to do). */
const OPERATIONS: Record<string, { weight: number, args: () => Promise<string[] | undefined>, done?: (args: string[]) => void }> = {
  upload: { weight: 4, args: async () => ['upload', '--any-file', await newFiles(), '--album', pick(ALBUMS)], done: (a) => albumsMade.add(a[4] as string) },
  add: { weight: 2, args: async () => await move('add') },
  mv: { weight: 2, args: async () => await move('mv') },
  rm: { weight: 1, args: async () => await remove([]) },
  'rm --permanent': { weight: 1, args: async () => await remove(['--permanent']) },
  download: { weight: 2, args: async () => albumsMade.size === 0 ? undefined : ['download', pick([...albumsMade]), '--out', join(work, 'out', String(randomInt(1e9)))] },
  share: { weight: 1, args: async () => albumsMade.size === 0 ? undefined : ['share', pick([...albumsMade]), '--with', 'bob', '--role', pick(['viewer', 'collaborator'])] },
  link: { weight: 1, args: async () => albumsMade.size === 0 ? undefined : ['link', 'create', pick([...albumsMade])] }
}
async function move (verb: 'add' | 'mv'): Promise<string[] | undefined> {
  const from = pick(ALBUMS)
  const ids = await items(from)
  if (ids.length === 0) return undefined
  const to = pick(ALBUMS.filter((a) => a !== from))
  albumsMade.add(to)
  return [verb, from, ...ids.slice(0, 1 + randomInt(Math.min(3, ids.length))), '--to', to]
}
async function remove (extra: string[]): Promise<string[] | undefined> {
  const from = pick(ALBUMS)
  const ids = await items(from)
  if (ids.length < 2) return undefined
  return ['rm', from, pick(ids), ...extra]
}
const weighted = Object.entries(OPERATIONS).flatMap(([name, op]) => Array<string>(op.weight).fill(name))

// ---- the loop ----------------------------------------------------------------------------------

const started = Date.now()
const deadline = started + minutes * 60_000
const counts = new Map<string, { ok: number, failed: number, interrupted: number }>()
const failures: string[] = []
let kills = 0
let crashProblems = 0
let peakRss = 0
let peakFds = 0

async function report (final = false): Promise<void> {
  const usage = await nodeUsage()
  if (usage != null) {
    peakRss = Math.max(peakRss, usage.rssMiB)
    peakFds = Math.max(peakFds, usage.fds)
  }
  const total = [...counts.values()].reduce((s, c) => ({ ok: s.ok + c.ok, failed: s.failed + c.failed, interrupted: s.interrupted + c.interrupted }), { ok: 0, failed: 0, interrupted: 0 })
  const elapsed = Math.round((Date.now() - started) / 1000)
  process.stdout.write(`${final ? 'end ' : ''}${elapsed}s: ${total.ok} ops ok, ${total.failed} failed, ${total.interrupted} interrupted by kills (${kills} kills); ` +
    `node RSS ${usage?.rssMiB.toFixed(0) ?? '-'} MiB (peak ${peakRss.toFixed(0)}), fds ${usage?.fds ?? '-'} (peak ${peakFds})\n`)
}
const timer = setInterval(() => { void report() }, 30_000)
await report()

while (Date.now() < deadline) {
  const name = pick(weighted)
  const op = OPERATIONS[name] as (typeof OPERATIONS)[string]
  let args: string[] | undefined
  try {
    args = await op.args()
  } catch {
    args = undefined
  }
  if (args == null) continue
  const count = counts.get(name) ?? { ok: 0, failed: 0, interrupted: 0 }
  counts.set(name, count)
  const kill = values.kill && randomInt(6) === 0
  let killed = false
  let killer: NodeJS.Timeout | undefined
  const run = await exec(args, alice, kill
    ? () => { killer = setTimeout(() => { killed = true; void stopNode('SIGKILL') }, randomInt(8000)) }
    : undefined)
  clearTimeout(killer)
  if (killed) {
    await stopNode('SIGKILL')
    kills++
    count.interrupted++
    const check = await exec(['node', 'check', '--data', dataDir], alice)
    const found = check.stdout.split('\n').filter((l) => l !== '' && !/consistent|problems found/.test(l)).length
    crashProblems += found
    process.stdout.write(`  kill -9 during ${name}: node check found ${found} problem(s); restarting\n`)
    await startNode()
    continue
  }
  if (run.code === 0) {
    count.ok++
    op.done?.(args)
  } else {
    count.failed++
    failures.push(`${name}: ${run.stderr.trim().split('\n')[0] ?? ''}`)
    process.stdout.write(`  FAILED ${args.join(' ')}: ${run.stderr.trim()}\n`)
  }
}
clearInterval(timer)
await report(true)

// ---- the end: everything listed downloads, and the stopped folder is consistent ------------------

for (const album of albumsMade) {
  const run = await exec(['download', album, '--out', join(work, 'final', album)], alice)
  if (run.code !== 0) failures.push(`final download of ${album}: ${run.stderr.trim()}`)
}
await stopNode('SIGTERM')
const check = await exec(['node', 'check', '--data', dataDir], alice)
if (check.code !== 0) failures.push(`node check after the soak: ${check.stdout.trim()}`)

process.stdout.write('\nper operation (ok / failed / interrupted):\n')
for (const [name, c] of counts) process.stdout.write(`  ${name.padEnd(16)} ${c.ok} / ${c.failed} / ${c.interrupted}\n`)
if (values.kill) {
  process.stdout.write(`kills: ${kills}; problems node check found right after them: ${crashProblems}\n`)
  process.stdout.write(`start-up check lines: ${startupLines.length}\n${startupLines.map((l) => `  ${l}\n`).join('')}`)
}
process.stdout.write(`final node check: ${check.stdout.trim().split('\n').pop() ?? ''}\n`)
process.stdout.write(failures.length === 0 ? 'soak: no failures\n' : `soak: ${failures.length} failure(s):\n${failures.map((f) => `  ${f}\n`).join('')}`)
if (!values.keep) await rm(work, { recursive: true, force: true })
else process.stdout.write(`kept ${work}\n`)
process.exit(failures.length === 0 ? 0 : 1)
