/**
 * Sharing and links through the `obscura` command, as users run it: share, members, albums
 * marking what is shared with me and my role, a collaborator uploading into the shared album,
 * leave, unshare; link create / list / revoke, and `link download` by someone with no account.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { assertOneLineError, cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

interface AlbumRow { name: string, shared: boolean, role: string, owner: string, items: number }

describe('sharing: the CLI', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let bob: CliUser
  let carol: CliUser
  let work: string
  const photo = randomBytes(120_000)

  before(async function () {
    node = await startTestNode({ accounts: { openSignup: true } })
    work = await mkdtemp(join(tmpdir(), 'obscura-share-cli-'))
    alice = await newCliUser(node.url, 'alice-share-pw')
    bob = await newCliUser(node.url, 'bob-share-pw')
    carol = await newCliUser(node.url, 'carol-share-pw')
    for (const [user, name] of [[alice, 'alice'], [bob, 'bob'], [carol, 'carol']] as const) await cliOk(user, ['signup', name])
    await writeFile(join(work, 'summit.bin'), photo)
    await cliOk(alice, ['upload', '--any-file', join(work, 'summit.bin'), '--album', 'Trip'])
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('shares an album; the member sees it in `albums --json` as shared, with its role and owner', async function () {
    expect((await cliOk(alice, ['share', 'Trip', '--with', 'bob'])).stdout).to.match(/Shared album "Trip" with bob as viewer/)
    await cliOk(alice, ['share', 'Trip', '--with', 'carol', '--role', 'collaborator'])
    const rows = await cliJson<AlbumRow[]>(bob, ['albums'])
    expect(rows.find((r) => r.name === 'Trip')).to.include({ shared: true, role: 'viewer', owner: 'alice', items: 1 })
    const own = await cliJson<AlbumRow[]>(alice, ['albums'])
    expect(own.find((r) => r.name === 'Trip')).to.include({ shared: false, role: 'owner' })
  })

  it('lists members with their roles for the owner and for members', async function () {
    const rows = await cliJson<Array<{ username: string, role: string, confirmed: boolean }>>(alice, ['members', 'Trip'])
    expect(rows.map((r) => [r.username, r.role, r.confirmed])).to.deep.equal([['alice', 'owner', true], ['bob', 'viewer', true], ['carol', 'collaborator', true]])
    const seenByBob = await cliJson<Array<{ username: string }>>(bob, ['members', 'Trip'])
    expect(seenByBob.map((r) => r.username)).to.deep.equal(['alice', 'bob', 'carol'])
  })

  it('lets a viewer download the shared album, and a collaborator upload into it', async function () {
    const out = join(work, 'bob-out')
    await cliOk(bob, ['download', 'Trip', '--out', out])
    expect(await readFile(join(out, 'summit.bin'))).to.deep.equal(photo)
    await writeFile(join(work, 'carol.bin'), randomBytes(50_000))
    await cliOk(carol, ['upload', '--any-file', join(work, 'carol.bin'), '--album', 'Trip'])
    const names = (await cliJson<Array<{ name: string }>>(alice, ['ls', 'Trip'])).map((r) => r.name).sort()
    expect(names).to.deep.equal(['carol.bin', 'summit.bin'])
    expect((await cliJson<AlbumRow[]>(carol, ['albums'])).filter((r) => r.name === 'Trip')).to.have.length(1)

    // Run again, the viewer's download keeps alice's photo (tagged under her key, not his) and
    // fetches only carol's.
    const again = await cliOk(bob, ['download', 'Trip', '--out', out])
    expect(again.stdout).to.match(/^Downloaded 1 item \(50\.0 KB\) to .*; 1 already there\n$/)
    expect((await readdir(out)).sort()).to.deep.equal(['carol.bin', 'summit.bin'])
  })

  it('refuses re-sharing by a member with one line', async function () {
    const line = assertOneLineError(await runCli(bob, ['share', 'Trip', '--with', 'carol']))
    expect(line).to.match(/shared with you/)
  })

  it('lets a member leave, and the owner remove one', async function () {
    await cliOk(bob, ['leave', 'Trip'])
    expect((await cliJson<AlbumRow[]>(bob, ['albums'])).map((r) => r.name)).to.not.include('Trip')
    expect((await cliOk(alice, ['unshare', 'Trip', '--with', 'carol'])).stdout).to.match(/re-keyed/)
    expect((await cliJson<AlbumRow[]>(carol, ['albums'])).map((r) => r.name)).to.not.include('Trip')
    const rows = await cliJson<Array<{ username: string }>>(alice, ['members', 'Trip'])
    expect(rows.map((r) => r.username)).to.deep.equal(['alice'])
  })

  it('makes a link that someone with no account downloads, lists it, and revokes it', async function () {
    const url = (await cliOk(alice, ['link', 'create', 'Trip', '--expires', '1h'])).stdout.trim()
    expect(url).to.match(new RegExp(`^${node.url}/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`))
    const listed = await cliJson<Array<{ url: string, status: string }>>(alice, ['link', 'list', 'Trip'])
    expect(listed.map((l) => [l.url, l.status])).to.deep.equal([[url, 'active']])

    const stranger = await newCliUser(node.url, '')
    const out = join(work, 'link-out')
    await cliOk(stranger, ['link', 'download', url, '--out', out])
    expect((await readdir(out)).sort()).to.deep.equal(['carol.bin', 'summit.bin'])
    expect(await readFile(join(out, 'summit.bin'))).to.deep.equal(photo)
    const again = await cliOk(stranger, ['link', 'download', url, '--out', out])
    expect(again.stdout).to.match(/^Downloaded 0 items \(0 B\) to .*; 2 already there\n$/)
    expect((await readdir(out)).sort()).to.deep.equal(['carol.bin', 'summit.bin'])

    await cliOk(alice, ['link', 'revoke', url])
    const line = assertOneLineError(await runCli(stranger, ['link', 'download', url, '--out', join(work, 'again')]))
    expect(line).to.match(/revoked/)
  })

  it('asks for the password of a password link, and refuses downloads of a view-only link', async function () {
    const url = (await cliOk(alice, ['link', 'create', 'Trip', '--password'], { OBSCURA_LINK_PASSWORD: 'hunter2!' })).stdout.trim()
    const stranger = await newCliUser(node.url, '')
    const out = join(work, 'pw-out')
    await cliOk(stranger, ['link', 'download', url, '--out', out], { OBSCURA_LINK_PASSWORD: 'hunter2!' })
    expect(await readFile(join(out, 'summit.bin'))).to.deep.equal(photo)
    assertOneLineError(await runCli(stranger, ['link', 'download', url, '--out', join(work, 'pw-wrong')], { OBSCURA_LINK_PASSWORD: 'hunter3!' }))

    const viewOnly = (await cliOk(alice, ['link', 'create', 'Trip', '--no-download'])).stdout.trim()
    const line = assertOneLineError(await runCli(stranger, ['link', 'download', viewOnly]))
    expect(line).to.match(/view/)
  })

  it('lets someone with no account add photos through an --allow-upload link', async function () {
    const url = (await cliOk(alice, ['link', 'create', 'Trip', '--allow-upload'])).stdout.trim()
    const guest = await newCliUser(node.url, '')
    await writeFile(join(work, 'guest.bin'), randomBytes(40_000))
    expect((await cliOk(guest, ['link', 'upload', url, join(work, 'guest.bin')])).stdout).to.match(/Added 1 file to "Trip"/)
    const names = (await cliJson<Array<{ name: string }>>(alice, ['ls', 'Trip'])).map((r) => r.name)
    expect(names).to.include('guest.bin')
    const viewOnly = (await cliOk(alice, ['link', 'create', 'Trip'])).stdout.trim()
    expect(assertOneLineError(await runCli(guest, ['link', 'upload', viewOnly, join(work, 'guest.bin')]))).to.match(/does not accept uploads/)
  })

  it('lists a link whose owner box does not open by its id, and revokes it by that id with --album', async function () {
    const url = (await cliOk(alice, ['link', 'create', 'Trip'])).stdout.trim()
    type LinkRow = { id: string, url: string | null, unreadable: string | null, status: string }
    const id = (await cliJson<LinkRow[]>(alice, ['link', 'list', 'Trip'])).find((l) => l.url === url)!.id
    const record = (await node.node.db.publicLinks.get(id))!
    const box = Buffer.from(record.ownerBox, 'base64')
    box[0] = 0x7f
    await node.node.db.publicLinks.put(id, { ...record, ownerBox: box.toString('base64') })

    const listed = await cliJson<LinkRow[]>(alice, ['link', 'list', 'Trip'])
    expect(listed.find((l) => l.id === id)).to.deep.include({ url: null, status: 'active' })
    expect(listed.find((l) => l.id === id)?.unreadable).to.match(/unsupported box version/)
    expect(listed.filter((l) => l.id !== id).every((l) => l.url != null && l.unreadable == null)).to.equal(true)
    const table = await cliOk(alice, ['link', 'list', 'Trip'])
    expect(table.stdout).to.include(`id ${id} (URL unreadable`)
    expect(table.stderr).to.include('obscura link revoke ID --album "Trip"')

    expect(assertOneLineError(await runCli(alice, ['link', 'revoke', 'not-an-id', '--album', 'Trip']))).to.match(/32 hex digits/)
    await cliOk(alice, ['link', 'revoke', id, '--album', 'Trip'])
    expect((await cliJson<LinkRow[]>(alice, ['link', 'list', 'Trip'])).find((l) => l.id === id)).to.include({ status: 'revoked' })
    const stranger = await newCliUser(node.url, '')
    expect(assertOneLineError(await runCli(stranger, ['link', 'download', url, '--out', join(work, 'revoked-by-id')]))).to.match(/revoked/)
  })
})
