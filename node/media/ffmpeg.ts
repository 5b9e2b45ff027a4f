/**
 * Which ffmpeg and ffprobe the Node media back end runs. A system binary on the PATH comes first
 * (a distribution's build follows its security updates and knows newer codecs); otherwise the
 * static Linux builds that `npm install` brought inside registry packages
 * (`@ffmpeg-installer/ffmpeg`, `@ffprobe-installer/ffprobe`), so that a machine with nothing but
 * Node and npm still makes real video posters. Each binary is chosen on its own, by running it
 * with `-version`, once per PATH.
 *
 * @example
 * ```ts
 * const found = await findFfmpeg()   // { ffmpeg: { path: '/usr/bin/ffmpeg', from: 'system' }, ... }
 * ```
 */
import { execFile } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'

/** Where a binary came from: the PATH, or an npm package in node_modules. */
export type ToolOrigin = 'system' | 'npm'

export interface FoundTool {
  /** A command name resolved through the PATH (`ffmpeg`) or an absolute path into node_modules. */
  path: string
  from: ToolOrigin
}

export interface FoundFfmpeg {
  /** Absent when neither the PATH nor node_modules has a binary that runs. */
  ffmpeg?: FoundTool
  ffprobe?: FoundTool
}

/** The npm packages whose `path` export is the binary of this platform (they throw elsewhere). */
const NPM_PACKAGES = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' } as const

const runs = new Map<string, Promise<boolean>>()

/** True if `binary -version` runs and exits 0 (with `searchPath` as PATH when given). */
export async function hasTool (binary: string, searchPath?: string): Promise<boolean> {
  const key = `${binary}\0${searchPath ?? ''}`
  let check = runs.get(key)
  if (check == null) {
    const env = searchPath != null ? { ...process.env, PATH: searchPath } : process.env
    check = new Promise((resolve) => {
      execFile(binary, ['-version'], { timeout: 10_000, env }, (err) => { resolve(err == null) })
    })
    runs.set(key, check)
  }
  return await check
}

/** The binary an npm package ships for this platform, or undefined (not installed, other platform). */
function npmBinary (name: keyof typeof NPM_PACKAGES): string | undefined {
  try {
    return (createRequire(import.meta.url)(NPM_PACKAGES[name]) as { path: string }).path
  } catch {
    return undefined
  }
}

async function findTool (name: keyof typeof NPM_PACKAGES, searchPath: string): Promise<FoundTool | undefined> {
  if (await hasTool(name, searchPath)) return { path: name, from: 'system' }
  const shipped = npmBinary(name)
  if (shipped != null && await hasTool(shipped)) return { path: shipped, from: 'npm' }
  return undefined
}

/**
 * ffmpeg and ffprobe: each the one on `searchPath` (default: this process's PATH) if it runs,
 * else the one from npm. A name resolved on a custom `searchPath` is returned as an absolute path
 * so that it runs under any PATH.
 */
export async function findFfmpeg (searchPath = process.env.PATH ?? ''): Promise<FoundFfmpeg> {
  const [ffmpeg, ffprobe] = await Promise.all([findTool('ffmpeg', searchPath), findTool('ffprobe', searchPath)])
  return {
    ...(ffmpeg != null ? { ffmpeg: await absolute(ffmpeg, searchPath) } : {}),
    ...(ffprobe != null ? { ffprobe: await absolute(ffprobe, searchPath) } : {})
  }
}

/** A system tool's full path on `searchPath` (what `obscura node` prints). */
async function absolute (tool: FoundTool, searchPath: string): Promise<FoundTool> {
  if (tool.from !== 'system') return tool
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, tool.path)
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return { path: candidate, from: 'system' }
  }
  return tool
}

/** One line for `obscura node`'s start-up banner: which ffmpeg makes video posters. */
export function describeFfmpeg (found: FoundFfmpeg): string {
  if (found.ffmpeg == null) return 'none found (videos get placeholder posters; run `npm install`, or install ffmpeg)'
  const origin = found.ffmpeg.from === 'system' ? 'system, from the PATH' : `npm, ${NPM_PACKAGES.ffmpeg}`
  return `${found.ffmpeg.path} (${origin})`
}
