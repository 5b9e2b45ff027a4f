/**
 * Albums by name through the `obscura` command, two devices of one account: two CLI processes
 * uploading to the same new album name at the same time leave one album holding both files; and
 * every command that takes an album or folder name refuses, in one line listing each candidate's
 * id, a name several collections fit, and then takes the id.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Library } from '../../src/client/library.ts'
import { legacyCollection } from '../helpers/client.ts'
import { assertOneLineError, cliAccount, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

interface AlbumRow { id: string, kind: string, name: string, items: number }

const ROUNDS = 5

describe('cli collections made by name', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let phone: CliUser
  let laptop: CliUser
  let work: string
  const file = (name: string): string => join(work, name)
  const fresh = async (name: string): Promise<string> => {
    await writeFile(file(name), randomBytes(20_000))
    return file(name)
  }

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    work = await mkdtemp(join(tmpdir(), 'obscura-collection-names-'))
    phone = await newCliUser(node.url, 'alice-devices-pw')
    laptop = await newCliUser(node.url, 'alice-devices-pw')
    await cliOk(phone, ['signup', 'alice'])
    await cliOk(laptop, ['login', 'alice'])
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('leaves one album with both files when two devices upload to the same new album name at once', async function () {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = [await fresh(`phone-${round}.bin`), await fresh(`laptop-${round}.bin`)]
      const results = await Promise.all([runCli(phone, ['upload', '--any-file', a, '--album', `New ${round}`]), runCli(laptop, ['upload', '--any-file', b, '--album', `New ${round}`])])
      for (const result of results) expect(result.code, result.stderr).to.equal(0)
    }
    const rows = await cliJson<AlbumRow[]>(laptop, ['albums'])
    expect(rows.map((r) => [r.name, r.items]).sort()).to.deep.equal([...Array(ROUNDS).keys()].map((round) => [`New ${round}`, 2]))
    const names = await cliJson<Array<{ name: string }>>(phone, ['ls', 'New 0'])
    expect(names.map((r) => r.name).sort()).to.deep.equal(['laptop-0.bin', 'phone-0.bin'])
  })

  describe('a name several collections fit', function () {
    let ids: string[]

    before(async function () {
      const library = new Library(await cliAccount(phone))
      await library.sync()
      ids = [(await legacyCollection(library, 'album', 'Twice')).id, (await legacyCollection(library, 'album', 'Twice')).id]
      await cliOk(phone, ['upload', '--any-file', await fresh('x.bin'), '--album', ids[0] as string])
      await cliOk(phone, ['upload', '--any-file', await fresh('in-folder.bin'), '--folder', 'Both'])
      await cliOk(phone, ['upload', '--any-file', await fresh('in-album.bin'), '--album', 'Both'])
    })

    it('refuses it in every command that takes a name, listing the candidates\' ids', async function () {
      const commands = [
        ['ls', 'Twice'], ['download', 'Twice', '--out', file('nowhere')], ['add', 'Twice', 'x.bin', '--to', 'Elsewhere'],
        ['add', 'New 0', 'phone-0.bin', '--to', 'Twice'], ['mv', 'Twice', 'x.bin', '--to', 'Elsewhere'], ['rm', 'Twice', 'x.bin'],
        ['restore', 'Twice', 'x.bin'], ['rename', 'Twice', 'x.bin', 'y.bin'], ['upload', '--any-file', await fresh('late.bin'), '--album', 'Twice'],
        ['share', 'Twice', '--with', 'bob'], ['unshare', 'Twice', '--with', 'bob'], ['members', 'Twice'],
        ['link', 'create', 'Twice'], ['link', 'list', 'Twice']
      ]
      const lines = await Promise.all(commands.map(async (args) => assertOneLineError(await runCli(laptop, args))))
      for (const [i, line] of lines.entries()) {
        expect(line, commands[i]?.join(' ')).to.match(/^obscura: "Twice" could be your album \(id [0-9a-f]{32}\) or your album \(id [0-9a-f]{32}\): name one by its id$/)
        for (const id of ids) expect(line).to.include(id)
      }
      const rows = await cliJson<AlbumRow[]>(laptop, ['albums'])
      expect(rows.filter((r) => r.name === 'Twice').map((r) => r.items).sort()).to.deep.equal([0, 1])
      expect(rows.some((r) => r.name === 'Elsewhere')).to.equal(false)
    })

    it('refuses a name that fits an album and a folder', async function () {
      for (const args of [['ls', 'Both'], ['download', 'Both', '--out', file('nowhere')], ['link', 'create', 'Both']]) {
        const line = assertOneLineError(await runCli(laptop, args))
        expect(line).to.match(/^obscura: "Both" could be your (album|folder) \(id [0-9a-f]{32}\) or your (album|folder) \(id [0-9a-f]{32}\): name one by its id$/)
      }
    })

    it('takes the id instead', async function () {
      const [first, second] = ids as [string, string]
      expect((await cliJson<Array<{ name: string }>>(laptop, ['ls', first])).map((r) => r.name)).to.deep.equal(['x.bin'])
      await cliOk(laptop, ['upload', '--any-file', await fresh('second.bin'), '--album', second])
      await cliOk(laptop, ['mv', first, 'x.bin', '--to', second])
      expect((await cliJson<Array<{ name: string }>>(laptop, ['ls', second])).map((r) => r.name).sort()).to.deep.equal(['second.bin', 'x.bin'])
      const out = file('second')
      await cliOk(laptop, ['download', second, '--out', out])
      expect((await readdir(out)).sort()).to.deep.equal(['second.bin', 'x.bin'])
      expect((await cliOk(laptop, ['link', 'create', second])).stdout).to.match(/\/s\/[^#]+#/)
    })
  })
})
