/**
 * Mocha's global setup (.mocharc.json `require`), run once in the main process before the test
 * files spread over parallel workers: builds what the tests run when it is missing or stale, the
 * CLI bundle (test/helpers/cli.ts) and the web UI (test/webui/helpers.ts). Each helper would
 * otherwise build it on first use in every worker at once, deleting files another worker is
 * running. (`npm test` builds both before mocha starts; this covers `node bin/run.mjs mocha`.)
 */
import { ensureCliBundle } from './helpers/cli.ts'
import { ensureBuilt } from './webui/helpers.ts'

export async function mochaGlobalSetup (): Promise<void> {
  await ensureCliBundle()
  await ensureBuilt()
}
