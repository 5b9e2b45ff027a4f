/**
 * `obscura recover` end to end: the recovery key printed at signup sets a new password on a
 * device that never logged in, which is then logged in and sees the library; the old password
 * and the old device's session stop working. A wrong or mistyped key, or no terminal to ask on,
 * is one line on stderr and a non-zero exit.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

const RECOVERY_KEY = /\n {2}((?:[0-9A-Z]{4}-){13}[0-9A-Z]{4})\n/

describe('cli recover', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let aliceKey: string
  let bobKey: string
  let work: string

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    work = await mkdtemp(join(tmpdir(), 'obscura-recover-'))
    alice = await newCliUser(node.url, 'alice-first-password')
    aliceKey = (await cliOk(alice, ['signup', 'alice'])).stdout.match(RECOVERY_KEY)?.[1] as string
    const bob = await newCliUser(node.url, 'bob-first-password')
    bobKey = (await cliOk(bob, ['signup', 'bob'])).stdout.match(RECOVERY_KEY)?.[1] as string
    expect(aliceKey).to.be.a('string')
    expect(bobKey).to.be.a('string')
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('resets the password with the recovery key and logs in; the library is intact', async function () {
    const original = randomBytes(200_000)
    await writeFile(join(work, 'kept.bin'), original)
    await cliOk(alice, ['upload', '--any-file', join(work, 'kept.bin'), '--album', 'Holidays'])
    const oldToken = JSON.parse(await readFile(join(alice.home, 'session.json'), 'utf8')).token

    const device = await newCliUser(node.url, 'unused')
    const result = await cliOk(device, ['recover', 'Alice'], { OBSCURA_RECOVERY_KEY: aliceKey, OBSCURA_NEW_PASSWORD: 'alice-second-password' })
    expect(result.stdout).to.match(/^Password reset and logged in as alice on /)
    expect(result.stdout + result.stderr).not.to.include(aliceKey)

    const items = await cliJson<Array<{ name: string }>>(device, ['ls', 'Holidays'])
    expect(items.map((i) => i.name)).to.deep.equal(['kept.bin'])
    const out = join(work, 'out')
    await cliOk(device, ['download', 'Holidays', '--out', out])
    expect((await readFile(join(out, 'kept.bin'))).equals(original)).to.equal(true)

    expect((await call(node.url, 'GET', '/api/v1/me', { token: oldToken })).status).to.equal(401)
    expect(assertOneLineError(await runCli(alice, ['login', 'alice']))).to.match(/wrong username or password/i)
    await cliOk({ ...alice, password: 'alice-second-password' }, ['login', 'alice'])
  })

  it('refuses a wrong recovery key in one line, and changes nothing', async function () {
    const device = await newCliUser(node.url, 'unused')
    const result = await runCli(device, ['recover', 'alice'], { OBSCURA_RECOVERY_KEY: bobKey, OBSCURA_NEW_PASSWORD: 'mallory-password' })
    expect(assertOneLineError(result)).to.equal('obscura: wrong username or recovery key')
    await cliOk({ ...alice, password: 'alice-second-password' }, ['login', 'alice'])
  })

  it('refuses a mistyped recovery key in one line', async function () {
    const device = await newCliUser(node.url, 'unused')
    const typo = aliceKey.slice(0, -1) + (aliceKey.endsWith('0') ? '1' : '0')
    const result = await runCli(device, ['recover', 'alice'], { OBSCURA_RECOVERY_KEY: typo, OBSCURA_NEW_PASSWORD: 'mallory-password' })
    expect(assertOneLineError(result)).to.match(/checksum does not match/)
  })

  it('asks for the key on a terminal, and says which variable to set without one', async function () {
    const device = await newCliUser(node.url, 'unused')
    const result = await runCli(device, ['recover', 'alice'], { OBSCURA_NEW_PASSWORD: 'alice-third-password' })
    expect(assertOneLineError(result)).to.match(/OBSCURA_RECOVERY_KEY/)
  })
})
