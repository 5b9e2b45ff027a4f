#!/usr/bin/env node
// Developer tasks behind `npm test`, `npm run typecheck`, `npm run bench`, `npm run soak` and `npm run build`,
// run under Node >= 22 (see modern-node.mjs). Each task is a child process so that its exit
// code becomes ours. `test` first makes sure a Chromium runs for the browser tests (see the note
// below).
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ensureModernNode } from './modern-node.mjs'

await ensureModernNode()

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))
const [task, ...rest] = process.argv.slice(2)

function run (command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: root })
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

const node = process.execPath
const tasks = {
  typecheck: () => run(node, [bin('tsc'), '--noEmit', '-p', 'tsconfig.json']),
  async build () {
    const code = await run(node, [bin('vite'), 'build', '--config', 'webui/vite.config.ts', '--logLevel', 'warn'])
    return code !== 0 ? code : await run(node, [fileURLToPath(new URL('./build-cli.mjs', import.meta.url))])
  },
  mocha: (...extra) => run(node, [bin('mocha'), ...extra, ...rest]),
  bench: () => run(node, ['--import', 'tsx', '--expose-gc', 'bench/run.ts', ...rest]),
  soak: () => run(node, ['--import', 'tsx', 'bench/soak.ts', ...rest]),
  // Line and branch coverage of src/, node/, gateway/ and webui/src/ over the whole mocha run
  // (its workers and the node and CLI processes tests spawn inherit NODE_V8_COVERAGE); the
  // browser's own execution is not counted. Report in coverage/ (text summary on stdout).
  coverage: () => run(node, [bin('c8'), '--reporter=text-summary', '--reporter=json-summary', '--reports-dir=coverage',
    '--include=src/**', '--include=node/**', '--include=gateway/**', '--include=webui/src/**', '--include=bin/**',
    '--exclude=webui/src/places/data.ts', node, bin('mocha'), ...rest]),
  async test () {
    for (const step of ['typecheck', 'build']) {
      const code = await tasks[step]()
      if (code !== 0) return code
    }
    const browser = await ensureChromium()
    if (browser === 'ok') return tasks.mocha()
    process.stderr.write(`npm test: ${browser}\n`)
    if (process.env.CI) return 1
    process.stderr.write('npm test: the browser tests (test/webui) are skipped; the others run\n')
    return tasks.mocha('--ignore', 'test/webui/**')
  }
}

/**
 * [Note: a Chromium for the browser tests]
 * test/helpers/chromium.ts finds one (`chromium` on the PATH, else npm's @sparticuz/chromium).
 * When none runs and this is root with apt-get (a fresh Debian machine or CI), Debian's chromium
 * is installed, saying so in one line (not when $OBSCURA_CHROMIUM names one: that one is meant). Otherwise the browser tests are skipped with one line
 * saying what to install, except under CI, where that fails the run. Returns 'ok' or the reason.
 */
async function ensureChromium () {
  const check = () => new Promise((resolve) => {
    const child = spawn(node, ['--import', 'tsx', 'test/helpers/chromium.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (text) => { out += text })
    child.on('exit', (code) => resolve({ ok: code === 0, line: out.trim() }))
  })
  let found = await check()
  if (found.ok) return 'ok'
  const aptGet = '/usr/bin/apt-get'
  if (!process.env.OBSCURA_CHROMIUM && process.getuid?.() === 0 && existsSync(aptGet)) {
    process.stderr.write(`npm test: ${found.line}\nnpm test: installing Debian's chromium with apt-get for the browser tests\n`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    const quiet = (args) => new Promise((resolve) => spawn(aptGet, args, { stdio: ['ignore', 'ignore', 'inherit'], env }).on('exit', resolve))
    if (await quiet(['update', '-qq']) === 0 && await quiet(['install', '-y', '-qq', '--no-install-recommends', 'chromium']) === 0) {
      found = await check()
      if (found.ok) return 'ok'
    }
  }
  return found.line
}

if (!(task in tasks)) {
  process.stderr.write(`usage: run.mjs ${Object.keys(tasks).join('|')} [args]\n`)
  process.exit(2)
}
process.exit(await tasks[task]())
