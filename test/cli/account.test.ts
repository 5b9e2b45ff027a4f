/**
 * Account commands through the CLI: signup shows the recovery key once and keeps the session
 * private to the user, login and logout (which ends the session on the node too), and passwd,
 * after which the old password fails, the new one works and earlier uploads still download.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, runCliOnTerminal, type CliUser } from '../helpers/cli.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('cli accounts', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string

  const savedToken = async (user: CliUser): Promise<string> => JSON.parse(await readFile(join(user.home, 'session.json'), 'utf8')).token

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-first-password')
    work = await mkdtemp(join(tmpdir(), 'obscura-account-'))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('signs up the first user as admin and prints the recovery key once', async function () {
    const result = await cliOk(alice, ['signup', 'Alice'])
    expect(result.stdout).to.match(/^Signed up and logged in as alice \(admin of this node\)\./)
    expect(result.stdout).to.match(/\n {2}([0-9A-Z]{4}-){13}[0-9A-Z]{4}\n/)
    expect(result.stdout).not.to.include(alice.password)
  })

  it('keeps the session readable by the user only', async function () {
    expect((await stat(alice.home)).mode & 0o777).to.equal(0o700)
    const session = await stat(join(alice.home, 'session.json'))
    expect(session.mode & 0o777).to.equal(0o600)
    const text = await readFile(join(alice.home, 'session.json'), 'utf8')
    expect(text).not.to.include(alice.password)
  })

  it('refuses a password shorter than 8 characters at signup', async function () {
    const short = await newCliUser(node.url, 'short')
    expect(assertOneLineError(await runCli(short, ['signup', 'shorty']))).to.include('at least 8 characters')
  })

  it('logs out: the node forgets the session and the keys leave the device', async function () {
    const token = await savedToken(alice)
    expect((await call(node.url, 'GET', '/api/v1/me', { token })).status).to.equal(200)
    const result = await cliOk(alice, ['logout'])
    expect(result.stdout).to.match(/^Logged out/)
    expect(existsSync(join(alice.home, 'session.json'))).to.equal(false)
    expect((await call(node.url, 'GET', '/api/v1/me', { token })).status).to.equal(401)
    expect(assertOneLineError(await runCli(alice, ['ls']))).to.match(/not logged in/)
  })

  it('logs in again', async function () {
    const result = await cliOk(alice, ['login', 'alice'])
    expect(result.stdout).to.equal(`Logged in as alice on ${node.url}\n`)
    expect(await cliJson<unknown[]>(alice, ['albums'])).to.deep.equal([])
  })

  it('changes the password: the old one fails, the new one works, earlier uploads still download', async function () {
    const original = randomBytes(1_300_000)
    await writeFile(join(work, 'kept.bin'), original)
    await cliOk(alice, ['upload', '--any-file', join(work, 'kept.bin'), '--album', 'Before'])

    const changed = await cliOk(alice, ['passwd'], { OBSCURA_NEW_PASSWORD: 'alice-second-password' })
    expect(changed.stdout).to.match(/^Password changed\./)

    const old = await newCliUser(node.url, 'alice-first-password')
    expect(assertOneLineError(await runCli(old, ['login', 'alice']))).to.match(/wrong username or password/i)

    const fresh = await newCliUser(node.url, 'alice-second-password')
    await cliOk(fresh, ['login', 'alice'])
    const out = join(work, 'after-passwd')
    await cliOk(fresh, ['download', 'Before', '--out', out])
    expect((await readFile(join(out, 'kept.bin'))).equals(original)).to.equal(true)
    // The device that changed the password is still logged in.
    expect(await cliJson<unknown[]>(alice, ['ls', 'Before'])).to.have.length(1)
  })

  it('asks for a new password twice on a terminal and refuses two that differ', async function () {
    const typed = (first: string, again: string) => [
      { prompt: 'New password: ', answer: first }, { prompt: 'Type it again: ', answer: again }
    ]
    const differ = await runCliOnTerminal({ ...alice, password: 'alice-second-password' }, ['passwd'], typed('alice-third-password', 'alice-third-pasword'),
      { OBSCURA_NEW_PASSWORD: undefined })
    expect(differ.code).to.equal(1)
    expect(differ.stdout).to.include('obscura: the two passwords typed differ; nothing was changed')
    expect(differ.stdout).not.to.include('alice-third')
    const old = await newCliUser(node.url, 'alice-second-password')
    await cliOk(old, ['login', 'alice'])

    const same = await runCliOnTerminal({ ...alice, password: 'alice-second-password' }, ['passwd'], typed('alice-third-password', 'alice-third-password'),
      { OBSCURA_NEW_PASSWORD: undefined })
    expect(same.code, same.stdout).to.equal(0)
    expect(same.stdout).to.include('Password changed.')
    await cliOk(await newCliUser(node.url, 'alice-third-password'), ['login', 'alice'])
  })

  it('asks for the password twice at signup on a terminal', async function () {
    const carol = await newCliUser(node.url, 'unused')
    const invite = /: (\S+)\n$/.exec((await cliOk({ ...alice, password: 'alice-third-password' }, ['admin', 'invite'])).stdout)?.[1] as string
    const answers = (again: string) => [{ prompt: 'Choose a password: ', answer: 'carol-password' }, { prompt: 'Type it again: ', answer: again }]
    const differ = await runCliOnTerminal(carol, ['signup', 'carol', '--invite', invite], answers('carol-pasword'), { OBSCURA_PASSWORD: undefined })
    expect(differ.code).to.equal(1)
    expect(differ.stdout).to.include('the two passwords typed differ')
    const same = await runCliOnTerminal(carol, ['signup', 'carol', '--invite', invite], answers('carol-password'), { OBSCURA_PASSWORD: undefined })
    expect(same.code, same.stdout).to.equal(0)
    expect(same.stdout).to.include('Signed up and logged in as carol.')
  })

  it('names OBSCURA_NEW_PASSWORD in passwd --help', async function () {
    expect((await cliOk(alice, ['passwd', '--help'])).stdout).to.include('$OBSCURA_NEW_PASSWORD')
  })

  it('refuses passwd with a wrong current password in one line', async function () {
    const result = await runCli({ ...alice, password: 'not-the-current-one' }, ['passwd'], { OBSCURA_NEW_PASSWORD: 'whatever-new-pw' })
    expect(assertOneLineError(result)).to.match(/wrong username or password/i)
  })
})
