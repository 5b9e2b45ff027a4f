/**
 * Where video posters come from on a machine with nothing but Node and npm: with no ffmpeg on the
 * PATH the node and the CLI use the static build npm installed, a system ffmpeg on the PATH is
 * preferred when there is one, and `obscura node` says which it uses. (The whole test suite also
 * runs with the system tools hidden: .ci/fresh-machine.)
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import sharp from 'sharp'
import { openItem, readPart } from '../../src/client/download.ts'
import { findFfmpeg } from '../../node/media/ffmpeg.ts'
import { OBSCURA_BIN, cliAccount, cliOk, newCliUser } from '../helpers/cli.ts'
import { openLibrary } from '../helpers/client.ts'
import { makeMp4 } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

/** Starts `obscura node` with `path` as PATH and returns what it printed up to its ffmpeg line. */
async function nodeBanner (dataDir: string, path: string): Promise<string> {
  const child = spawn(process.execPath, [OBSCURA_BIN, 'node', '--data', dataDir, '--port', '0'], { env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text })
  child.stderr.setEncoding('utf8').on('data', (text: string) => { output += text })
  try {
    const deadline = Date.now() + 60_000
    while (!/ffmpeg:.*\n/.test(output)) {
      if (child.exitCode != null || Date.now() > deadline) throw new Error(`obscura node did not print its ffmpeg: ${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return output
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
}

describe('video posters without a system ffmpeg', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let work: string
  /** A PATH with no ffmpeg, ffprobe or anything else in it. */
  let emptyPath: string
  /** A PATH whose ffmpeg and ffprobe are stand-ins that only answer -version. */
  let stubPath: string

  before(async function () {
    work = await mkdtemp(join(tmpdir(), 'obscura-ffmpeg-'))
    emptyPath = join(work, 'empty-bin')
    stubPath = join(work, 'stub-bin')
    await mkdir(emptyPath)
    await mkdir(stubPath)
    for (const tool of ['ffmpeg', 'ffprobe']) {
      await writeFile(join(stubPath, tool), `#!/bin/sh\necho "${tool} version stub"\n`)
      await chmod(join(stubPath, tool), 0o755)
    }
  })

  after(async function () {
    await rm(work, { recursive: true, force: true })
  })

  it('finds the ffmpeg and ffprobe that npm installed when the PATH has none', async function () {
    const found = await findFfmpeg(emptyPath)
    expect(found.ffmpeg?.from).to.equal('npm')
    expect(found.ffmpeg?.path).to.match(/node_modules\/@ffmpeg-installer\/linux-x64\/ffmpeg$/)
    expect(found.ffprobe?.from).to.equal('npm')
    expect(found.ffprobe?.path).to.match(/node_modules\/@ffprobe-installer\/linux-x64\/ffprobe$/)
  })

  it('prefers an ffmpeg on the PATH to the npm one', async function () {
    const found = await findFfmpeg(stubPath)
    expect(found.ffmpeg).to.deep.equal({ path: join(stubPath, 'ffmpeg'), from: 'system' })
    expect(found.ffprobe).to.deep.equal({ path: join(stubPath, 'ffprobe'), from: 'system' })
  })

  it('says at start-up which ffmpeg makes posters: npm\'s when the PATH has none, else the PATH\'s', async function () {
    expect(await nodeBanner(join(work, 'data-npm'), emptyPath)).to.match(/ {2}ffmpeg: {2}\S+\/@ffmpeg-installer\/linux-x64\/ffmpeg \(npm, @ffmpeg-installer\/ffmpeg\)/)
    expect(await nodeBanner(join(work, 'data-system'), stubPath)).to.include(`  ffmpeg:  ${join(stubPath, 'ffmpeg')} (system, from the PATH)`)
  })

  describe('an upload from the CLI with no ffmpeg on the PATH', function () {
    let node: TestNode

    before(async function () {
      node = await startTestNode()
    })

    after(async function () {
      await node?.stop()
    })

    it('stores a real video frame as the poster, not the placeholder, and prints no note', async function () {
      const clip = join(work, 'clip.mp4')
      await makeMp4(clip)
      const user = await newCliUser(node.url, 'poster-password-1')
      await cliOk(user, ['signup', 'poster'])
      const upload = await cliOk(user, ['upload', clip, '--album', 'Posters'], { PATH: emptyPath })
      expect(upload.stderr).to.equal('')
      const library = await openLibrary(await cliAccount(user))
      const album = library.resolve('Posters')
      const opened = await openItem(library.account.api, album, [...album.items.values()][0]!)
      const chunks: Uint8Array[] = []
      for await (const chunk of readPart(library.account.api, opened, 'thumbnail')) chunks.push(chunk)
      const poster = sharp(Buffer.concat(chunks))
      // The placeholder is 256x144 dark grey; ffmpeg's test pattern is 160x120 and colourful.
      expect(await poster.metadata()).to.include({ width: 160, height: 120 })
      const { channels } = await poster.stats()
      expect(Math.max(...channels.map((c) => c.stdev))).to.be.greaterThan(40)
    })
  })
})
