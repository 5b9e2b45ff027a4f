/**
 * Writes test/vectors/<name>.json for every case in cases.ts: inputs, the randomness drawn (in
 * order), and the expected outputs and error code. Run it after a deliberate format change:
 *   node_modules/.bin/node --import tsx test/vectors/generate.ts
 * then review the diff; the replay test (test/format/vectors.test.ts) fails until you do.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { cases } from './cases.ts'
import { executors } from './execute.ts'
import { recordingRandom } from './random.ts'
import { buildManifestInput } from './manifest-input.ts'

const directory = fileURLToPath(new URL('.', import.meta.url))

for (const vectorCase of cases) {
  const executor = executors[vectorCase.kind]
  if (executor === undefined) throw new Error(`no executor for kind ${vectorCase.kind}`)
  const inputs = vectorCase.kind === 'manifest' ? { ...vectorCase.inputs, manifest: await buildManifestInput() } : vectorCase.inputs
  const { random, draws } = recordingRandom(vectorCase.seed ?? vectorCase.name)
  const expected: Record<string, unknown> = {}
  let error: string | undefined
  try {
    await executor(inputs, random, expected)
  } catch (err) {
    error = (err as { code?: string }).code
    if (error === undefined) throw err
  }
  const vector = { format: 'obscura/v1', name: vectorCase.name, kind: vectorCase.kind, description: vectorCase.description, inputs, random: draws, expected, ...(error === undefined ? {} : { error }) }
  await writeFile(`${directory}${vectorCase.name}.json`, JSON.stringify(vector, null, 2) + '\n')
  process.stdout.write(`${vectorCase.name}: ${error ?? 'ok'}\n`)
}
