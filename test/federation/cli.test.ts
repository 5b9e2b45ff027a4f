/**
 * Sharing across nodes with the `obscura` command, as two people on two nodes run it: Bob prints
 * his invitation, Alice shares an album with it, Bob sees it under his albums (with its node),
 * downloads it byte-identical through his own node, leaves it, and Alice removes him by his handle;
 * with Alice's node down, Bob still downloads what his node holds and is told what it lacks.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

interface AlbumRow { name: string, shared: boolean, role: string, owner?: string, items: number, node?: { peerId: string, state: string } }

describe('federation: the CLI', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let a: TestNode
  let b: TestNode
  let alice: CliUser
  let bob: CliUser
  let work: string
  const photo = randomBytes(300_000)

  before(async function () {
    const config = { accounts: { openSignup: true }, federation: { retrySeconds: 0.2, timeoutSeconds: 3 } }
    a = await startTestNode(config)
    b = await startTestNode(config)
    work = await mkdtemp(join(tmpdir(), 'obscura-fed-cli-'))
    alice = await newCliUser(a.url, 'alice-fed-pw')
    bob = await newCliUser(b.url, 'bob-fed-pw')
    await cliOk(alice, ['signup', 'alice'])
    await cliOk(bob, ['signup', 'bob'])
    await writeFile(join(work, 'harbour.bin'), photo)
    await cliOk(alice, ['upload', '--any-file', join(work, 'harbour.bin'), '--album', 'Harbour'])
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

  it('warns that an invitation carrying only loopback addresses reaches no other machine', async function () {
    const invite = await cliOk(bob, ['invite'])
    expect(invite.stderr).to.match(/warning: this invitation carries only loopback addresses.*--libp2p-listen/)
  })

  it('answers unshare by a bare name with the handle of the member of the other node', async function () {
    await cliOk(alice, ['share', 'Harbour', '--with', (await cliOk(bob, ['invite'])).stdout.trim()])
    const res = await runCli(alice, ['unshare', 'Harbour', '--with', 'bob'])
    expect(res.code).to.equal(1)
    expect(res.stderr).to.include(`--with bob@${b.node.identity().peerId}`)
    const nobody = await runCli(alice, ['unshare', 'Harbour', '--with', 'nobody'])
    expect(nobody.stderr).to.include('NAME@PEER_ID')
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

  it("downloads what the member's node holds while the owner's node is down, lists the rest and exits non-zero", async function () {
    const pier = randomBytes(200_000)
    const mine = randomBytes(150_000)
    await writeFile(join(work, 'pier.bin'), pier)
    await writeFile(join(work, 'mine.bin'), mine)
    await cliOk(alice, ['upload', '--any-file', join(work, 'pier.bin'), '--album', 'Quay'])
    await cliOk(alice, ['share', 'Quay', '--with', (await cliOk(bob, ['invite'])).stdout.trim(), '--role', 'collaborator'])
    expect((await cliJson<AlbumRow[]>(bob, ['albums'])).find((r) => r.name === 'Quay')).to.include({ items: 1 })
    await cliOk(bob, ['upload', '--any-file', join(work, 'mine.bin'), '--album', 'Quay'])

    await a.node.stop()
    try {
      const out = join(work, 'quay-offline')
      const partial = await runCli(bob, ['download', 'Quay', '--out', out])
      expect(partial.code, partial.stderr).to.equal(1)
      expect(await readFile(join(out, 'mine.bin'))).to.deep.equal(mine)
      expect(await readFile(join(out, 'pier.bin')).catch(() => undefined)).to.equal(undefined)
      expect(partial.stdout).to.include('Downloaded 1 item')
      expect(partial.stderr).to.include('1 item could not be read')
      expect(partial.stderr).to.match(/pier\.bin: .*cannot be reached/)
      expect(partial.stderr.split('\n').filter((l) => l !== '').length, partial.stderr).to.be.below(4)
    } finally {
      await a.restart()
    }
    const out = join(work, 'quay-offline')
    const whole = await cliOk(bob, ['download', 'Quay', '--out', out])
    expect(whole.stdout).to.include('1 already there')
    expect(await readFile(join(out, 'pier.bin'))).to.deep.equal(pier)
  })

  it("lists an album shared but never opened before the owner's node went down by its name, and download says why it cannot", async function () {
    await writeFile(join(work, 'lamp.bin'), randomBytes(50_000))
    await cliOk(alice, ['upload', '--any-file', join(work, 'lamp.bin'), '--album', 'Lighthouse'])
    await cliOk(alice, ['share', 'Lighthouse', '--with', (await cliOk(bob, ['invite'])).stdout.trim()])
    await a.node.stop()
    try {
      const rows = await cliJson<Array<AlbumRow & { unavailable?: string }>>(bob, ['albums'])
      const row = rows.find((r) => r.name === 'Lighthouse')
      expect(row).to.include({ shared: true, owner: 'alice', items: 0 })
      expect(row?.unavailable).to.match(/cannot be reached/)
      const table = await cliOk(bob, ['albums'])
      expect(table.stdout).to.match(/Lighthouse.*shared by alice.*not fetched yet/)
      const res = await runCli(bob, ['download', 'Lighthouse', '--out', join(work, 'lighthouse')])
      expect(res.code).to.equal(1)
      expect(res.stderr).to.match(/"Lighthouse" has not been fetched from its owner's node yet/)
    } finally {
      await a.restart()
    }
    // Bob's node left the owner's node alone for a back-off after the failures above (doubling
    // from retrySeconds, 0.2 s here); the first listing after it sees the album's item.
    let row: AlbumRow | undefined
    for (let attempt = 0; attempt < 40; attempt++) {
      row = (await cliJson<AlbumRow[]>(bob, ['albums'])).find((r) => r.name === 'Lighthouse')
      if (row?.items === 1) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(row).to.include({ items: 1 })
  })
})
