/**
 * The trash through the CLI: `rm` moves items to the trash (blocks kept), `trash --json` lists
 * them, `restore` brings them back, and `rm --permanent` or `trash --empty` delete them for good,
 * which removes their block files from the node's disk and gives their bytes back.
 */
import { statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { blockFiles } from '../helpers/store.ts'

describe('cli trash', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  /** Block files each uploaded file added to the node's disk. */
  const filesOf: Record<string, Set<string>> = {}
  /** Their total size on disk. */
  const sizeOf: Record<string, number> = {}

  const usedBytes = async (): Promise<number> => (await node.node.accounts.findByUsername('alice'))!.usedBytes
  const names = async (where: string): Promise<string[]> =>
    (await cliJson<Array<{ name: string }>>(alice, ['ls', where])).map((r) => r.name).sort()

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-trash-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-trash-'))
    for (const [name, size] of [['keep.bin', 200_000], ['oops.bin', 1_500_000], ['gone.bin', 2_100_000]] as const) {
      await writeFile(join(work, name), randomBytes(size))
      const before = await blockFiles(node.dataDir)
      await cliOk(alice, ['upload', '--any-file', join(work, name), '--album', 'Party'])
      filesOf[name] = new Set([...await blockFiles(node.dataDir)].filter((f) => !before.has(f)))
      sizeOf[name] = [...filesOf[name]].reduce((sum, f) => sum + statSync(f).size, 0)
    }
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('moves an item to the trash with rm, keeping its blocks', async function () {
    const before = await usedBytes()
    const result = await cliOk(alice, ['rm', 'Party', 'oops.bin'])
    expect(result.stdout).to.match(/^Moved 1 item to the trash/)
    expect(await names('Party')).to.deep.equal(['gone.bin', 'keep.bin'])
    expect(await usedBytes()).to.equal(before)
    const present = await blockFiles(node.dataDir)
    for (const file of filesOf['oops.bin']!) expect(present.has(file)).to.equal(true)
  })

  it('lists the trash with trash --json', async function () {
    const rows = await cliJson<Array<Record<string, unknown>>>(alice, ['trash'])
    expect(rows).to.have.length(1)
    expect(rows[0]).to.have.all.keys('collection', 'id', 'name', 'size', 'trashedAt')
    expect(rows[0]).to.include({ collection: 'Party', name: 'oops.bin', size: 1_500_000 })
    expect(Date.now() - Date.parse(rows[0]!.trashedAt as string)).to.be.within(0, 60_000)
  })

  it('brings it back with restore', async function () {
    const result = await cliOk(alice, ['restore', 'Party', 'oops.bin'])
    expect(result.stdout).to.equal('Restored 1 item.\n')
    expect(await names('Party')).to.deep.equal(['gone.bin', 'keep.bin', 'oops.bin'])
    expect(await cliJson<unknown[]>(alice, ['trash'])).to.deep.equal([])
  })

  it('says so in one line when the item is not in the trash', async function () {
    const line = assertOneLineError(await runCli(alice, ['restore', 'Party', 'keep.bin']))
    expect(line).to.include('no trashed item "keep.bin"')
  })

  it('deletes for good with rm --permanent: block files gone, bytes given back exactly', async function () {
    const before = await usedBytes()
    const result = await cliOk(alice, ['rm', 'Party', 'gone.bin', '--permanent'])
    expect(result.stdout).to.equal('Deleted 1 item for good.\n')
    const present = await blockFiles(node.dataDir)
    expect(filesOf['gone.bin']!.size).to.equal(4)
    for (const file of filesOf['gone.bin']!) expect(present.has(file), file).to.equal(false)
    expect(before - await usedBytes()).to.equal(sizeOf['gone.bin'])
    expect(await names('Party')).to.deep.equal(['keep.bin', 'oops.bin'])
    expect(await cliJson<unknown[]>(alice, ['trash'])).to.deep.equal([])
  })

  it('empties the trash with trash --empty', async function () {
    await cliOk(alice, ['rm', 'Party', 'oops.bin'])
    const result = await cliOk(alice, ['trash', '--empty'])
    expect(result.stdout).to.equal('Deleted 1 item for good.\n')
    const present = await blockFiles(node.dataDir)
    for (const file of filesOf['oops.bin']!) expect(present.has(file)).to.equal(false)
    for (const file of filesOf['keep.bin']!) expect(present.has(file)).to.equal(true)
    expect(await usedBytes()).to.equal(sizeOf['keep.bin'])
    expect(await names('Party')).to.deep.equal(['keep.bin'])
  })

  describe('a name several items share', function () {
    let ids: string[]

    before(async function () {
      for (const dir of ['one', 'two']) {
        await mkdir(join(work, dir))
        await writeFile(join(work, dir, 'twin.bin'), randomBytes(dir === 'one' ? 10_000 : 20_000))
      }
      await cliOk(alice, ['upload', '--any-file', join(work, 'one', 'twin.bin'), join(work, 'two', 'twin.bin'), '--album', 'Twins'])
      ids = (await cliJson<Array<{ id: string, name: string }>>(alice, ['ls', 'Twins'])).map((r) => r.id)
      expect(ids).to.have.length(2)
    })

    it('refuses rm, mv, add and rename by that name in one line listing the ids, changing nothing', async function () {
      for (const args of [['rm', 'Twins', 'twin.bin'], ['mv', 'Twins', 'twin.bin', '--to', 'Elsewhere'], ['add', 'Twins', 'twin.bin', '--to', 'Elsewhere'],
        ['rename', 'Twins', 'twin.bin', 'single.bin']]) {
        const line = assertOneLineError(await runCli(alice, args))
        expect(line, args.join(' ')).to.include('2 items are named "twin.bin" in "Twins"')
        for (const id of ids) expect(line).to.include(id)
        expect(line).to.include(args[0] === 'rename' ? 'name one by its id' : 'or pass --all')
      }
      expect(await names('Twins')).to.deep.equal(['twin.bin', 'twin.bin'])
      expect(await cliJson<unknown[]>(alice, ['trash'])).to.deep.equal([])
    })

    it('removes one of them by id', async function () {
      await cliOk(alice, ['rm', 'Twins', ids[0] as string])
      expect((await cliJson<Array<{ id: string }>>(alice, ['ls', 'Twins'])).map((r) => r.id)).to.deep.equal([ids[1]])
      await cliOk(alice, ['restore', 'Twins', ids[0] as string])
    })

    it('removes every one of them with --all', async function () {
      const result = await cliOk(alice, ['rm', 'Twins', 'twin.bin', '--all'])
      expect(result.stdout).to.match(/^Moved 2 items to the trash/)
      expect(await names('Twins')).to.deep.equal([])
    })
  })
})
