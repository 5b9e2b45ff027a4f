/**
 * Crash safety of commits: the node is stopped at each named step of a commit
 * (node/faults.ts: the hook throws there, leaving the database as a kill -9 would), reopened
 * on the same data folder, the client command is run again, the other copies of the items are
 * deleted for good, and every item must still be readable. `checkNode --repair` (run offline)
 * then leaves no ghost link row, no wrong count and no wrong charge.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { cliJson, cliOk, newCliUser, runCli, type CliUser } from '../helpers/cli.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { checkNode, type CheckReport } from '../../node/check.ts'
import { NodeDatabase } from '../../node/db.ts'
import { faults, type FaultStep } from '../../node/faults.ts'
import { openFsBlockstore } from '../../node/storage/fs.ts'

describe('crash inside a commit', function () {
  this.timeout(90_000) // each test runs several obscura processes or nodes that reach one another; the global timeout is 30 s
  let node: TestNode
  let alice: CliUser
  let work: string
  let album = 0

  const ids = async (where: string): Promise<string[]> => (await cliJson<Array<{ id: string }>>(alice, ['ls', where])).map((r) => r.id).sort()

  /** Runs the check on the stopped node's data folder: repairs, then checks again. */
  const offlineRepair = async (): Promise<{ repaired: CheckReport, after: CheckReport }> => {
    let result!: { repaired: CheckReport, after: CheckReport }
    await node.restart(async () => {
      const db = new NodeDatabase(node.dataDir)
      await db.open()
      try {
        const store = await openFsBlockstore(node.dataDir)
        result = { repaired: await checkNode(db, store, { repair: true }), after: await checkNode(db, store) }
      } finally {
        await db.close()
      }
    })
    return result
  }

  /** Runs `args` with the node stopping at the `nth` time it reaches `step`, then reopens it. */
  const crashAt = async (step: FaultStep, nth: number, args: string[]): Promise<void> => {
    let seen = 0
    faults.hook = (reached) => {
      if (reached === step && ++seen === nth) {
        faults.hook = () => { throw new Error('the node is down') }
        throw new Error(`injected crash at ${step} #${nth}`)
      }
    }
    try {
      await runCli(alice, args)
    } finally {
      faults.hook = undefined
    }
    expect(seen, `${args.join(' ')} reached ${step} #${nth}`).to.be.at.least(nth)
    await node.restart()
  }

  const newFiles = async (count: number, size = 60_000): Promise<string> => {
    const dir = await mkdtemp(join(work, 'files-'))
    for (let i = 0; i < count; i++) await writeFile(join(dir, `f${i}.bin`), randomBytes(size + i))
    return dir
  }

  const assertClean = async (): Promise<void> => {
    const { repaired, after } = await offlineRepair()
    expect(after.problems, `after repairing ${repaired.problems.join('; ')}`).to.deep.equal([])
  }

  const readsAll = async (where: string, count: number): Promise<void> => {
    const out = await mkdtemp(join(work, 'out-'))
    await cliOk(alice, ['download', where, '--out', out])
    expect(await ids(where)).to.have.length(count)
  }

  const logged: string[] = []

  before(async function () {
    node = await startTestNode({}, { log: (line) => logged.push(line) })
    alice = await newCliUser(node.url, 'alice-crash-pw')
    await cliOk(alice, ['signup', 'alice'])
    work = await mkdtemp(join(tmpdir(), 'obscura-crash-'))
  })

  after(async function () {
    faults.hook = undefined
    await node?.stop()
    if (work != null) await rm(work, { recursive: true, force: true })
  })

  it('repairs at start-up what a commit cut short left, and says so in one line', async function () {
    const a = `S${++album}`
    await cliOk(alice, ['upload', '--any-file', await newFiles(2), '--album', a])
    await cliOk(alice, ['upload', '--any-file', await newFiles(1), '--album', `T${album}`])
    const items = await ids(a)
    logged.length = 0
    await crashAt('commit:linked', 1, ['add', a, ...items, '--to', `T${album}`])
    const lines = logged.filter((line) => line.startsWith('start-up check:'))
    expect(lines).to.have.length(1)
    expect(lines[0], lines[0]).to.match(/1 commit\(s\) were interrupted .* removed [1-9]\d* link row\(s\) no committed head names, lowered [1-9]\d* reference count/)
    const { repaired } = await offlineRepair()
    expect(repaired.problems).to.deep.equal([])
    logged.length = 0
    await node.restart()
    expect(logged.filter((line) => line.startsWith('start-up check:')), 'a clean stop leaves nothing to check').to.deep.equal([])
  })

  // Inside the links (some rows written, others not) and just after the head; the step between
  // (all links, no head) is the start-up test's. Each case restarts the node, which is what
  // takes the time, so the matrix stays small.
  const steps: Array<[FaultStep, number]> = [['commit:link', 3], ['commit:head', 1]]

  for (const [step, nth] of steps) {
    it(`keeps every item added to another album when the node dies at ${step} #${nth} (add, rerun, delete the originals)`, async function () {
      const a = `A${++album}`
      const b = `B${album}`
      await cliOk(alice, ['upload', '--any-file', '--any-file', await newFiles(4), '--album', a])
      const items = await ids(a)
      await crashAt(step, nth, ['add', a, ...items, '--to', b])
      await cliOk(alice, ['add', a, ...items, '--to', b])
      await cliOk(alice, ['rm', a, ...items, '--permanent'])
      await readsAll(b, 4)
      await assertClean()
      await readsAll(b, 4)
    })

    it(`keeps every item moved when the node dies at ${step} #${nth} (mv, rerun)`, async function () {
      const a = `M${++album}`
      const b = `N${album}`
      await cliOk(alice, ['upload', '--any-file', '--any-file', await newFiles(4), '--album', a])
      const items = await ids(a)
      await crashAt(step, nth, ['mv', a, ...items, '--to', b])
      const left = (await ids(a)).filter((id) => items.includes(id))
      if (left.length > 0) await cliOk(alice, ['mv', a, ...left, '--to', b])
      await readsAll(b, 4)
      await assertClean()
      await readsAll(b, 4)
    })

    it(`keeps files uploaded again and new ones when the node dies at ${step} #${nth} (upload, rerun)`, async function () {
      const a = `U${++album}`
      const b = `V${album}`
      const dir = await newFiles(4)
      await cliOk(alice, ['upload', '--any-file', '--any-file', dir, '--album', a])
      await crashAt(step, nth, ['upload', '--any-file', '--any-file', dir, '--album', b])
      await cliOk(alice, ['upload', '--any-file', '--any-file', dir, '--album', b])
      await cliOk(alice, ['rm', a, ...await ids(a), '--permanent'])
      await readsAll(b, 4)
      await assertClean()
    })
  }

  for (const [step, nth] of [['commit:unlink', 1], ['commit:head', 1]] as Array<[FaultStep, number]>) {
    it(`loses nothing still listed and leaks nothing after repair when the node dies at ${step} #${nth} (rm --permanent, rerun)`, async function () {
      const a = `R${++album}`
      await cliOk(alice, ['upload', '--any-file', '--any-file', await newFiles(4), '--album', a])
      const items = await ids(a)
      await crashAt(step, nth, ['rm', a, items[0] as string, items[1] as string, '--permanent'])
      const left = (await ids(a)).filter((id) => id === items[0] || id === items[1])
      if (left.length > 0) await cliOk(alice, ['rm', a, ...left, '--permanent'])
      await readsAll(a, 2)
      await assertClean()
    })
  }
})
