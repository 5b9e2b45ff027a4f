/**
 * What `npm test` checks before the browser tests (test/helpers/chromium.ts, run by bin/run.mjs):
 * it names the Chromium it found, or says in one line what to install, never a bare ENOENT. The
 * whole suite also runs with the system tools hidden in CI (.ci/fresh-machine).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'

const script = fileURLToPath(new URL('./helpers/chromium.ts', import.meta.url))

async function findChromiumAs (env: NodeJS.ProcessEnv): Promise<{ code: number, stdout: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env } }, (err, stdout) => {
      resolve({ code: err == null ? 0 : (err as { code?: number }).code ?? 1, stdout })
    })
  })
}

describe('the Chromium check before the browser tests', function () {
  it('names the Chromium it found and where it came from', async function () {
    const { code, stdout } = await findChromiumAs({ OBSCURA_CHROMIUM: '' })
    expect(code).to.equal(0)
    expect(stdout).to.match(/^Chromium \d+\.[^\n]* \((system|npm): \/\S+\)\n$/)
  })

  it('says in one line when the Chromium it was told to use does not run', async function () {
    const { code, stdout } = await findChromiumAs({ OBSCURA_CHROMIUM: '/nonexistent/chromium' })
    expect(code).to.equal(1)
    expect(stdout).to.equal('browser tests: OBSCURA_CHROMIUM=/nonexistent/chromium does not run (`/nonexistent/chromium --version` failed)\n')
  })
})
