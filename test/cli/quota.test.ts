/**
 * Quotas through the CLI: the admin invites a user and gives them a small quota; an upload that
 * does not fit is refused before it sends anything, one that the node refuses half-way fails in
 * one line with its QUOTA_EXCEEDED and stores nothing beyond the quota; deleting for good gives back exactly what the item used; and once the admin raises the
 * quota, the refused upload resumes and completes.
 */
import { statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { blockBytes, blockFiles } from '../helpers/store.ts'

describe('cli quota', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let admin: CliUser
  let bob: CliUser
  let work: string

  const usedBytes = async (): Promise<number> => (await node.node.accounts.findByUsername('bob'))!.usedBytes
  const totalUsed = async (): Promise<number> => {
    let sum = 0
    for await (const user of node.node.db.users.values()) sum += user.usedBytes
    return sum
  }

  before(async function () {
    node = await startTestNode()
    admin = await newCliUser(node.url, 'admin-quota-pw')
    await cliOk(admin, ['signup', 'root'])
    work = await mkdtemp(join(tmpdir(), 'obscura-quota-'))
    await writeFile(join(work, 'small.bin'), randomBytes(400_000))
    await writeFile(join(work, 'huge.bin'), randomBytes(5_000_000))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('lets the admin invite a user and set their quota', async function () {
    const invite = await cliOk(admin, ['admin', 'invite'])
    const code = /: (\S+)\n$/.exec(invite.stdout)?.[1]
    expect(code).to.be.a('string')
    bob = await newCliUser(node.url, 'bob-quota-password')
    const signedUp = await cliOk(bob, ['signup', 'bob', '--invite', code!])
    expect(signedUp.stdout).to.match(/^Signed up and logged in as bob\./)
    const quota = await cliOk(admin, ['admin', 'quota', 'bob', '3000000'])
    expect(quota.stdout).to.equal('bob may now store 3.0 MB (0 B used).\n')
    const refused = await runCli(bob, ['admin', 'quota', 'bob', '999999999'])
    expect(assertOneLineError(refused)).to.include('Only the node admin')
  })

  it('uploads what fits', async function () {
    await cliOk(bob, ['upload', '--any-file', join(work, 'small.bin'), '--album', 'Mine'])
    expect(await usedBytes()).to.be.within(400_000, 420_000)
  })

  it('refuses at once an upload that cannot fit, in human units, sending nothing', async function () {
    const before = await usedBytes()
    const result = await runCli(bob, ['upload', '--any-file', join(work, 'huge.bin'), '--album', 'Mine'])
    const line = assertOneLineError(result)
    expect(line).to.match(/^obscura: this upload needs 5\.0 MB but only 2\.\d MB of your 3\.0 MB quota is left$/)
    expect(await usedBytes()).to.equal(before)
    expect((await cliJson<Array<{ name: string }>>(bob, ['ls', 'Mine'])).map((r) => r.name)).to.deep.equal(['small.bin'])
  })

  it('does not count files already uploaded against what is left', async function () {
    const used = await usedBytes()
    await cliOk(admin, ['admin', 'quota', 'bob', String(used + 1000)])
    try {
      const result = await cliOk(bob, ['upload', '--any-file', join(work, 'small.bin'), '--album', 'Mine'])
      expect(result.stdout).to.match(/Uploaded 0 files .*; skipped 1 already uploaded\./)
      expect(await usedBytes()).to.equal(used)
    } finally {
      await cliOk(admin, ['admin', 'quota', 'bob', '3000000'])
    }
  })

  it('says in human units when the node refuses (QUOTA_EXCEEDED), storing nothing beyond the quota', async function () {
    // Exactly what is left: it passes the CLI's check, but its encryption overhead does not fit.
    const edge = join(work, 'edge.bin')
    await writeFile(edge, randomBytes(3_000_000 - await usedBytes()))
    const result = await runCli(bob, ['upload', '--any-file', edge, '--album', 'Mine'])
    const line = assertOneLineError(result)
    expect(line).to.match(/^obscura: Storage quota exceeded: \d+\.\d [KM]B of 3\.0 MB used, \d+(\.\d)? [KM]?B more requested$/)
    expect(await usedBytes()).to.be.at.most(3_000_000)
    expect(await blockBytes(node.dataDir)).to.equal(await totalUsed())
    expect((await cliJson<Array<{ name: string }>>(bob, ['ls', 'Mine'])).map((r) => r.name)).to.deep.equal(['small.bin'])
  })

  it('gives back exactly the bytes of an item deleted for good', async function () {
    const sizes = new Map([...await blockFiles(node.dataDir)].map((f) => [f, statSync(f).size]))
    const before = await usedBytes()
    await cliOk(bob, ['rm', 'Mine', 'small.bin', '--permanent'])
    const left = await blockFiles(node.dataDir)
    const removed = [...sizes.keys()].filter((f) => !left.has(f))
    expect(removed, 'one chunk and the manifest').to.have.length(2)
    expect(before - await usedBytes()).to.equal(removed.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0))
    expect(await blockBytes(node.dataDir)).to.equal(await totalUsed())
  })

  it('completes the refused upload once the admin raises the quota', async function () {
    await cliOk(admin, ['admin', 'quota', 'bob', '20000000'])
    const result = await cliOk(bob, ['upload', '--any-file', join(work, 'huge.bin'), '--album', 'Mine'])
    expect(result.stdout).to.match(/^Uploaded 1 file /)
    const rows = await cliJson<Array<{ name: string, size: number }>>(bob, ['ls', 'Mine'])
    expect(rows.find((r) => r.name === 'huge.bin')?.size).to.equal(5_000_000)
    expect(await blockBytes(node.dataDir)).to.equal(await totalUsed())
  })
})
