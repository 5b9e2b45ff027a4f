import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cases } from '../vectors/cases.ts'
import { executors } from '../vectors/execute.ts'
import { replayRandom } from '../vectors/random.ts'

interface Vector {
  format: string
  name: string
  kind: string
  inputs: Record<string, unknown>
  random: string[]
  expected: Record<string, unknown>
  error?: string
}

const directory = fileURLToPath(new URL('../vectors/', import.meta.url))
const files = readdirSync(directory).filter((name) => name.endsWith('.json')).sort()

describe('test vectors (test/vectors/*.json)', function () {
  this.timeout(30000)

  it('has one file for every case in cases.ts, and no other', () => {
    expect(files).to.deep.equal(cases.map((c) => `${c.name}.json`).sort())
  })

  for (const file of files) {
    const vector = JSON.parse(readFileSync(`${directory}${file}`, 'utf8')) as Vector
    const outcome = vector.error === undefined ? 'succeeds' : `fails with ${vector.error}`
    it(`${vector.name}: ${outcome} and reproduces every expected output`, async () => {
      expect(vector.format).to.equal('obscura/v1')
      const executor = executors[vector.kind]
      expect(executor, `executor for ${vector.kind}`).to.be.a('function')
      const { random, assertConsumed } = replayRandom(vector.random)
      const out: Record<string, unknown> = {}
      let code: string | undefined
      try {
        await executor!(vector.inputs, random, out)
      } catch (err) {
        code = (err as { code?: string }).code
        if (code === undefined) throw err
      }
      expect(code).to.equal(vector.error)
      expect(out).to.deep.equal(vector.expected)
      assertConsumed()
    })
  }
})
