/**
 * Sharing across nodes with the `obscura` command, as two people on two nodes run it: Bob prints
 * his invitation, Alice shares an album with it, Bob sees it under his albums (with its node),
 * downloads it byte-identical through his own node, leaves it, and Alice removes him by his handle.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

interface AlbumRow { name: string, shared: boolean, role: string, owner?: string, items: number, node?: { peerId: string, state: string } }

describe('federation: the CLI', function () {
  let a: TestNode
  let b: TestNode
  let alice: CliUser
  let bob: CliUser
  let work: string
  const photo = randomBytes(300_000)

  before(async function () {
    a = await startTestNode({ accounts: { openSignup: true } })
    b = await startTestNode({ accounts: { openSignup: true } })
    work = await mkdtemp(join(tmpdir(), 'obscura-fed-cli-'))
    alice = await newCliUser(a.url, 'alice-fed-pw')
    bob = await newCliUser(b.url, 'bob-fed-pw')
    await cliOk(alice, ['signup', 'alice'])
    await cliOk(bob, ['signup', 'bob'])
    await writeFile(join(work, 'harbour.bin'), photo)
    await cliOk(alice, ['upload', join(work, 'harbour.bin'), '--album', 'Harbour'])
  })

  after(async function () {
    await b?.stop()
    await a?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('shares with an invitation; the member sees the album with its node and downloads it through their own node', async function () {
    const invitation = (await cliOk(bob, ['invite'])).stdout.trim()
    expect(invitation).to.match(/^[A-Za-z0-9_-]{200,}$/)
    const handle = `bob@${b.node.identity().peerId}`
    expect((await cliOk(alice, ['share', 'Harbour', '--with', invitation, '--role', 'viewer'])).stdout).to.include(`Shared album "Harbour" with ${handle} as viewer`)

    const rows = await cliJson<AlbumRow[]>(bob, ['albums'])
    const row = rows.find((r) => r.name === 'Harbour')
    expect(row).to.include({ shared: true, role: 'viewer', owner: 'alice', items: 1 })
    expect(row?.node).to.include({ peerId: a.node.identity().peerId, state: 'ok' })
    const out = join(work, 'bob-out')
    await cliOk(bob, ['download', 'Harbour', '--out', out])
    expect(await readFile(join(out, 'harbour.bin'))).to.deep.equal(photo)

    const members = await cliJson<Array<{ username: string, role: string }>>(alice, ['members', 'Harbour'])
    expect(members.map((m) => m.username)).to.deep.equal(['alice', handle])
  })

  it('lets the member of the other node leave through their own node', async function () {
    const handle = `bob@${b.node.identity().peerId}`
    await cliOk(alice, ['share', 'Harbour', '--with', (await cliOk(bob, ['invite'])).stdout.trim()])
    expect((await cliJson<AlbumRow[]>(bob, ['albums'])).map((r) => r.name)).to.include('Harbour')
    expect((await cliOk(bob, ['leave', 'Harbour'])).stdout).to.include('You left "Harbour"')
    expect((await cliJson<AlbumRow[]>(bob, ['albums'])).map((r) => r.name)).to.not.include('Harbour')
    const members = await cliJson<Array<{ username: string }>>(alice, ['members', 'Harbour'])
    expect(members.map((m) => m.username)).to.not.include(handle)
  })

  it('removes the member of the other node by its handle', async function () {
    const handle = `bob@${b.node.identity().peerId}`
    await cliOk(alice, ['share', 'Harbour', '--with', (await cliOk(bob, ['invite'])).stdout.trim()])
    expect((await cliJson<AlbumRow[]>(bob, ['albums'])).map((r) => r.name)).to.include('Harbour')
    expect((await cliOk(alice, ['unshare', 'Harbour', '--with', handle])).stdout).to.include(`Removed ${handle}`)
    const rows = await cliJson<AlbumRow[]>(bob, ['albums'])
    expect(rows.find((r) => r.name === 'Harbour')).to.equal(undefined)
  })
})
