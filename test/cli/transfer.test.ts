/**
 * `obscura upload` and `obscura download` end to end, as child processes against a real node: a
 * mixed folder (JPEG with EXIF, PNG, MP4, a 50 MiB file), listings, duplicate skipping, and an
 * upload killed half-way that resumes without sending again what the node already stored — or,
 * for a file edited in place meanwhile, without sealing its new bytes under the old key and nonces.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { openItem } from '../../src/client/download.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { assertOneLineError, cliAccount, cliJson, cliOk, finished, newCliUser, runCli, spawnCli, type CliUser } from '../helpers/cli.ts'
import { bytesSource, openLibrary } from '../helpers/client.ts'
import { editEveryChunk, keystreamReuse, storedChunks } from '../helpers/keystream.ts'
import { makeJpeg, makeMp4, makePng, makeRandomFile, readExif } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import type { IncomingMessage } from 'node:http'

const MiB = 1024 * 1024
const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex')

describe('cli upload and download', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  let photos: string
  const files: Record<string, { size: number, hash: string }> = {}

  const usedBytes = async (): Promise<number> => (await node.node.accounts.findByUsername('alice'))!.usedBytes

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-cli-password')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-transfer-'))
    photos = join(work, 'Holiday')
    await mkdir(join(photos, 'day 2'), { recursive: true })
    await makeJpeg(join(photos, 'IMG_0001.JPG'), { make: 'Obscura Test Camera', model: 'OT-1', gps: { latitude: 31.2304, longitude: 121.4737 } })
    await makePng(join(photos, 'screenshot.png'))
    await makeMp4(join(photos, 'day 2', 'clip.mp4'))
    await makeRandomFile(join(photos, 'day 2', 'big.bin'), 50 * MiB)
    await writeFile(join(photos, '.DS_Store'), 'finder clutter')
    for (const [rel, name] of [['IMG_0001.JPG', 'IMG_0001.JPG'], ['screenshot.png', 'screenshot.png'], ['day 2/clip.mp4', 'clip.mp4'], ['day 2/big.bin', 'big.bin']]) {
      const data = await readFile(join(photos, rel as string))
      files[name as string] = { size: data.byteLength, hash: createHash('sha256').update(data).digest('hex') }
    }
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('has fixtures with real EXIF camera and GPS tags', async function () {
    const exif = await readExif(join(photos, 'IMG_0001.JPG'))
    expect(exif.Make).to.equal('Obscura Test Camera')
    expect(exif.GPSLatitude).to.be.closeTo(31.2304, 0.001)
  })

  it('uploads a mixed folder to an album and says what it did', async function () {
    const result = await cliOk(alice, ['upload', '--any-file', photos, '--album', 'Holiday 2023'])
    expect(result.stdout).to.match(/^Uploaded 4 files \(.*\) to album "Holiday 2023"; skipped 0 already uploaded\.\n$/)
    expect(result.stderr).to.equal('')
  })

  it('lists the album with ls --json: one row per file, with the documented fields', async function () {
    const rows = await cliJson<Array<Record<string, unknown>>>(alice, ['ls', 'Holiday 2023'])
    expect(rows).to.have.length(4)
    for (const row of rows) {
      expect(row).to.have.all.keys('id', 'name', 'size', 'mime', 'kind', 'takenAt', 'takenAtLocal', 'favorite', 'archived')
      expect(row.id).to.match(/^[0-9a-f]{32}$/)
      expect(new Date(row.takenAt as string).toISOString()).to.equal(row.takenAt)
    }
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]))
    expect(Object.keys(byName).sort()).to.deep.equal(['IMG_0001.JPG', 'big.bin', 'clip.mp4', 'screenshot.png'])
    expect(byName['IMG_0001.JPG']).to.include({ mime: 'image/jpeg', kind: 'photo', size: files['IMG_0001.JPG']!.size })
    expect(byName['screenshot.png']).to.include({ mime: 'image/png', kind: 'photo' })
    expect(byName['clip.mp4']).to.include({ mime: 'video/mp4', kind: 'video' })
    expect(byName['big.bin']).to.include({ mime: 'application/octet-stream', kind: 'other', size: 50 * MiB })
    const timeline = await cliJson<unknown[]>(alice, ['ls'])
    expect(timeline).to.have.length(4)
  })

  it('lists albums with albums --json', async function () {
    const rows = await cliJson<Array<Record<string, unknown>>>(alice, ['albums'])
    expect(rows).to.have.length(1)
    expect(rows[0]).to.have.all.keys('id', 'kind', 'name', 'items', 'shared', 'role')
    expect(rows[0]).to.include({ kind: 'album', name: 'Holiday 2023', items: 4, shared: false, role: 'owner' })
  })

  it('downloads every file byte-identical under its original name', async function () {
    const out = join(work, 'restored')
    const result = await cliOk(alice, ['download', 'Holiday 2023', '--out', out])
    expect(result.stdout).to.match(/^Downloaded 4 items/)
    expect((await readdir(out)).sort()).to.deep.equal(['IMG_0001.JPG', 'big.bin', 'clip.mp4', 'screenshot.png'])
    for (const [name, { hash }] of Object.entries(files)) expect(await sha256(join(out, name)), name).to.equal(hash)
  })

  it('skips files already uploaded on a second run, storing nothing more', async function () {
    const before = await usedBytes()
    const result = await cliOk(alice, ['upload', '--any-file', photos, '--album', 'Holiday 2023'])
    expect(result.stdout).to.match(/Uploaded 0 files .*; skipped 4 already uploaded\./)
    expect(await usedBytes()).to.equal(before)
    expect(await cliJson<unknown[]>(alice, ['ls', 'Holiday 2023'])).to.have.length(4)
  })

  it('adds already uploaded files to another album without uploading them again', async function () {
    const before = await usedBytes()
    const result = await cliOk(alice, ['upload', '--any-file', join(photos, 'IMG_0001.JPG'), '--album', 'Best of'])
    expect(result.stdout).to.match(/Uploaded 0 files .*; skipped 1 already uploaded\./)
    expect(await usedBytes()).to.equal(before)
    const albums = await cliJson<Array<{ name: string, items: number }>>(alice, ['albums'])
    expect(albums.find((a) => a.name === 'Best of')?.items).to.equal(1)
  })

  it('lands two uploads into one album started at the same moment', async function () {
    await cliOk(alice, ['upload', '--any-file', join(photos, 'screenshot.png'), '--album', 'Together'])
    const dir = join(work, 'together')
    await mkdir(dir)
    for (const name of ['left.bin', 'right.bin']) await writeFile(join(dir, name), randomBytes(300_000))
    const results = await Promise.all(['left.bin', 'right.bin'].map(async (name) => await runCli(alice, ['upload', '--any-file', join(dir, name), '--album', 'Together'])))
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const names = (await cliJson<Array<{ name: string }>>(alice, ['ls', 'Together'])).map((r) => r.name).sort()
    expect(names).to.deep.equal(['left.bin', 'right.bin', 'screenshot.png'])
  })

  describe('names', function () {
    it('keeps downloads inside --out whatever the names say, and never overwrites', async function () {
      const library = await openLibrary(await cliAccount(alice))
      const album = await library.ensureAlbum('Odd names')
      const names = ['../escape.txt', '/etc/passwd-copy', '..', 'back\\slash.txt', 'same.bin', 'same.bin']
      await uploadFiles(library, names.map((name) => bytesSource(name, new Uint8Array(randomBytes(100)))), { targets: [album] })
      const out = join(work, 'odd', 'out')
      await cliOk(alice, ['download', 'Odd names', '--out', out])
      expect((await readdir(out)).sort()).to.deep.equal(['.._escape.txt', '_', '_etc_passwd-copy', 'back_slash.txt', 'same (1).bin', 'same.bin'])
      expect(await readdir(join(work, 'odd'))).to.deep.equal(['out'])
    })
  })

  describe('renamed items', function () {
    it('downloads an item under its new name after rename', async function () {
      const dir = join(work, 'to-rename')
      await mkdir(dir)
      await writeFile(join(dir, 'old.jpg.bin'), randomBytes(120_000))
      await cliOk(alice, ['upload', '--any-file', join(dir, 'old.jpg.bin'), '--album', 'Renamed'])
      await cliOk(alice, ['rename', 'Renamed', 'old.jpg.bin', 'new name.bin'])
      const out = join(work, 'renamed-out')
      await cliOk(alice, ['download', 'Renamed', '--out', out])
      expect(await readdir(out)).to.deep.equal(['new name.bin'])
      expect(await sha256(join(out, 'new name.bin'))).to.equal(await sha256(join(dir, 'old.jpg.bin')))
    })
  })

  describe('symbolic links', function () {
    it('follows links to files and folders, and walks a folder that links to itself once', async function () {
      const real = join(work, 'linked-real')
      await mkdir(join(real, 'inner'), { recursive: true })
      await writeFile(join(real, 'a.bin'), randomBytes(30_001))
      await writeFile(join(real, 'inner', 'b.bin'), randomBytes(30_002))
      await symlink(real, join(real, 'inner', 'loop'))
      const outside = join(work, 'linked-outside.bin')
      await writeFile(outside, randomBytes(30_003))
      await symlink(outside, join(real, 'c.bin'))
      await symlink(join(work, 'nowhere'), join(real, 'dangling.bin'))
      await symlink(real, join(work, 'link-to-folder'))
      await symlink(outside, join(work, 'link.bin'))

      const one = await cliOk(alice, ['upload', '--any-file', join(work, 'link.bin'), '--album', 'Linked'])
      expect(one.stdout).to.match(/^Uploaded 1 file /)
      const folder = await cliOk(alice, ['upload', '--any-file', join(work, 'link-to-folder'), '--album', 'Linked'])
      expect(folder.stdout).to.match(/^Uploaded 2 files .*; skipped 1 already uploaded\.\n$/)
      const names = (await cliJson<Array<{ name: string }>>(alice, ['ls', 'Linked'])).map((r) => r.name).sort()
      expect(names).to.deep.equal(['a.bin', 'b.bin', 'link.bin'])
    })
  })

  describe('resume', function () {
    it('resumes a killed upload without re-sending blocks the node already stored', async function () {
      const big = join(work, 'resume.bin')
      await makeRandomFile(big, 40 * MiB)

      // Watch the node: every block PUT that reaches it, and every block it stored.
      const requested: string[] = []
      const stored = new Set<string>()
      let inFlight = 0
      let delayMs = 60
      const onRequest = (req: IncomingMessage): void => {
        if (req.method === 'PUT' && req.url?.startsWith('/api/v1/blocks/') === true) requested.push(req.url.slice('/api/v1/blocks/'.length))
      }
      node.gateway.server.on('request', onRequest)
      const blocks = node.node.blocks
      const put = blocks.put.bind(blocks)
      blocks.put = async (user, cid, bytes) => {
        inFlight++
        try {
          await new Promise((resolve) => setTimeout(resolve, delayMs))
          const result = await put(user, cid, bytes)
          stored.add(cid.toString())
          return result
        } finally {
          inFlight--
        }
      }
      try {
        const before = await usedBytes()
        const child = spawnCli(alice, ['upload', '--any-file', big, '--album', 'Resume'])
        const exited = finished(child)
        while (await usedBytes() - before < 8 * MiB) {
          if (child.exitCode != null) throw new Error(`upload finished before it could be killed: ${JSON.stringify(await exited)}`)
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        child.kill('SIGKILL')
        expect((await exited).signal).to.equal('SIGKILL')
        while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10))
        const storedBefore = new Set(stored)
        expect(storedBefore.size).to.be.within(8, 39)
        const journal = async (): Promise<string[]> => (await readdir(join(alice.home, 'uploads'))).filter((f) => f.endsWith('.json'))
        expect(await journal()).to.have.length(1)

        delayMs = 0
        requested.length = 0
        const result = await cliOk(alice, ['upload', '--any-file', big, '--album', 'Resume'])
        expect(result.stdout).to.match(/Uploaded 1 file /)
        const resent = requested.filter((cid) => storedBefore.has(cid))
        expect(resent, `${resent.length} of ${storedBefore.size} stored blocks sent again`).to.deep.equal([])
        expect(new Set(requested).size).to.equal(requested.length)
        expect(await journal()).to.deep.equal([])

        // Every block the killed run stored is part of the finished item: nothing orphaned.
        const library = await openLibrary(await cliAccount(alice))
        const album = library.resolve('Resume')
        const item = [...album.items.values()][0]!
        const opened = await openItem(library.account.api, album, item)
        const chunks = new Set(opened.manifest.parts.original.chunks.map((c) => c.cid.toString()))
        expect(chunks.size).to.equal(40)
        for (const cid of storedBefore) expect(chunks.has(cid), cid).to.equal(true)
        let sizes = (await node.node.db.blocks.get(item.manifest.toString()))!.size
        for (const cid of chunks) sizes += (await node.node.db.blocks.get(cid))!.size
        expect(await usedBytes() - before).to.equal(sizes)

        const out = join(work, 'resumed')
        await cliOk(alice, ['download', 'Resume', '--out', out])
        expect(await sha256(join(out, 'resume.bin'))).to.equal(await sha256(big))
      } finally {
        node.gateway.server.off('request', onRequest)
        blocks.put = put
      }
    })

    it('resumes a killed upload of a file edited in place (same size, same mtime) without sealing the new bytes under the old key and nonces', async function () {
      const path = join(work, 'edited.bin')
      const size = 16 * MiB + 99
      const original = new Uint8Array(randomBytes(size))
      await writeFile(path, original)
      const mtime = new Date(Date.UTC(2024, 5, 6, 7, 8, 9))
      await utimes(path, mtime, mtime)
      const seenBefore = new Set((await storedChunks(node)).keys())
      const blocks = node.node.blocks
      const put = blocks.put.bind(blocks)
      let inFlight = 0
      blocks.put = async (user, cid, bytes) => {
        inFlight++
        try {
          await new Promise((resolve) => setTimeout(resolve, 60))
          return await put(user, cid, bytes)
        } finally {
          inFlight--
        }
      }
      try {
        const before = await usedBytes()
        const child = spawnCli(alice, ['upload', '--any-file', path, '--album', 'Edited'])
        const exited = finished(child)
        while (await usedBytes() - before < 4 * MiB) {
          if (child.exitCode != null) throw new Error(`upload finished before it could be killed: ${JSON.stringify(await exited)}`)
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        child.kill('SIGKILL')
        expect((await exited).signal).to.equal('SIGKILL')
        while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10))
      } finally {
        blocks.put = put
      }

      const edited = editEveryChunk(original, (n) => new Uint8Array(randomBytes(n)))
      const handle = await open(path, 'r+')
      await handle.write(edited, 0, size, 0)
      await handle.close()
      await utimes(path, mtime, mtime)
      const result = await cliOk(alice, ['upload', '--any-file', path, '--album', 'Edited'])
      expect(result.stdout).to.match(/^Uploaded 1 file /)

      const chunks = new Map([...(await storedChunks(node)).entries()].filter(([cid]) => !seenBefore.has(cid)))
      expect(chunks.size, 'chunks of both runs').to.be.greaterThan(17)
      expect(keystreamReuse(chunks, original, edited), 'ciphertext pairs that give away the XOR of the two versions').to.deep.equal([])
      expect(result.stderr).to.include('obscura: note: edited.bin: it changed since its interrupted upload, so it is uploaded again from the start')
      const out = join(work, 'edited-out')
      await cliOk(alice, ['download', 'Edited', '--out', out])
      expect(Buffer.from(await readFile(join(out, 'edited.bin'))).equals(Buffer.from(edited))).to.equal(true)
    })

    it('stops on Ctrl-C (SIGINT) with one line, then resumes and completes', async function () {
      const file = join(work, 'interrupted.bin')
      await makeRandomFile(file, 12 * MiB)
      const blocks = node.node.blocks
      const put = blocks.put.bind(blocks)
      blocks.put = async (user, cid, bytes) => {
        await new Promise((resolve) => setTimeout(resolve, 80))
        return await put(user, cid, bytes)
      }
      try {
        const before = await usedBytes()
        const child = spawnCli(alice, ['upload', '--any-file', file, '--album', 'Interrupted'])
        const exited = finished(child)
        while (await usedBytes() - before < 2 * MiB) await new Promise((resolve) => setTimeout(resolve, 10))
        child.kill('SIGINT')
        const result = await exited
        expect(assertOneLineError(result)).to.equal('obscura: cancelled; run the same command again to resume')
        expect(result.code, 'exit code of Ctrl-C').to.equal(130)
      } finally {
        blocks.put = put
      }
      const again = await cliOk(alice, ['upload', '--any-file', file, '--album', 'Interrupted'])
      expect(again.stdout).to.match(/^Uploaded 1 file /)
      const out = join(work, 'interrupted-out')
      await cliOk(alice, ['download', 'Interrupted', '--out', out])
      expect(await sha256(join(out, 'interrupted.bin'))).to.equal(await sha256(file))
    })

    it('resumes an interrupted download, skipping the files already there and fetching none of their blocks', async function () {
      const out = join(work, 'download-again')
      const requested: string[] = []
      const onRequest = (req: IncomingMessage): void => {
        if (req.method === 'GET' && req.url?.startsWith('/api/v1/blocks/') === true) requested.push(req.url.slice('/api/v1/blocks/'.length))
      }
      const blocks = node.node.blocks
      const get = blocks.get.bind(blocks)
      blocks.get = async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 100))
        return await get(...args)
      }
      try {
        const child = spawnCli(alice, ['download', 'Holiday 2023', '--out', out])
        const exited = finished(child)
        // Stop it while a file is half-written, after at least one file is complete.
        for (;;) {
          if (child.exitCode != null) throw new Error(`download finished before it could be stopped: ${JSON.stringify(await exited)}`)
          const names = await readdir(out).catch(() => [] as string[])
          if (names.some((n) => n.endsWith('.obscura-partial')) && names.some((n) => !n.endsWith('.obscura-partial'))) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        child.kill('SIGINT')
        const stopped = await exited
        expect(assertOneLineError(stopped)).to.equal('obscura: cancelled; run the same command again to resume')
        expect(stopped.code).to.equal(130)
      } finally {
        blocks.get = get
      }
      const complete = await readdir(out)
      expect(complete.filter((n) => n.endsWith('.obscura-partial')), 'partial files removed').to.deep.equal([])
      expect(complete.length).to.be.within(1, 3)

      const again = await cliOk(alice, ['download', 'Holiday 2023', '--out', out])
      expect(again.stdout).to.match(new RegExp(`^Downloaded ${4 - complete.length} items? \\(.*\\) to .*; ${complete.length} already there\\n$`))
      expect((await readdir(out)).sort()).to.deep.equal(['IMG_0001.JPG', 'big.bin', 'clip.mp4', 'screenshot.png'])
      for (const [name, { hash }] of Object.entries(files)) expect(await sha256(join(out, name)), name).to.equal(hash)

      // A third run finds everything there: no block of any item is fetched.
      const library = await openLibrary(await cliAccount(alice))
      const album = library.resolve('Holiday 2023')
      const itemBlocks = new Set<string>()
      for (const item of album.items.values()) {
        itemBlocks.add(item.manifest.toString())
        for (const chunk of (await openItem(library.account.api, album, item)).manifest.parts.original.chunks) itemBlocks.add(chunk.cid.toString())
      }
      node.gateway.server.on('request', onRequest)
      try {
        const third = await cliOk(alice, ['download', 'Holiday 2023', '--out', out])
        expect(third.stdout).to.match(/^Downloaded 0 items \(0 B\) to .*; 4 already there\n$/)
      } finally {
        node.gateway.server.off('request', onRequest)
      }
      expect(requested.filter((cid) => itemBlocks.has(cid))).to.deep.equal([])
      expect((await readdir(out)).sort()).to.deep.equal(['IMG_0001.JPG', 'big.bin', 'clip.mp4', 'screenshot.png'])
    })

    it('downloads beside a different file of the same name, once', async function () {
      const out = join(work, 'download-beside')
      await mkdir(out)
      const other = randomBytes(files['screenshot.png']!.size)
      await writeFile(join(out, 'screenshot.png'), other)
      const first = await cliOk(alice, ['download', 'Holiday 2023', '--out', out])
      expect(first.stdout).to.match(/^Downloaded 4 items /)
      expect(first.stdout).not.to.include('already there')
      const second = await cliOk(alice, ['download', 'Holiday 2023', '--out', out])
      expect(second.stdout).to.match(/; 4 already there\n$/)
      expect((await readdir(out)).sort()).to.deep.equal(['IMG_0001.JPG', 'big.bin', 'clip.mp4', 'screenshot (1).png', 'screenshot.png'])
      expect((await readFile(join(out, 'screenshot.png'))).equals(other)).to.equal(true)
      expect(await sha256(join(out, 'screenshot (1).png'))).to.equal(files['screenshot.png']!.hash)
    })

    it('refuses to start without files and says why', async function () {
      const result = await runCli(alice, ['upload', '--any-file', join(work, 'does-not-exist')])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/^obscura: no such file or folder: /)
    })
  })
})
