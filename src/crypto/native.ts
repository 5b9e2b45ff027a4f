/**
 * Node's own crypto module when this code runs under Node (the CLI, the node, tests), and
 * undefined in browsers. AES-256-GCM and SHA-256 of media chunks go through it there: OpenSSL
 * called synchronously costs less than half the CPU of Web Crypto's asynchronous jobs, which
 * copy every chunk in and out of a worker thread (bench/results/upload.json). Browsers keep
 * Web Crypto. Both give the same bytes; test/crypto/native.test.ts holds them to it.
 *
 * `process.getBuiltinModule` (Node >= 22.3) loads it without an `import`, so bundlers for the
 * browser never see a reference to `node:crypto`.
 */
import type * as NodeCrypto from 'node:crypto'

interface MaybeNodeProcess { getBuiltinModule?: (id: string) => unknown }

function loadNodeCrypto (): typeof NodeCrypto | undefined {
  const proc = (globalThis as { process?: MaybeNodeProcess }).process
  if (typeof proc?.getBuiltinModule !== 'function') return undefined
  return proc.getBuiltinModule('node:crypto') as typeof NodeCrypto | undefined
}

export const nodeCrypto: typeof NodeCrypto | undefined = loadNodeCrypto()
