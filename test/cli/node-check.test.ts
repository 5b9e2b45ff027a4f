/**
 * `obscura node check [--repair]` as an operator runs it on a stopped node's data folder: exit 0
 * when consistent, 1 when problems are found (one line each), 0 once --repair fixed them; block
 * files with no record are reported once older than the grace period and deleted by --repair.
 * It refuses, in one line, a running node's folder (NODE_RUNNING) and a folder with no node data.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { sha256 } from 'multiformats/hashes/sha2'
import { NextToLast } from 'blockstore-fs/sharding'
import { CID } from 'multiformats/cid'
import { cliJson, cliOk, newCliUser, runCli, type CliResult, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { faults } from '../../node/faults.ts'

describe('obscura node check', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string

  const check = async (...args: string[]): Promise<CliResult> => await runCli(alice, ['node', 'check', '--data', node.dataDir, ...args])
  const ids = async (where: string): Promise<string[]> => (await cliJson<Array<{ id: string }>>(alice, ['ls', where])).map((r) => r.id)
  const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '')

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-check-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-check-'))
    const files = join(work, 'files')
    await mkdir(files)
    for (let i = 0; i < 2; i++) await writeFile(join(files, `f${i}.bin`), randomBytes(30_000 + i))
    await cliOk(alice, ['upload', '--any-file', files, '--album', 'A'])
    await cliOk(alice, ['upload', '--any-file', join(files, 'f0.bin'), '--album', 'B'])
  })

  after(async function () {
    faults.hook = undefined
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('refuses a folder with no node data, in one line, and creates nothing there', async function () {
    const empty = await mkdtemp(join(work, 'empty-'))
    const result = await runCli(alice, ['node', 'check', '--data', empty])
    expect(result.code).to.equal(1)
    expect(lines(result.stderr)).to.have.length(1)
    expect(result.stderr).to.match(/No node data in .*--data/)
    expect(await readdir(empty)).to.deep.equal([])
  })

  it('refuses the folder of a running node in one line (NODE_RUNNING)', async function () {
    const result = await check()
    expect(result.code).to.equal(1)
    expect(lines(result.stderr)).to.have.length(1)
    expect(result.stderr).to.match(/A node is running on .*\(PID \d+\): stop it first/)
  })

  it('exits 1 on what a crashed commit left, 0 after --repair, and 0 (consistent) on a second run', async function () {
    faults.hook = (step) => { if (step === 'commit:linked') throw new Error('injected crash') }
    try {
      await runCli(alice, ['add', 'A', ...await ids('A'), '--to', 'B'])
    } finally {
      faults.hook = undefined
    }
    let found!: CliResult, repaired!: CliResult, again!: CliResult
    await node.restart(async () => {
      found = await check()
      repaired = await check('--repair')
      again = await check()
    })
    expect(found.code, found.stdout + found.stderr).to.equal(1)
    expect(found.stdout).to.match(/link row \S+ belongs to no committed head/)
    expect(found.stdout).to.match(/problems found; run obscura node check --repair/)
    expect(repaired.code, repaired.stdout + repaired.stderr).to.equal(0)
    expect(repaired.stdout).to.match(/problems repaired/)
    expect(again.code, again.stdout + again.stderr).to.equal(0)
    expect(again.stdout).to.match(/: consistent\n$/)
  })

  it('finds block files with no record older than the grace period; --repair deletes them and leaves young ones', async function () {
    const sharding = new NextToLast()
    const stray = async (age: number): Promise<string> => {
      const cid = CID.createV1(0x55, await sha256.digest(randomBytes(64)))
      const { dir, file } = sharding.encode(cid)
      const path = join(node.dataDir, 'blocks', dir, file)
      await mkdir(join(node.dataDir, 'blocks', dir), { recursive: true })
      await writeFile(path, randomBytes(64))
      const at = (Date.now() - age) / 1000
      await utimes(path, at, at)
      return path
    }
    let old!: string, young!: string, found!: CliResult, repaired!: CliResult
    await node.restart(async () => {
      old = await stray(2 * 24 * 3600 * 1000)
      young = await stray(60_000)
      found = await check()
      repaired = await check('--repair')
    })
    expect(found.code, found.stdout + found.stderr).to.equal(1)
    const reported = lines(found.stdout).filter((line) => line.startsWith('block file'))
    expect(reported).to.have.length(1)
    expect(reported[0]).to.contain(old.slice(node.dataDir.length + 1)).and.to.contain('has no record')
    expect(repaired.code, repaired.stdout + repaired.stderr).to.equal(0)
    expect(existsSync(old), 'the old stray file is deleted').to.equal(false)
    expect(existsSync(young), 'a file younger than the grace period stays').to.equal(true)
    const out = join(work, 'out')
    await cliOk(alice, ['download', 'A', '--out', out])
    expect(await readdir(out)).to.have.length(2)
  })
})
