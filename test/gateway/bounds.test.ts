/**
 * What a request costs the node, and what it tells a stranger: signup answers alike for taken and
 * free names without an invite, and brakes repeated failures; login challenges are counted per
 * client address; Argon2id parameters below what clients accept are refused; a sync asks about a
 * bounded number of collections. Brakes run on a clock the tests move.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { CHALLENGES_PER_MINUTE, SIGNUP_FAILURES_PER_MINUTE } from '../../gateway/routes/auth.ts'
import { startGateway, type Gateway } from '../../gateway/server.ts'
import { MAX_SYNC_CURSORS, NodeApi } from '../../src/client/api.ts'
import { KDF_BOUNDS } from '../../src/crypto/password.ts'
import { newId } from '../../src/format/ids.ts'
import { throwawaySignupBody } from '../helpers/client.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { rawInvite, rawSignup, type RawUser } from '../helpers/raw.ts'

describe('gateway bounds', function () {
  let node: TestNode
  let gateway: Gateway
  let now = Date.now()
  let admin: RawUser

  before(async function () {
    node = await startTestNode()
    gateway = await startGateway(node.node, '127.0.0.1', 0, { now: () => now })
    admin = await rawSignup(gateway.url, 'admin')
  })

  after(async function () {
    await gateway?.close()
    await node?.stop()
  })

  const signup = async (body: Record<string, unknown>): Promise<Awaited<ReturnType<typeof call>>> =>
    await call(gateway.url, 'POST', '/api/v1/auth/signup', { body })

  describe('signup', function () {
    afterEach(function () { now += 61_000 }) // a fresh brake window for each test

    it('answers a signup without a valid invite alike for a taken and a free username (INVITE_REQUIRED)', async function () {
      const taken = await signup(throwawaySignupBody('admin'))
      const free = await signup(throwawaySignupBody('nobody-yet'))
      const takenBogus = await signup(throwawaySignupBody('admin', 'not-an-invite'))
      const freeBogus = await signup(throwawaySignupBody('nobody-yet', 'not-an-invite'))
      for (const res of [taken, free]) {
        expect(res.status).to.equal(403)
        expect(res.json).to.deep.equal(free.json)
      }
      for (const res of [takenBogus, freeBogus]) {
        expect(res.status).to.equal(403)
        expect(res.json).to.deep.equal(freeBogus.json)
      }
      expect(errorCode(taken)).to.equal('INVITE_REQUIRED')
    })

    it('keeps an invite usable when it was sent with a taken username', async function () {
      const code = await rawInvite(gateway.url, admin.token)
      const taken = await signup(throwawaySignupBody('admin', code))
      expect(taken.status).to.equal(409)
      expect(errorCode(taken)).to.equal('USERNAME_TAKEN')
      expect((await signup(throwawaySignupBody('erin', code))).status).to.equal(201)
    })

    it('brakes an address after repeated failed signups (429), then lets it in after the window', async function () {
      const statuses: number[] = []
      for (let i = 0; i < SIGNUP_FAILURES_PER_MINUTE + 2; i++) statuses.push((await signup(throwawaySignupBody(`probe-${i}`))).status)
      expect(statuses).to.deep.equal([...new Array(SIGNUP_FAILURES_PER_MINUTE).fill(403), 429, 429])
      const code = await rawInvite(gateway.url, admin.token)
      const braked = await signup(throwawaySignupBody('frank', code))
      expect(braked.status).to.equal(429)
      expect(errorCode(braked)).to.equal('RATE_LIMITED')
      now += 61_000
      expect((await signup(throwawaySignupBody('frank', code))).status).to.equal(201)
    })
  })

  describe('login challenges', function () {
    it('brakes an address that asks for too many challenges (429), then serves it after the window', async function () {
      now += 61_000
      for (let i = 0; i < CHALLENGES_PER_MINUTE; i++) {
        const res = await call(gateway.url, 'POST', '/api/v1/auth/challenge', { body: { username: `ghost-${i % 50}` } })
        if (res.status !== 200) expect.fail(`challenge ${i}: ${res.status}`)
      }
      const over = await call(gateway.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'admin' } })
      expect(over.status).to.equal(429)
      expect(errorCode(over)).to.equal('RATE_LIMITED')
      now += 61_000
      expect((await call(gateway.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'admin' } })).status).to.equal(200)
    })
  })

  describe('Argon2id parameters', function () {
    it('refuses parameters below the bounds clients enforce (iterations < 3, memory < 64 MiB)', async function () {
      now += 61_000
      const code = await rawInvite(gateway.url, admin.token)
      const kdf = { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: randomBytes(16).toString('base64') }
      for (const weak of [{ iterations: 1 }, { iterations: KDF_BOUNDS.iterations.min - 1 }, { memoryKiB: KDF_BOUNDS.memoryKiB.min - 1 }, { parallelism: 0 }]) {
        const res = await signup({ ...throwawaySignupBody('weak-kdf', code), kdf: { ...kdf, ...weak } })
        expect(res.status, JSON.stringify(weak)).to.equal(400)
        expect(errorCode(res)).to.equal('INVALID_REQUEST')
      }
      expect((await signup({ ...throwawaySignupBody('weak-kdf', code), kdf })).status).to.equal(201)
    })
  })

  describe('sync', function () {
    it(`refuses a sync of more than ${MAX_SYNC_CURSORS} collections (400)`, async function () {
      const cursors = Object.fromEntries(Array.from({ length: MAX_SYNC_CURSORS + 1 }, () => [newId(), 0]))
      const res = await call(gateway.url, 'POST', '/api/v1/sync', { token: admin.token, body: { cursors } })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
    })

    it('lets the client sync more collections than one request carries, in parts', async function () {
      const api = new NodeApi(gateway.url, admin.token)
      const ids = Array.from({ length: MAX_SYNC_CURSORS * 2 + 5 }, () => newId())
      const started = performance.now()
      const { changed, gone } = await api.sync(Object.fromEntries(ids.map((id) => [id, 0])))
      const ms = performance.now() - started
      expect(changed).to.deep.equal([])
      expect(gone.sort()).to.deep.equal([...ids].sort())
      this.test!.title += ` (${ids.length} cursors in ${Math.round(ms)} ms)`
    })
  })
})
