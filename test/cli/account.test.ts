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
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('cli accounts', function () {
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
    await cliOk(alice, ['upload', join(work, 'kept.bin'), '--album', 'Before'])

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

  it('refuses passwd with a wrong current password in one line', async function () {
    const result = await runCli({ ...alice, password: 'not-the-current-one' }, ['passwd'], { OBSCURA_NEW_PASSWORD: 'whatever-new-pw' })
    expect(assertOneLineError(result)).to.match(/wrong username or password/i)
  })
})
