#!/usr/bin/env node
// The `obscura` command: makes sure a Node.js that runs TypeScript natively runs it (see
// modern-node.mjs), then runs the client commands from their bundle (dist/cli, built by `npm run
// build`) while it is up to date with the sources, and everything else from the sources
// ([Note: CLI start-up] in build-cli.mjs).
import { readFileSync, statSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { fileURLToPath } from 'node:url'
import { ensureModernNode } from './modern-node.mjs'

await ensureModernNode()
// V8 keeps the compiled code of the bundle (and the sources) on disk, so later runs skip compiling.
// (A namespace import: Node 20, which only runs the re-exec above, has no enableCompileCache.)
nodeModule.enableCompileCache?.()

const root = fileURLToPath(new URL('..', import.meta.url))
const FROM_SOURCE = new Set(['node', 's3-dev'])

/** True when dist/cli was built from exactly the source files there are now. */
function bundleIsFresh () {
  try {
    const inputs = JSON.parse(readFileSync(`${root}dist/cli/inputs.json`, 'utf8'))
    for (const [path, [size, mtimeMs]] of Object.entries(inputs)) {
      const info = statSync(root + path)
      if (info.size !== size || info.mtimeMs !== mtimeMs) return false
    }
    return true
  } catch {
    return false
  }
}

const command = process.argv[2]
if (!FROM_SOURCE.has(command) && bundleIsFresh()) {
  await import('../dist/cli/main.js')
} else {
  await import('../node/cli/main.ts')
}
