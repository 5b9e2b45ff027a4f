/**
 * A real store behind a fault-injecting loopback proxy: S3 errors a production store gives under
 * load (503 SlowDown, 500 InternalError) are retried with backoff and, when they persist,
 * reported to clients by name as a 503 STORAGE_UNAVAILABLE, never as a 500 or a stack; so is a
 * store that takes requests and never answers, after `requestTimeoutSeconds` per attempt; and a
 * node in public direct mode refuses to start on a bucket that refuses anonymous reads, instead
 * of silently sending every read through the gateway.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, request as httpRequest, type Server } from 'node:http'
import { expect } from 'chai'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { ApiError } from '../../src/client/errors.ts'
import { rawCid } from '../../src/format/cid.ts'
import { S3StartupError } from '../../node/storage/s3.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { s3StorageConfig, startTestS3, type TestS3 } from './helpers.ts'

type Fault = 'none' | '503' | '500' | 'refuse-unsigned' | 'hang'

/** Forwards to `target`, answering per `fault()` instead; counts the requests it failed. */
async function faultProxy (target: string): Promise<{ endpoint: string, fault: Fault, failed: number, close: () => Promise<void> }> {
  const upstream = new URL(target)
  const handle = { endpoint: '', fault: 'none' as Fault, failed: 0, close: async () => {} }
  const server: Server = createServer((req, res) => {
    const unsigned = req.headers.authorization == null && !(req.url ?? '').includes('X-Amz-Signature=')
    const fail = (status: number, code: string): void => {
      handle.failed++
      req.resume()
      res.writeHead(status, { 'content-type': 'application/xml' })
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`)
    }
    if (handle.fault === 'hang') {
      handle.failed++
      req.resume() // takes the request and never answers: closed only when the client gives up
      return
    }
    if (handle.fault === '503') return fail(503, 'SlowDown')
    if (handle.fault === '500') return fail(500, 'InternalError')
    if (handle.fault === 'refuse-unsigned' && unsigned) return fail(403, 'AccessDenied')
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    req.pipe(forward)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  handle.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  handle.close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => { resolve() }))
  }
  return handle
}

describe('S3 faults', function () {
  let s3: TestS3
  let proxy: Awaited<ReturnType<typeof faultProxy>>

  before(async function () {
    s3 = await startTestS3({ publicRead: true })
    proxy = await faultProxy(s3.endpoint)
  })

  after(async function () {
    await proxy?.close()
    await s3?.destroy()
  })

  describe('a store that answers with errors', function () {
    let node: TestNode
    let alice: Account

    before(async function () {
      node = await startTestNode({ storage: s3StorageConfig(s3, { endpoint: proxy.endpoint, requestTimeoutSeconds: 0.5 }), accounts: { openSignup: true } })
      alice = (await signup(node.url, 'alice', 'alice-password-1')).account
    })

    afterEach(function () {
      proxy.fault = 'none'
    })

    after(async function () {
      await node?.stop()
    })

    for (const [fault, code] of [['503', 'SlowDown'], ['500', 'InternalError']] as const) {
      it(`reports a persistent ${fault} ${code} by name as 503 STORAGE_UNAVAILABLE after retrying, never as a stack`, async function () {
        const bytes = new Uint8Array(randomBytes(2000))
        const cid = (await rawCid(bytes)).toString()
        proxy.fault = fault
        proxy.failed = 0
        let err: unknown
        try {
          await alice.api.putBlock(cid, bytes)
        } catch (e) {
          err = e
        }
        expect(err).to.be.instanceOf(ApiError)
        expect((err as ApiError).status).to.equal(503)
        expect((err as ApiError).code).to.equal('STORAGE_UNAVAILABLE')
        expect((err as ApiError).message).to.include(`HTTP ${fault} ${code}`).and.include('after 4 attempts').and.not.match(/\n\s+at /)
        expect(proxy.failed).to.be.at.least(4) // retried, not given up at the first answer
        proxy.fault = 'none'
        expect(await alice.api.putBlock(cid, bytes)).to.deep.equal({ stored: true })
        expect(Buffer.compare(await alice.api.getBlock(cid), bytes)).to.equal(0)
      })
    }

    it('gives up on a store that never answers after 4 attempts of requestTimeoutSeconds, with a named 503, and recovers', async function () {
      const bytes = new Uint8Array(randomBytes(2000))
      const cid = (await rawCid(bytes)).toString()
      await alice.api.putBlock(cid, bytes)
      proxy.fault = 'hang'
      proxy.failed = 0
      const started = performance.now()
      const err = await alice.api.getBlock(cid).then(() => undefined, (e: unknown) => e)
      const took = performance.now() - started
      expect(err).to.be.instanceOf(ApiError)
      expect((err as ApiError).status).to.equal(503)
      expect((err as ApiError).code).to.equal('STORAGE_UNAVAILABLE')
      expect((err as ApiError).message).to.include('no answer within 0.5 s').and.include('after 4 attempts').and.not.match(/\n\s+at /)
      expect(proxy.failed).to.equal(4)
      // 4 attempts of 0.5 s and three backoffs under 1.4 s in all: not the 30 s default, not a hang.
      expect(took).to.be.within(2000, 15_000)
      proxy.fault = 'none'
      expect(Buffer.compare(await alice.api.getBlock(cid), bytes)).to.equal(0)
    })
  })

  describe('public direct mode', function () {
    it('refuses to start when the bucket refuses anonymous reads, saying how to fix it', async function () {
      proxy.fault = 'refuse-unsigned'
      try {
        let err: unknown
        try {
          const node = await startTestNode({ storage: s3StorageConfig(s3, { endpoint: proxy.endpoint, direct: 'public' }) })
          await node.stop()
        } catch (e) {
          err = e
        }
        expect(err).to.be.instanceOf(S3StartupError)
        expect((err as Error).message).to.include('direct = public').and.include('HTTP 403 AccessDenied').and.include('direct = authorised')
      } finally {
        proxy.fault = 'none'
      }
    })

    it('starts when anonymous reads work', async function () {
      const node = await startTestNode({ storage: s3StorageConfig(s3, { endpoint: proxy.endpoint, direct: 'public' }) })
      await node.stop()
    })
  })
})
