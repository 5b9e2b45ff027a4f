/**
 * The media pipeline through the `obscura` command, as a user runs it: an iPhone-style export
 * folder becomes one item per Live Photo, `ls` orders and dates items by when they were taken,
 * `download` restores every file byte-identical (both halves of a Live Photo), broken files are
 * uploaded with a one-line note on stderr, and the node's data folder holds none of the
 * fixtures' GPS values, camera names, content identifiers or file names.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { listFiles } from '../helpers/store.ts'
import { FIXTURES, MARKERS, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'

const files = [
  FIXTURES.jpegGps.file, FIXTURES.jpegSouth.file, FIXTURES.heic.file, FIXTURES.png.file, FIXTURES.webp.file, FIXTURES.mp4.file,
  FIXTURES.mov.file, FIXTURES.livePair.still, FIXTURES.livePair.motion, FIXTURES.liveByName.still, FIXTURES.liveByName.motion,
  FIXTURES.motionPhoto.file, FIXTURES.corruptExif.file, FIXTURES.noExif.file, FIXTURES.brokenJpeg.file, FIXTURES.brokenVideo.file
]

/**
 * A GPS value in the forms it could take on disk: decimal text and IEEE 754 doubles (dag-cbor
 * writes every float as a double; 4-byte floats would match random ciphertext too often).
 */
function gpsForms (value: number): Array<{ how: string, bytes: Buffer }> {
  const double = Buffer.alloc(8)
  const forms = [
    { how: 'text', bytes: Buffer.from(value.toFixed(5)) },
    { how: 'text without sign', bytes: Buffer.from(Math.abs(value).toFixed(4)) }
  ]
  double.writeDoubleBE(value); forms.push({ how: 'float64 BE', bytes: Buffer.from(double) })
  double.writeDoubleLE(value); forms.push({ how: 'float64 LE', bytes: Buffer.from(double) })
  return forms
}

function textForms (marker: string): Array<{ how: string, bytes: Buffer }> {
  return [
    { how: 'utf-8', bytes: Buffer.from(marker) },
    { how: 'utf-16le', bytes: Buffer.from(marker, 'utf16le') },
    { how: 'hex', bytes: Buffer.from(Buffer.from(marker).toString('hex')) },
    { how: 'base64', bytes: Buffer.from(Buffer.from(marker).toString('base64').slice(0, -4)) }
  ]
}

describe('cli: photos, videos and Live Photos', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  let upload: { stdout: string, stderr: string }

  before(async function () {
    await makeFixtures()
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-media-password')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-cli-media-'))
    await mkdir(join(work, 'export'))
    for (const name of files) await copyFile(fixturePath(name), join(work, 'export', name))
    upload = await cliOk(alice, ['upload', '--any-file', join(work, 'export'), '--album', 'iPhone export'])
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('uploads one item per Live Photo and says how many there were', function () {
    expect(upload.stdout).to.match(/^Uploaded 14 files, 3 of them Live Photos \(still and video as one item\) \(.*\) to album "iPhone export"; skipped 0 already uploaded\.\n$/)
  })

  it('prints one note per file it could not fully read, and no other output', function () {
    const lines = upload.stderr.split('\n').filter((l) => l !== '')
    expect(lines).to.have.length(3)
    expect(lines.every((l) => l.startsWith('obscura: note: '))).to.equal(true)
    expect(lines.find((l) => l.includes(FIXTURES.corruptExif.file))).to.match(/EXIF metadata is damaged/)
    expect(lines.find((l) => l.includes(FIXTURES.brokenJpeg.file))).to.match(/could not be decoded.*placeholder/)
    expect(lines.find((l) => l.includes(FIXTURES.brokenVideo.file))).to.match(/ffmpeg could not take a frame.*placeholder/)
  })

  it('lists items newest capture first, with the taken-at time from EXIF and the live kind', async function () {
    const rows = await cliJson<Array<{ name: string, kind: string, takenAt: string }>>(alice, ['ls', 'iPhone export'])
    expect(rows).to.have.length(14)
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]))
    expect(byName[FIXTURES.livePair.still]).to.include({ kind: 'live', takenAt: new Date(FIXTURES.livePair.takenAt.utcMs).toISOString() })
    expect(byName[FIXTURES.jpegGps.file]).to.include({ kind: 'photo', takenAt: new Date(FIXTURES.jpegGps.takenAt.utcMs).toISOString() })
    expect(byName[FIXTURES.livePair.motion]).to.equal(undefined)
    const dated = rows.filter((r) => [FIXTURES.livePair.still, FIXTURES.mp4.file, FIXTURES.jpegGps.file, FIXTURES.heic.file].includes(r.name)).map((r) => r.name)
    expect(dated).to.deep.equal([FIXTURES.livePair.still, FIXTURES.mp4.file, FIXTURES.jpegGps.file, FIXTURES.heic.file])
    const table = (await cliOk(alice, ['ls', 'iPhone export'])).stdout
    // As taken: 17:45:10 UTC on a camera at UTC-05:00.
    expect(table).to.include(`2024-02-29 12:45:10-05:00`)
  })

  it('downloads every file byte-identical, both halves of each Live Photo included', async function () {
    const out = join(work, 'restored')
    await cliOk(alice, ['download', 'iPhone export', '--out', out])
    expect((await readdir(out)).sort()).to.deep.equal([...files].sort())
    for (const name of files) expect((await readFile(join(out, name))).equals(await readFile(fixturePath(name))), name).to.equal(true)
  })

  it('skips the whole export on a second upload', async function () {
    const again = await cliOk(alice, ['upload', '--any-file', join(work, 'export'), '--album', 'iPhone export'])
    expect(again.stdout).to.match(/Uploaded 0 files .*; skipped 14 already uploaded\./)
  })

  it('leaves no GPS value, camera name, content identifier or file name in the node\'s data folder', async function () {
    const needles: Array<{ what: string, bytes: Buffer }> = []
    for (const fixture of Object.values(FIXTURES)) {
      if ('gps' in fixture) for (const v of [fixture.gps.lat, fixture.gps.lon]) for (const f of gpsForms(v)) needles.push({ what: `gps ${v} as ${f.how}`, bytes: f.bytes })
    }
    const strings = [...Object.values(MARKERS), FIXTURES.livePair.contentIdentifier, ...files.map((f) => f.replace(/\.[^.]+$/, ''))]
    for (const s of strings) for (const f of textForms(s)) needles.push({ what: `${s} as ${f.how}`, bytes: f.bytes })
    const found: string[] = []
    const scanned = await listFiles(node.dataDir)
    expect(scanned.length).to.be.greaterThan(10)
    let sawMarker = false
    for (const file of scanned) {
      const bytes = await readFile(file)
      if (bytes.includes(Buffer.from('"username":"alice"'))) sawMarker = true
      for (const needle of needles) if (bytes.includes(needle.bytes)) found.push(`${needle.what} in ${file}`)
    }
    expect(found).to.deep.equal([])
    // Control: the scan does see what the node may know.
    expect(sawMarker).to.equal(true)
    // And the fixtures really carried what the scan looks for.
    const original = await readFile(fixturePath(FIXTURES.jpegGps.file))
    expect(original.includes(Buffer.from(MARKERS.make))).to.equal(true)
  })
})
