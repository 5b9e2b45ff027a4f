/**
 * Running Obscura as separate processes for benchmarks, exactly as users run it: a node started
 * with `obscura node`, and CLI commands with their own OBSCURA_HOME, so that each one's memory
 * can be measured on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { trackPeakRss } from './lib.ts'

const CLI = fileURLToPath(new URL('../bin/obscura.mjs', import.meta.url))

export interface NodeProcess { url: string, child: ChildProcess, stop: () => Promise<void> }

export async function startNodeProcess (dataDir: string): Promise<NodeProcess> {
  const child = spawn(process.execPath, [CLI, 'node', '--data', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /running at (http:\/\/\S+)/.exec(output)
      if (match?.[1] != null) resolve(match[1])
    })
    child.once('exit', (code) => { reject(new Error(`node exited with ${code}: ${output}`)) })
  })
  return {
    url,
    child,
    async stop () {
      child.kill('SIGTERM')
      if (child.exitCode == null) await once(child, 'exit')
    }
  }
}

export interface CliRun { code: number, stdout: string, stderr: string, peakRssMiB: number, ms: number }

export async function runCli (args: string[], env: Record<string, string>): Promise<CliRun> {
  const started = performance.now()
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const rss = trackPeakRss(child.pid as number, 50)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const exited = once(child, 'exit')
  // Read the high-water mark while the process still exists: poll until it ends.
  const [code] = await exited as [number]
  const ms = performance.now() - started
  const peakRssMiB = await rss.stop()
  if (code !== 0) throw new Error(`obscura ${args[0] ?? ''} failed (${code}): ${stderr.trim()}`)
  return { code, stdout, stderr, peakRssMiB, ms }
}
