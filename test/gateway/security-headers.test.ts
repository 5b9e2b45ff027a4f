/**
 * The gateway's security headers: the web UI's answers (pages, scripts, the Service Worker)
 * carry the app's CSP (scripts only from this origin, no framing, no plugins, no `<base>`), API,
 * block and health answers a sandbox that makes them inert documents; all carry
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer` and `nosniff`. The CSP's `connect-src`
 * is this origin alone unless blocks are read straight from a bucket.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { INERT_POLICY, appPolicy } from '../../gateway/middleware/security-headers.ts'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { call } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

describe('gateway security headers', function () {
  let node: TestNode
  let gateway: Gateway
  let webui: string

  before(async function () {
    webui = await mkdtemp(join(tmpdir(), 'obscura-headers-'))
    await mkdir(join(webui, 'assets'))
    await writeFile(join(webui, 'index.html'), '<!doctype html><title>t</title>')
    await writeFile(join(webui, 'assets', 'app.js'), 'export {}')
    await writeFile(join(webui, 'sw.js'), 'export {}')
    node = await startTestNode()
    gateway = await startGateway(node.node, '127.0.0.1', 0, { webuiDir: webui })
  })

  after(async function () {
    await gateway?.close()
    await node?.stop()
    if (webui != null) await rm(webui, { recursive: true, force: true })
  })

  it('sends the app policy and the framing, referrer and sniffing headers on every kind of answer', async function () {
    const answers = [['/', 200, appPolicy()], ['/s/some-token', 200, appPolicy()], ['/assets/app.js', 200, appPolicy()], ['/sw.js', 200, appPolicy()],
      ['/api/v1/me', 401, INERT_POLICY], ['/api/v1/nothing', 404, INERT_POLICY], ['/ipfs/bafkqaaa', 406, INERT_POLICY], ['/healthz', 200, INERT_POLICY]] as const
    for (const [path, status, policy] of answers) {
      const res = await call(gateway.url, 'GET', path)
      expect(res.status, path).to.equal(status)
      expect(res.headers.get('content-security-policy'), path).to.equal(policy)
      expect(res.headers.get('x-frame-options'), path).to.equal('DENY')
      expect(res.headers.get('referrer-policy'), path).to.equal('no-referrer')
      expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff')
    }
  })

  it('lets scripts come from this origin only, and no page frame the app', function () {
    const directives = new Map(appPolicy().split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(directives.get('script-src')).to.deep.equal(["'self'", "'wasm-unsafe-eval'"])
    expect(directives.get('frame-ancestors')).to.deep.equal(["'none'"])
    expect(directives.get('object-src')).to.deep.equal(["'none'"])
    expect(directives.get('base-uri')).to.deep.equal(["'none'"])
    expect(directives.get('connect-src')).to.deep.equal(["'self'"])
    expect(appPolicy(['https://bucket.example']).split('; ')).to.include("connect-src 'self' https://bucket.example")
  })
})
