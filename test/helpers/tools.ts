/**
 * The command-line tools the media fixtures are made with, found the way `npm install` alone
 * provides them: ffmpeg and ffprobe as the node finds them (node/media/ffmpeg.ts: the PATH's,
 * else npm's static builds), ExifTool on the PATH or else the Perl script that the
 * `exiftool-vendored.pl` package ships, run by the machine's perl. A missing tool fails with one
 * line saying what to install, never a bare ENOENT.
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { promisify } from 'node:util'
import { findFfmpeg } from '../../node/media/ffmpeg.ts'

const run = promisify(execFile)

/** A command and the arguments that come before the caller's own. */
export interface Command { file: string, args: string[] }

export interface FixtureTools { ffmpeg: Command, exiftool: Command }

async function runs (command: Command, versionFlag: string): Promise<boolean> {
  return await run(command.file, [...command.args, versionFlag], { timeout: 20_000 }).then(() => true, () => false)
}

async function findExiftool (): Promise<Command | undefined> {
  const system = { file: 'exiftool', args: [] }
  if (await runs(system, '-ver')) return system
  let script: string
  try {
    script = createRequire(import.meta.url)('exiftool-vendored.pl') as string
  } catch {
    return undefined
  }
  const vendored = { file: 'perl', args: [script] }
  return await runs(vendored, '-ver') ? vendored : undefined
}

let found: Promise<FixtureTools> | undefined

/** ffmpeg and exiftool for making fixtures; rejects with what to install when one is missing. */
export async function fixtureTools (): Promise<FixtureTools> {
  found ??= (async () => {
    const [{ ffmpeg }, exiftool] = await Promise.all([findFfmpeg(), findExiftool()])
    if (ffmpeg == null) throw new Error('media fixtures need ffmpeg: run `npm install` (it brings @ffmpeg-installer/ffmpeg) or install ffmpeg')
    if (exiftool == null) throw new Error('media fixtures need ExifTool: run `npm install` (it brings exiftool-vendored.pl, run by perl) or install exiftool (Debian: libimage-exiftool-perl)')
    return { ffmpeg: { file: ffmpeg.path, args: [] }, exiftool }
  })()
  return await found
}

/** Runs a fixture tool with the caller's arguments; stdout as text. */
export async function runTool (which: keyof FixtureTools, args: string[]): Promise<string> {
  const command = (await fixtureTools())[which]
  const { stdout } = await run(command.file, [...command.args, ...args], { maxBuffer: 16 * 1024 * 1024 })
  return stdout
}
