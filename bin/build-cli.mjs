// Bundles the `obscura` client commands into plain JavaScript under dist/cli/ (run by `npm run
// build`, hence by `npm install`'s prepare and by `npm test`).
//
// [Note: CLI start-up] A user who runs `obscura ls` in a loop waits for start-up every time. Run
// from source, a command spends ~120 ms stripping TypeScript types and ~100 ms resolving and
// reading ~400 modules before it does any work; one bundle with a chunk per command (esbuild
// code splitting keeps each command's modules lazy) cuts both. The long-running commands
// (`node`, `s3-dev`) keep running from source: their start-up does not matter, and they load
// native modules and files next to the sources. Because a bundle can fall behind the sources
// (a developer edits a .ts file and runs `npx obscura`), the build records the size and mtime of
// every source file it read, and bin/obscura.mjs runs the sources instead whenever one differs.
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = join(root, 'dist', 'cli')

// `node` and `s3-dev` run from source (bin/obscura.mjs): left out of the bundle, which then holds
// no Helia, libp2p or Koa.
const fromSourceCommands = {
  name: 'obscura-from-source-commands',
  setup (build) {
    build.onResolve({ filter: /^\.\/(node|s3-dev)\.ts$/ }, (args) => ({
      path: new URL(args.path, `file://${args.importer}`).href,
      external: true
    }))
  }
}

export async function buildCli () {
  const esbuild = await import('esbuild')
  await rm(outdir, { recursive: true, force: true })
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['node/cli/main.ts'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outdir,
    metafile: true,
    logLevel: 'warning',
    // Native add-ons, and packages that find files next to themselves (libheif-js, which heic-decode loads),
    // stay in node_modules and are loaded from there at run time.
    external: ['sharp', 'classic-level', 'libheif-js'],
    plugins: [fromSourceCommands],
    // Bundled CommonJS packages call require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __obscuraRequire } from 'node:module'; const require = __obscuraRequire(import.meta.url);" }
  })
  // A bundled CommonJS module that reads __dirname would look for its files in dist/cli: make
  // such a package external above rather than ship a command that fails at run time.
  for (const [file, { inputs: from }] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.js')) continue
    if (/\b__(dirname|filename)\b/.test(await readFile(join(root, file), 'utf8'))) {
      throw new Error(`${file} uses __dirname or __filename (from ${Object.keys(from).join(', ')}): add its package to \`external\` in bin/build-cli.mjs`)
    }
  }
  const inputs = {}
  for (const path of [...Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/')), 'package-lock.json']) {
    const info = await stat(join(root, path)).catch(() => null)
    if (info != null) inputs[path] = [info.size, info.mtimeMs]
  }
  await writeFile(join(outdir, 'inputs.json'), JSON.stringify(inputs))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli()
