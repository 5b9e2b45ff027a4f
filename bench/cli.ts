/**
 * CLI start-up, timed as a user waits for it: the whole `obscura` process, from spawn to exit,
 * against a bare `node -e 0` of the same Node binary in the same run. `--help` measures start-up
 * alone; `albums` for a logged-in user with a small library adds restoring the keys, one sync
 * and printing. Each figure is the median of several runs after one warm-up (which also fills
 * V8's compile cache, as a user's first run does).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { round, type BenchResult } from './lib.ts'
import { runCli, startNodeProcess } from './processes.ts'

const CLI = fileURLToPath(new URL('../bin/obscura.mjs', import.meta.url))
const RUNS = 9

async function timeProcess (args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const [code] = await once(child, 'exit') as [number]
  if (code !== 0) throw new Error(`${args.join(' ')} failed (${code}): ${stderr.trim()}`)
  return performance.now() - started
}

async function median (args: string[], env: Record<string, string> = {}): Promise<number> {
  await timeProcess(args, env)
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) times.push(await timeProcess(args, env))
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}

export async function run (): Promise<BenchResult> {
  const work = await mkdtemp(join(tmpdir(), 'obscura-bench-cli-'))
  const node = await startNodeProcess(join(work, 'node'))
  const env = { OBSCURA_HOME: join(work, 'home'), OBSCURA_PASSWORD: 'bench password 1', OBSCURA_NODE: node.url }
  try {
    await runCli(['signup', 'bench'], env)
    // A small library: three albums of a few small files each.
    for (const album of ['Shanghai 2023', 'Family', 'Screenshots']) {
      const dir = join(work, 'files', album)
      await mkdir(dir, { recursive: true })
      for (let i = 0; i < 4; i++) await writeFile(join(dir, `file-${i}.bin`), crypto.getRandomValues(new Uint8Array(4096 + i)))
      await runCli(['upload', '--any-file', dir, '--album', album], env)
    }
    const bare = await median(['-e', '0'])
    const help = await median([CLI, '--help'])
    const albums = await median([CLI, 'albums'], env)
    return {
      name: 'cli',
      figures: {
        'node -e 0 (same binary)': { value: round(bare, 0), unit: 'ms' },
        'obscura --help': { value: round(help, 0), unit: 'ms' },
        'ratio --help / node -e 0': { value: round(help / bare), unit: 'x', target: '<= 5' },
        'obscura albums (logged in, 3 albums)': { value: round(albums, 0), unit: 'ms', target: '<= 500' }
      },
      notes: [`median of ${RUNS} runs after one warm-up; Node ${process.version}`]
    }
  } finally {
    await node.stop()
    await rm(work, { recursive: true, force: true })
  }
}
