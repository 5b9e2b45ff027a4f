#!/usr/bin/env node
// Developer tasks behind `npm test`, `npm run typecheck`, `npm run bench` and `npm run build`,
// run under Node >= 22 (see modern-node.mjs). Each task is a child process so that its exit
// code becomes ours.
import { spawn } from 'node:child_process'
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
  mocha: () => run(node, [bin('mocha'), ...rest]),
  bench: () => run(node, ['--import', 'tsx', '--expose-gc', 'bench/run.ts', ...rest]),
  async test () {
    for (const step of ['typecheck', 'build']) {
      const code = await tasks[step]()
      if (code !== 0) return code
    }
    return tasks.mocha()
  }
}

if (!(task in tasks)) {
  process.stderr.write(`usage: run.mjs ${Object.keys(tasks).join('|')} [args]\n`)
  process.exit(2)
}
process.exit(await tasks[task]())
