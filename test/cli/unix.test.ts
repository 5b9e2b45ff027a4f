/**
 * The CLI behaves like a well-made Unix tool: a closed pipe ends it quietly, output that is not a
 * terminal has no progress bars or colours, NO_COLOR is respected, --quiet and --verbose work,
 * every listing has --json, every command's help lists all its flags with an example, completion
 * scripts work, capture times show in the photo's own time zone, sub-folders stay sub-folders,
 * and names chosen by other people cannot drive the terminal or the file system.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, OBSCURA_BIN, runCli, runCliOnTerminal, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { FIXTURES, fixturePath, makeFixtures } from '../fixtures/make-fixtures.ts'
import { commands } from '../../node/cli/commands/index.ts'
import { commandHelp } from '../../node/cli/help.ts'
import { OPTIONS } from '../../node/cli/options.ts'
import { safeFileName } from '../../node/cli/files.ts'

/** Starts `obscura ...args` and closes our end of its stdout at once, as `| head -0` would. */
async function runWithClosedStdout (user: CliUser | undefined, args: string[]): Promise<{ code: number | null, stderr: string }> {
  const env = { ...process.env, ...(user != null ? { OBSCURA_HOME: user.home, OBSCURA_NODE: user.node, OBSCURA_PASSWORD: user.password } : {}) }
  const child = spawn(process.execPath, [OBSCURA_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.destroy()
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const [code] = await once(child, 'close') as [number | null]
  return { code, stderr }
}

describe('cli: a well-made Unix tool', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string

  before(async function () {
    await makeFixtures()
    node = await startTestNode()
    alice = await newCliUser(node.url, 'alice-unix-password')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-cli-unix-'))
    // Many items, so that `ls` writes well past a pipe's buffer.
    await mkdir(join(work, 'many'))
    for (let i = 0; i < 300; i++) await writeFile(join(work, 'many', `file-with-a-long-name-${String(i).padStart(4, '0')}.bin`), `item ${i}`)
    await cliOk(alice, ['upload', '--any-file', join(work, 'many'), '--album', 'Many'])
  })

  after(async function () {
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('ends quietly with code 0 when the reader of its output goes away', async function () {
    for (const args of [['ls', 'Many'], ['--help'], ['completion', 'bash']]) {
      const { code, stderr } = await runWithClosedStdout(alice, args)
      expect(stderr, args.join(' ')).to.not.match(/EPIPE|Error|at /)
      expect(code, args.join(' ')).to.equal(0)
    }
  })

  it('prints no progress bar and no escape codes when stderr is not a terminal', async function () {
    await mkdir(join(work, 'plain'))
    await writeFile(join(work, 'plain', 'a.bin'), new Uint8Array(3 * 1024 * 1024).fill(7))
    const result = await cliOk(alice, ['upload', '--any-file', join(work, 'plain'), '--album', 'Plain'])
    expect(result.stderr).to.equal('')
    expect(result.stdout).to.not.match(/[\r\x1b]/)
  })

  it('colours its error prefix on a terminal, and not with NO_COLOR set', async function () {
    const coloured = await runCliOnTerminal(alice, ['ls', 'No such album'], [], { NO_COLOR: undefined })
    expect(coloured.stdout).to.include('\x1b[1;31mobscura:\x1b[0m')
    const plain = await runCliOnTerminal(alice, ['ls', 'No such album'], [], { NO_COLOR: '1' })
    expect(plain.stdout).to.match(/obscura: .*No such album/)
    expect(plain.stdout).to.not.include('\x1b[')
  })

  it('says nothing but errors with --quiet, and a line per file with --verbose', async function () {
    await mkdir(join(work, 'q'))
    await writeFile(join(work, 'q', 'one.bin'), 'one')
    await writeFile(join(work, 'q', 'two.bin'), 'two')
    const quiet = await cliOk(alice, ['upload', '--any-file', '--quiet', join(work, 'q'), '--album', 'Quiet'])
    expect(quiet.stdout).to.equal('')
    expect(quiet.stderr).to.equal('')
    await writeFile(join(work, 'q', 'three.bin'), 'three')
    const verbose = await cliOk(alice, ['upload', '--any-file', join(work, 'q'), '--album', 'Quiet', '-v'])
    expect(verbose.stderr.split('\n').filter((l) => l !== '').sort()).to.deep.equal([
      'skipped (already uploaded)  one.bin', 'skipped (already uploaded)  two.bin', 'uploaded  three.bin'
    ].sort())
    expect(verbose.stdout).to.match(/^Uploaded 1 file .*skipped 2 already uploaded\.\n$/)
  })

  it('has --json for every listing it prints', async function () {
    expect(await cliJson(alice, ['albums'])).to.be.an('array')
    expect(await cliJson(alice, ['ls', 'Many'])).to.have.length(300)
    expect(await cliJson(alice, ['trash'])).to.deep.equal([])
    expect(await cliJson(alice, ['members', 'Many'])).to.deep.equal([{ username: 'alice', role: 'owner', confirmed: true, you: true }])
    expect(await cliJson(alice, ['link', 'list', 'Many'])).to.deep.equal([])
    const users = await cliJson<Array<{ username: string, admin: boolean }>>(alice, ['admin', 'users'])
    expect(users.map((u) => [u.username, u.admin])).to.deep.equal([['alice', true]])
    expect(await cliJson(alice, ['admin', 'invite'])).to.have.keys('code', 'expiresAt')
  })

  it('lists every flag of every command, and an example, in its help', function () {
    for (const [name, command] of Object.entries(commands)) {
      const help = commandHelp(name, command)
      for (const entry of command.flags) {
        for (const flag of Object.keys(OPTIONS[entry])) expect(help, `${name} --help`).to.include(`--${flag}`)
      }
      expect(help, `${name} --help`).to.match(/Examples:\n {2}(echo '\S+ <\()?obscura /)
      expect(help).to.include('--quiet').and.include('--verbose')
    }
  })

  it('answers `obscura upload --help` with its options, and refuses an unknown flag pointing there', async function () {
    const help = await runCli(alice, ['upload', '--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.match(/--album NAME\.\.\. +add the files to this album/)
    expect(help.stdout).to.match(/--folder PATH +put the files in this folder/)
    const wrong = await runCli(alice, ['upload', '--albun', 'x', work])
    expect(wrong.code).to.equal(1)
    expect(wrong.stderr).to.match(/^obscura: upload: Unknown option '--albun'; see `obscura upload --help`\n$/)
  })

  it('completes commands, subcommands and flags in bash', async function () {
    const script = (await cliOk(alice, ['completion', 'bash'])).stdout
    const complete = async (words: string[]): Promise<string[]> => {
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _obscura; printf '%s\\n' "\${COMPREPLY[@]}"`
      const child = spawn('bash', ['-c', program], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (t: string) => { out += t })
      await once(child, 'close')
      return out.split('\n').filter((l) => l !== '')
    }
    expect(await complete(['obscura', 'up'])).to.deep.equal(['upload'])
    expect(await complete(['obscura', 'upload', '--al'])).to.deep.equal(['--album'])
    expect(await complete(['obscura', 'link', 're'])).to.deep.equal(['revoke'])
    expect(await complete(['obscura', 'link', 'create', 'Album', '--exp'])).to.deep.equal(['--expires'])
    const zsh = (await cliOk(alice, ['completion', 'zsh'])).stdout
    expect(zsh).to.match(/^#compdef obscura\n/)
    expect(zsh).to.include("'*--album[add the files to this album (made if missing; repeatable)]:NAME:'")
  })

  it('shows capture times as taken, with the photo\'s own offset, in any time zone', async function () {
    await mkdir(join(work, 'tz'))
    await copyFile(fixturePath(FIXTURES.jpegGps.file), join(work, 'tz', FIXTURES.jpegGps.file))
    await cliOk(alice, ['upload', '--any-file', join(work, 'tz'), '--album', 'Time zones'])
    // EXIF says 12:34:56 at +08:00 (04:34:56 UTC).
    for (const TZ of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
      const text = await cliOk(alice, ['ls', 'Time zones'], { TZ })
      expect(text.stdout, TZ).to.match(/^2023-05-01 12:34:56\+08:00 +\S+ +\S+ +FXNAME-GPS-Q7X2\.jpg\n$/)
      const [row] = await cliJson<Array<{ takenAt: string, takenAtLocal: string }>>(alice, ['ls', 'Time zones'])
      expect(row).to.include({ takenAt: '2023-05-01T04:34:56.120Z', takenAtLocal: '2023-05-01T12:34:56+08:00' })
    }
  })

  it('keeps sub-folders as sub-folders with --folder', async function () {
    const top = join(work, 'Camera')
    await mkdir(join(top, '2023', 'Summer'), { recursive: true })
    await writeFile(join(top, 'top.bin'), 'top')
    await writeFile(join(top, '2023', 'a.bin'), 'a')
    await writeFile(join(top, '2023', 'Summer', 'b.bin'), 'b')
    await writeFile(join(top, '2023', 'Summer', 'c.bin'), 'c')
    const result = await cliOk(alice, ['upload', '--any-file', top, '--folder', 'Phone'])
    expect(result.stdout).to.match(/^Uploaded 4 files .* to folder "Phone" \(3 folders\)/)
    const rows = await cliJson<Array<{ kind: string, name: string, items: number }>>(alice, ['albums'])
    const folders = Object.fromEntries(rows.filter((r) => r.kind === 'folder').map((r) => [r.name, r.items]))
    expect(folders).to.deep.equal({ Phone: 1, 'Phone/2023': 1, 'Phone/2023/Summer': 2 })
  })

  describe('names chosen by other people', function () {
    const hostile = 'evil\x1b]0;pwned\x07\x1b[2J\nrm -rf ~\u202egpj.jpg'
    const long = `${'ä'.repeat(120)}.jpg` // 244 bytes: a valid name, too long with any suffix added

    before(async function () {
      const dir = join(work, 'hostile')
      await mkdir(dir)
      await writeFile(join(dir, hostile), 'hostile bytes')
      await writeFile(join(dir, long), 'long name bytes')
      await writeFile(join(dir, 'plain.jpg'), 'plain bytes')
      await cliOk(alice, ['upload', '--any-file', dir, '--album', 'Hostile \x1b[31mred'])
    })

    it('never reach the terminal raw', async function () {
      const albums = await cliOk(alice, ['albums'])
      expect(albums.stdout).to.include('Hostile \\x1b[31mred').and.not.include('\x1b')
      const ls = await cliOk(alice, ['ls', 'Hostile \x1b[31mred'])
      expect(ls.stdout).to.not.match(/[\x00-\x09\x0b-\x1f\x7f\u202e]/)
      expect(ls.stdout).to.include(String.raw`evil\x1b]0;pwned\x07\x1b[2J\x0arm -rf ~\u202egpj.jpg`)
      expect(ls.stdout.split('\n').filter((l) => l !== '')).to.have.length(3)
      const json = await cliOk(alice, ['ls', 'Hostile \x1b[31mred', '--json'])
      expect(json.stdout).to.not.match(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/)
      expect((JSON.parse(json.stdout) as Array<{ name: string }>).map((r) => r.name)).to.include(hostile)
      const missing = await runCli(alice, ['ls', 'no \x1b[2J such'])
      expect(missing.stderr).to.not.include('\x1b[2J')
    })

    it('become safe file names on download, and a long one does not stop the others', async function () {
      const out = join(work, 'hostile-out')
      await cliOk(alice, ['download', 'Hostile \x1b[31mred', '--out', out])
      const names = await readdir(out)
      expect(names).to.have.length(3)
      expect(names).to.include('plain.jpg').and.include(long)
      expect(names).to.include(safeFileName(hostile))
      for (const name of names) {
        expect(name).to.not.match(/[\x00-\x1f\x7f-\x9f\u202e/]/)
        expect(Buffer.byteLength(name)).to.be.at.most(247)
      }
      // Run again: a second copy of the long name needs a suffix, and still fits.
      await cliOk(alice, ['download', 'Hostile \x1b[31mred', '--out', out])
      expect(await readdir(out)).to.have.length(3)
    })
  })
})
