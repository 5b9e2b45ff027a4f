/**
 * How the CLI fails when the user (or the network) gets something wrong: one line on stderr that
 * says what happened, a non-zero exit, and never a stack trace. Quota refusals are covered with
 * the rest of the quota flow in quota.test.ts.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

/** A loopback port nothing listens on. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

describe('cli errors', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string

  before(async function () {
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-errors-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-errors-'))
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('says "wrong username or password" for a wrong password', async function () {
    const other = await newCliUser(node.url, 'not-alices-password')
    const line = assertOneLineError(await runCli(other, ['login', 'alice']))
    expect(line).to.match(/wrong username or password/i)
  })

  it('says the same for an unknown user', async function () {
    const other = await newCliUser(node.url, 'whatever-password')
    const line = assertOneLineError(await runCli(other, ['login', 'nobody']))
    expect(line).to.match(/wrong username or password/i)
  })

  it('names an unknown album', async function () {
    for (const args of [['ls', 'No Such Album'], ['download', 'No Such Album', '--out', join(work, 'x')], ['rm', 'No Such Album', 'a.jpg']]) {
      const line = assertOneLineError(await runCli(alice, args))
      expect(line).to.include('no album or folder named "No Such Album"')
    }
  })

  it('says the node cannot be reached when --node points at a closed port', async function () {
    const port = await closedPort()
    const other = await newCliUser(`http://127.0.0.1:${port}`, 'some-password-1')
    const line = assertOneLineError(await runCli(other, ['login', 'alice']))
    expect(line).to.match(/cannot reach the node/)
    expect(line).to.include(String(port))
  })

  it('says the node cannot be reached when the logged-in node is down', async function () {
    const port = await closedPort()
    const away: CliUser = { ...alice, home: join(work, 'away-home') }
    await cp(alice.home, away.home, { recursive: true })
    const sessionFile = join(away.home, 'session.json')
    const saved = JSON.parse(await readFile(sessionFile, 'utf8'))
    await writeFile(sessionFile, JSON.stringify({ ...saved, node: `http://127.0.0.1:${port}` }))
    const result = await runCli({ ...away, node: `http://127.0.0.1:${port}` }, ['ls'])
    expect(assertOneLineError(result)).to.match(/cannot reach the node/)
  })

  it('accepts --node with a trailing slash as the node it is logged in to', async function () {
    await cliOk(alice, ['albums', '--node', `${node.url}/`])
    const line = assertOneLineError(await runCli(alice, ['albums', '--node', 'http://127.0.0.1:1']))
    expect(line).to.include(`logged in to ${node.url}, not http://127.0.0.1:1`)
  })

  it('says to log in first when there is no session', async function () {
    const stranger = await newCliUser(node.url, 'x-password-123')
    const line = assertOneLineError(await runCli(stranger, ['albums']))
    expect(line).to.match(/not logged in/)
  })

  it('refuses an expired session with a one-line message', async function () {
    const expired: CliUser = { ...alice, home: join(work, 'expired-home') }
    await cp(alice.home, expired.home, { recursive: true })
    const sessionFile = join(expired.home, 'session.json')
    const saved = JSON.parse(await readFile(sessionFile, 'utf8'))
    await writeFile(sessionFile, JSON.stringify({ ...saved, token: 'A'.repeat(43) }))
    const line = assertOneLineError(await runCli(expired, ['ls']))
    expect(line).to.match(/log in/i)
  })

  it('rejects an unknown command, an unknown flag and a missing argument in one line', async function () {
    const unknown = await runCli(alice, ['frobnicate'])
    expect(unknown.code).to.equal(2)
    expect(assertOneLineError(unknown)).to.include('unknown command "frobnicate"')
    expect(assertOneLineError(await runCli(alice, ['ls', '--colour']))).to.match(/ls: .*--colour/)
    expect(assertOneLineError(await runCli(alice, ['download']))).to.include('download takes one ALBUM or FOLDER')
  })

  it('asks for OBSCURA_PASSWORD when there is no terminal to prompt on', async function () {
    const line = assertOneLineError(await runCli({ ...alice, password: '' }, ['login', 'alice']))
    expect(line).to.include('OBSCURA_PASSWORD')
  })
})
