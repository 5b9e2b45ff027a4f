/**
 * The gateway's error middleware: an unexpected failure becomes a generic 500 whose body reveals
 * nothing of the failure, while the log gets the details with no token or query string in the
 * URL; domain errors keep their status and code.
 */
import { request as httpRequest } from 'node:http'
import { expect } from 'chai'
import { redactUrl } from '../../gateway/middleware/errors.ts'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { randomBlock, rawSignup } from '../helpers/raw.ts'

describe('gateway errors', function () {
  let node: TestNode
  let gateway: Gateway
  const logged: string[] = []
  let onLog: (() => void) | undefined

  before(async function () {
    node = await startTestNode()
    gateway = await startGateway(node.node, '127.0.0.1', 0, { log: (line) => { logged.push(line); onLog?.() } })
  })

  after(async function () {
    await gateway?.close()
    await node?.stop()
  })

  it('answers an unexpected failure with a generic 500 and logs the details', async function () {
    const accounts = node.node.accounts
    const original = accounts.startLogin.bind(accounts)
    accounts.startLogin = async () => { throw new Error('disk on fire at /srv/obscura/meta/000042.ldb') }
    try {
      const res = await call(gateway.url, 'POST', '/api/v1/auth/challenge?token=SECRET-QUERY', { body: { username: 'alice' } })
      expect(res.status).to.equal(500)
      expect(res.json).to.deep.equal({ error: { code: 'INTERNAL', message: 'The node failed to handle this request' } })
      expect(Buffer.from(res.bytes).toString()).not.to.include('disk on fire')
    } finally {
      accounts.startLogin = original
    }
    expect(logged).to.have.length(1)
    expect(logged[0]).to.include('POST /api/v1/auth/challenge 500')
    expect(logged[0]).to.include('disk on fire')
    expect(logged[0]).not.to.include('SECRET-QUERY')
  })

  it('does not log refusals a client caused (4xx)', async function () {
    logged.length = 0
    const res = await call(gateway.url, 'GET', '/api/v1/me')
    expect(res.status).to.equal(401)
    expect(errorCode(res)).to.equal('UNAUTHENTICATED')
    expect(logged).to.deep.equal([])
  })

  it('logs a request the client aborted once, as aborted, without a stack', async function () {
    const user = await rawSignup(gateway.url, 'abby')
    logged.length = 0
    const { bytes, cid } = await randomBlock(512 * 1024)
    const line = new Promise<void>((resolve) => { onLog = resolve })
    // Half the declared body, then the client goes away.
    const req = httpRequest(new URL(`/api/v1/blocks/${cid.toString()}`, gateway.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) }
    })
    req.on('error', () => {})
    req.write(bytes.subarray(0, 64 * 1024), () => { req.destroy() })
    await line
    onLog = undefined
    // Anything else the node logged about it would come before an answer to the next request.
    expect((await call(gateway.url, 'GET', '/healthz')).status).to.equal(200)
    expect(logged).to.deep.equal([`PUT /api/v1/blocks/${cid.toString()} aborted by the client`])
  })

  it('strips query strings and link tokens from logged URLs', function () {
    expect(redactUrl('/api/v1/blocks/bafk?X-Amz-Signature=abc')).to.equal('/api/v1/blocks/bafk')
    expect(redactUrl('/s/Zm9vYmFy/album?x=1')).to.equal('/s/<token>/album')
    expect(redactUrl('/api/v1/links/Zm9vYmFy/blocks/bafk')).to.equal('/api/v1/links/<token>/blocks/bafk')
  })
})

describe('gateway methods', function () {
  let node: TestNode

  before(async function () { node = await startTestNode() })
  after(async function () { await node?.stop() })

  it('answers a known route with the wrong method with 405 METHOD_NOT_ALLOWED', async function () {
    const res = await call(node.url, 'DELETE', '/api/v1/auth/login')
    expect(res.status).to.equal(405)
    expect(errorCode(res)).to.equal('METHOD_NOT_ALLOWED')
  })
})
