/**
 * `obscura upload` keeps a photo library a photo library ([Note: what an upload accepts],
 * src/media/sniff.ts): files that are no photo or video, empty files and damaged images are refused,
 * one line each on stderr saying why, the others are uploaded, and the exit code says something
 * was refused. `--any-file` uploads them all as they are.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { makePng, makeRefusedFiles, type RefusedFixture } from '../helpers/media.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('cli upload refusals', function () {
  this.timeout(120_000)
  let node: TestNode
  let alice: CliUser
  let work: string
  let refused: RefusedFixture[]

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-refusals-password')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-refusals-'))
    refused = await makeRefusedFiles(work)
    await makePng(join(work, 'real.png'))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('refuses a text file, a PDF, an empty and a damaged .jpg with one line each, and uploads the rest', async function () {
    const result = await runCli(alice, ['upload', work, '--album', 'Mixed'])
    expect(result.code).to.equal(1)
    const lines = result.stderr.trim().split('\n').filter((l) => l.startsWith('obscura: refused: '))
    expect(lines.sort()).to.deep.equal(refused.map((r) => `obscura: refused: ${r.name}: ${r.reason}`).sort())
    expect(result.stderr).not.to.match(/placeholder|cannot decode this image format/)
    expect(result.stdout).to.match(/Uploaded 1 file .*refused 5/)
    const rows = await cliJson<Array<{ name: string }>>(alice, ['ls', 'Mixed'])
    expect(rows.map((r) => r.name)).to.deep.equal(['real.png'])
  })

  it('says in its help which files it refuses and what the exit code means', async function () {
    const help = await cliOk(alice, ['upload', '--help'])
    expect(help.stdout).to.match(/refused/).and.to.match(/exit code is 0 when nothing was refused, 1 when/).and.to.match(/--any-file/)
  })

  it('uploads every file as it is with --any-file', async function () {
    const result = await cliOk(alice, ['upload', join(work, 'notes.txt'), join(work, 'invoice.pdf'), '--album', 'Anything', '--any-file'])
    expect(result.stderr).not.to.match(/refused/)
    expect((await cliJson<Array<{ name: string }>>(alice, ['ls', 'Anything'])).map((r) => r.name).sort()).to.deep.equal(['invoice.pdf', 'notes.txt'])
  })
})
