/**
 * Names through the `obscura` command: an empty or over-long album or file name is refused in one
 * line and leaves the account usable; a library holding such a record from an older client still
 * opens; and an album someone shares with the user is reached by its name (or OWNER/NAME when the
 * user has one of the same name), never replaced by a private copy.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { Library } from '../../src/client/library.ts'
import { appendUnchecked } from '../helpers/client.ts'
import { assertOneLineError, cliAccount, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

interface AlbumRow { name: string, shared: boolean, role: string, owner?: string, items: number }

describe('cli names', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let bob: CliUser
  let carol: CliUser
  let work: string
  const file = (name: string): string => join(work, name)
  const names = async (user: CliUser, where: string): Promise<string[]> =>
    (await cliJson<Array<{ name: string }>>(user, ['ls', where])).map((r) => r.name).sort()

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    work = await mkdtemp(join(tmpdir(), 'obscura-names-'))
    alice = await newCliUser(node.url, 'alice-names-pw')
    bob = await newCliUser(node.url, 'bob-names-pw')
    carol = await newCliUser(node.url, 'carol-names-pw')
    for (const [user, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) await cliOk(user, ['signup', name])
    for (const name of ['green.bin', 'summit.bin', 'photo.bin', 'carol.bin', 'mine.bin']) await writeFile(file(name), randomBytes(40_000))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  describe('names the format does not allow', function () {
    it('refuses an empty album name in one line, and every command works afterwards', async function () {
      const line = assertOneLineError(await runCli(alice, ['upload', '--any-file', file('green.bin'), '--album', '']))
      expect(line).to.equal('obscura: album names must be 1 to 1024 characters (got 0)')
      expect(await cliJson<AlbumRow[]>(alice, ['albums'])).to.deep.equal([])
      await cliOk(alice, ['upload', '--any-file', file('green.bin'), '--album', 'Green'])
      expect(await names(alice, 'Green')).to.deep.equal(['green.bin'])
    })

    it('refuses to rename a file to an empty or 1,100-character name', async function () {
      for (const name of ['', 'n'.repeat(1100)]) {
        const line = assertOneLineError(await runCli(alice, ['rename', 'Green', 'green.bin', name]))
        expect(line).to.equal(`obscura: file names must be 1 to 1024 characters (got ${name.length})`)
      }
      expect(await names(alice, 'Green')).to.deep.equal(['green.bin'])
    })

    it('opens a library holding a record an older client wrote with an empty name, and says it left it out', async function () {
      const library = new Library(await cliAccount(alice))
      await library.sync()
      const green = library.resolve('Green')
      await appendUnchecked(library, green, [{ op: 'rename', item: [...green.items.keys()][0] as string, name: '' }])
      const result = await cliOk(alice, ['albums'])
      expect(result.stdout).to.match(/album\s+1 items {2}Green/)
      expect(result.stderr).to.equal('obscura: note: 1 record of album "Green" left out (invalid record content at ops.0.name: Too small: expected string to have >=1 characters)\n')
      expect(await names(alice, 'Green')).to.deep.equal(['green.bin'])
      await cliOk(alice, ['upload', '--any-file', file('mine.bin'), '--album', 'Green'])
      expect(await names(alice, 'Green')).to.deep.equal(['green.bin', 'mine.bin'])
    })
  })

  describe('an album shared with the user', function () {
    before(async function () {
      await cliOk(alice, ['upload', '--any-file', file('summit.bin'), '--album', 'Trip 2023'])
      await cliOk(alice, ['share', 'Trip 2023', '--with', 'bob'])
      await cliOk(alice, ['share', 'Trip 2023', '--with', 'carol', '--role', 'collaborator'])
    })

    it('refuses a viewer uploading to it, and makes no album of the same name', async function () {
      const line = assertOneLineError(await runCli(bob, ['upload', '--any-file', file('photo.bin'), '--album', 'Trip 2023']))
      expect(line).to.equal('obscura: you can only view "Trip 2023" (shared by alice): you cannot add to it')
      const rows = await cliJson<AlbumRow[]>(bob, ['albums'])
      expect(rows.map((r) => [r.name, r.shared, r.role])).to.deep.equal([['Trip 2023', true, 'viewer']])
      expect(await names(bob, 'Trip 2023')).to.deep.equal(['summit.bin'])
    })

    it('uploads a collaborator\'s file into it', async function () {
      const result = await cliOk(carol, ['upload', '--any-file', file('carol.bin'), '--album', 'Trip 2023'])
      expect(result.stdout).to.match(/^Uploaded 1 file .* to album "Trip 2023"/)
      expect(await names(alice, 'Trip 2023')).to.deep.equal(['carol.bin', 'summit.bin'])
      expect(await cliJson<AlbumRow[]>(carol, ['albums'])).to.have.length(1)
    })

    it('asks which one when the user has an album of the same name, and takes OWNER/NAME', async function () {
      await cliOk(bob, ['upload', '--any-file', file('photo.bin'), '--album', 'bob/Trip 2023'])
      for (const args of [['ls', 'Trip 2023'], ['download', 'Trip 2023', '--out', file('nowhere')], ['rm', 'Trip 2023', 'photo.bin'], ['upload', '--any-file', file('mine.bin'), '--album', 'Trip 2023']]) {
        const line = assertOneLineError(await runCli(bob, args))
        expect(line).to.match(/^obscura: "Trip 2023" could be your album \(id [0-9a-f]{32}\) or the album alice shares with you \(id [0-9a-f]{32}\): say "bob\/Trip 2023" or "alice\/Trip 2023", or name one by its id$/)
      }
      expect(await names(bob, 'alice/Trip 2023')).to.deep.equal(['carol.bin', 'summit.bin'])
      expect(await names(bob, 'bob/Trip 2023')).to.deep.equal(['photo.bin'])
      const out = file('from-alice')
      await cliOk(bob, ['download', 'alice/Trip 2023', '--out', out])
      expect((await readdir(out)).sort()).to.deep.equal(['carol.bin', 'summit.bin'])
      await cliOk(bob, ['rm', 'bob/Trip 2023', 'photo.bin'])
      expect(await names(bob, 'bob/Trip 2023')).to.deep.equal([])
      expect(await names(bob, 'alice/Trip 2023')).to.deep.equal(['carol.bin', 'summit.bin'])
    })
  })
})
