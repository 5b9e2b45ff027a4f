/**
 * `npm run bench -- <name>...`: runs the named benchmarks (all when none is named), prints each
 * one's figures and writes them with the machine's description to bench/results/<name>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import type { BenchResult } from './lib.ts'

const BENCHMARKS: Record<string, () => Promise<{ run: () => Promise<BenchResult> }>> = {
  cli: async () => import('./cli.ts'),
  format: async () => import('./format.ts'),
  upload: async () => import('./upload.ts'),
  sync: async () => import('./sync.ts'),
  grants: async () => import('./grants.ts'),
  federation: async () => import('./federation.ts'),
  s3: async () => import('./s3.ts'),
  media: async () => import('./media.ts'),
  webui: async () => import('./webui.ts')
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const selected = names.length === 0 ? Object.keys(BENCHMARKS) : names
for (const name of selected) {
  if (BENCHMARKS[name] == null) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}\n`)
    process.exit(2)
  }
}

await mkdir(new URL('./results/', import.meta.url), { recursive: true })
for (const name of selected) {
  process.stdout.write(`\n== ${name} ==\n`)
  const { run } = await (BENCHMARKS[name] as () => Promise<{ run: () => Promise<BenchResult> }>)()
  const result = await run()
  for (const [figure, { value, unit, target }] of Object.entries(result.figures)) {
    process.stdout.write(`  ${figure.padEnd(44)} ${String(value).padStart(12)} ${unit}${target != null ? `   (target ${target})` : ''}\n`)
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`)
  const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 1024 ** 3) }
  await writeFile(new URL(`./results/${name}.json`, import.meta.url), JSON.stringify({ ...result, machine, at: new Date().toISOString() }, null, 2) + '\n')
}
