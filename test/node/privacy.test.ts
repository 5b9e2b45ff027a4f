/**
 * The marker scan: what the node operator can read on disk. Files are uploaded through the CLI
 * with known marker strings in their names, album and folder names, EXIF (camera, caption, GPS),
 * video title and content; then every byte of every file under the node's data folder (blocks,
 * LevelDB metadata, Helia datastore) and every LevelDB entry, decoded, is searched for those
 * markers — as UTF-8, UTF-16 (both byte orders), hex and base64 — and for raw windows of the
 * original files. None may appear.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, type CliUser } from '../helpers/cli.ts'
import { makeJpeg, makeMp4, readExif } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { listFiles } from '../helpers/store.ts'

const MARKERS = {
  name: 'MARKER-NAME-4417',
  clip: 'MARKER-CLIP-5090',
  album: 'MARKER-ALBUM-9302',
  folder: 'MARKER-FOLDER-5521',
  subfolder: 'MARKER-SUB-6170',
  camera: 'MARKER-CAMERA-7731',
  model: 'MARKER-MODEL-2290',
  caption: 'MARKER-CAPTION-6604',
  video: 'MARKER-VIDEO-3318',
  content: 'MARKER-CONTENT-1209',
  renamed: 'MARKER-RENAMED-8123'
}

/** Every encoding under which a string could sit in a file or a database value. */
function forms (marker: string): Array<{ how: string, bytes: Buffer }> {
  const utf8 = Buffer.from(marker, 'utf8')
  const utf16be = Buffer.from(marker, 'utf16le').swap16()
  const out = [
    { how: 'utf-8', bytes: utf8 },
    { how: 'utf-16le', bytes: Buffer.from(marker, 'utf16le') },
    { how: 'utf-16be', bytes: utf16be },
    { how: 'hex', bytes: Buffer.from(utf8.toString('hex')) },
    { how: 'lowercase', bytes: Buffer.from(marker.toLowerCase()) }
  ]
  // Base64 at each of the three alignments, keeping only characters fixed by the marker itself.
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64')
    out.push({ how: `base64+${shift}`, bytes: Buffer.from(text.slice(shift === 0 ? 0 : 4, -4)) })
  }
  return out
}

/** Base64 runs inside a text, decoded (LevelDB values hold binary fields as base64). */
function decodedBase64Runs (text: string): Buffer[] {
  return [...text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64'))
}

describe('node privacy: marker scan', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  const originals: Buffer[] = []

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-privacy-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-privacy-'))
    const dir = join(work, 'upload')
    await mkdir(dir)
    const jpeg = join(dir, `${MARKERS.name}.jpg`)
    await makeJpeg(jpeg, { make: MARKERS.camera, model: MARKERS.model, description: MARKERS.caption, gps: { latitude: -33.8568, longitude: 151.2153 } })
    await makeMp4(join(dir, `${MARKERS.clip}.mp4`), MARKERS.video)
    await writeFile(join(dir, 'notes.txt'), `${MARKERS.content}\n`.repeat(200))
    await writeFile(join(dir, 'to-rename.txt'), 'soon renamed\n')
    for (const name of [`${MARKERS.name}.jpg`, `${MARKERS.clip}.mp4`, 'notes.txt']) originals.push(await readFile(join(dir, name)))

    await cliOk(alice, ['upload', '--any-file', dir, '--album', MARKERS.album])
    await cliOk(alice, ['upload', '--any-file', dir, '--folder', `${MARKERS.folder}/${MARKERS.subfolder}`])
    await cliOk(alice, ['rename', MARKERS.album, 'to-rename.txt', MARKERS.renamed])
    await cliOk(alice, ['rm', MARKERS.album, 'notes.txt'])
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('uploaded what the scan looks for (the markers are really in the plaintext)', async function () {
    const exif = await readExif(join(work, 'upload', `${MARKERS.name}.jpg`))
    expect(exif).to.include({ Make: MARKERS.camera, Model: MARKERS.model, ImageDescription: MARKERS.caption })
    expect(exif.GPSLatitude).to.be.closeTo(-33.8568, 0.001)
    const names = (await cliJson<Array<{ name: string }>>(alice, ['ls', MARKERS.album])).map((r) => r.name)
    expect(names).to.include.members([`${MARKERS.name}.jpg`, `${MARKERS.clip}.mp4`, MARKERS.renamed])
    const albums = (await cliJson<Array<{ name: string }>>(alice, ['albums'])).map((a) => a.name)
    expect(albums).to.include.members([MARKERS.album, `${MARKERS.folder}/${MARKERS.subfolder}`])
  })

  it('leaves no marker in any file under the data folder, in any encoding', async function () {
    const files = await listFiles(node.dataDir)
    expect(files.some((f) => f.includes('/blocks/'))).to.equal(true)
    expect(files.some((f) => f.includes('/meta/'))).to.equal(true)
    const found: string[] = []
    let sawUsername = false
    for (const file of files) {
      const bytes = await readFile(file)
      if (bytes.includes(Buffer.from('"username":"alice"'))) sawUsername = true
      for (const [key, marker] of Object.entries(MARKERS)) {
        for (const { how, bytes: needle } of forms(marker)) {
          if (bytes.includes(needle)) found.push(`${key} as ${how} in ${file}`)
        }
        if (bytes.includes(Buffer.from('MARKER-'))) found.push(`"MARKER-" in ${file}`)
      }
    }
    expect(found).to.deep.equal([])
    // Control: what the node may know (the username) is found by the same scan.
    expect(sawUsername).to.equal(true)
  })

  it('leaves no marker in any LevelDB entry once decoded (metadata and Helia datastore)', async function () {
    const texts: string[] = []
    for await (const [key, value] of node.node.db.level.iterator({ keyEncoding: 'utf8', valueEncoding: 'utf8' })) texts.push(key, String(value))
    expect(texts.length).to.be.greaterThan(10)
    const blobs: Buffer[] = texts.flatMap((t) => [Buffer.from(t), ...decodedBase64Runs(t)])
    for await (const { key, value } of node.node.helia.datastore.query({})) blobs.push(Buffer.from(key.toString()), Buffer.from(value))
    const found: string[] = []
    for (const blob of blobs) {
      for (const [key, marker] of Object.entries(MARKERS)) {
        for (const { how, bytes } of forms(marker)) if (blob.includes(bytes)) found.push(`${key} as ${how}`)
      }
    }
    expect(found).to.deep.equal([])
    // The node does know the username; the scan would have seen it.
    expect(blobs.some((b) => b.includes(Buffer.from('alice')))).to.equal(true)
  })

  it('stores no window of the original bytes (EXIF and GPS tags, frames, text)', async function () {
    const windows: Buffer[] = []
    for (const original of originals) {
      // Dense near the start, where JPEG EXIF (camera, GPS) and MP4 headers live; sparse after.
      for (let at = 2; at + 24 <= Math.min(original.byteLength, 4096); at += 64) windows.push(original.subarray(at, at + 24))
      for (let at = 4096; at + 24 <= original.byteLength; at += 4096) windows.push(original.subarray(at, at + 24))
    }
    const distinctive = windows.filter((w) => new Set(w).size > 4)
    expect(distinctive.length).to.be.greaterThan(50)
    const leaks: string[] = []
    for (const file of await listFiles(node.dataDir)) {
      const bytes = await readFile(file)
      for (const window of distinctive) if (bytes.includes(window)) leaks.push(`${window.toString('hex')} in ${file}`)
    }
    expect(leaks).to.deep.equal([])
  })
})
