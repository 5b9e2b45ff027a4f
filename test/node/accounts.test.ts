/**
 * Accounts against a real node: signup and invites, the challenge–proof login, sessions, logout,
 * password change and the brake on password guessing.
 */
import { createHash, randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { Accounts } from '../../node/accounts.ts'
import type { LoginFailedError } from '../../node/errors.ts'
import { ApiError } from '../../src/client/errors.ts'
import { changePassword, login, type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { createAccountKeys, derivePasswordKeys, encodeKeyBundle } from '../../src/crypto/keys.ts'
import { LABELS } from '../../src/crypto/labels.ts'
import { signDetached, signingKeyFromSeed } from '../../src/crypto/sign.ts'
import { loginProofMessage } from '../../src/format/login.ts'
import { bytesSource, openLibrary, readItem, throwawaySignupBody } from '../helpers/client.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { rawInvite } from '../helpers/raw.ts'

const PASSWORD = 'alice-correct-horse'

/** Signs a challenge with an arbitrary key: a proof that cannot be right. */
async function wrongProof (url: string, username: string): Promise<{ challengeId: string, signature: string }> {
  const { json } = await call(url, 'POST', '/api/v1/auth/challenge', { body: { username } })
  const key = await signingKeyFromSeed(new Uint8Array(randomBytes(32)))
  const signature = await signDetached(key, LABELS.login, loginProofMessage(Buffer.from(json.challenge, 'base64'), username))
  return { challengeId: json.challengeId, signature: Buffer.from(signature).toString('base64') }
}

/** A correct proof for `username`, made by hand (what `login` does before its request). */
async function rightProof (url: string, username: string, password: string): Promise<{ challengeId: string, signature: string }> {
  const { json } = await call(url, 'POST', '/api/v1/auth/challenge', { body: { username } })
  const kdf = { ...json.kdf, salt: new Uint8Array(Buffer.from(json.kdf.salt, 'base64')) }
  const { authKey } = await derivePasswordKeys(password, kdf)
  const signature = await signDetached(authKey, LABELS.login, loginProofMessage(Buffer.from(json.challenge, 'base64'), username))
  return { challengeId: json.challengeId, signature: Buffer.from(signature).toString('base64') }
}

describe('node accounts', function () {
  let node: TestNode
  let alice: Account
  let bob: Account

  before(async function () {
    node = await startTestNode()
    alice = (await signup(node.url, 'alice', PASSWORD)).account
  })

  after(async function () {
    await node?.stop()
  })

  describe('signup', function () {
    it('makes the first account the node admin', function () {
      expect(alice.user.admin).to.equal(true)
      expect(alice.user.username).to.equal('alice')
    })

    it('refuses a second signup without an invite (INVITE_REQUIRED)', async function () {
      const res = await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('mallory') })
      expect(res.status).to.equal(403)
      expect(errorCode(res)).to.equal('INVITE_REQUIRED')
      const bogus = await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('mallory', 'not-an-invite') })
      expect(errorCode(bogus)).to.equal('INVITE_REQUIRED')
      expect(await node.node.accounts.findByUsername('mallory')).to.equal(undefined)
    })

    it('accepts a signup with an invite from the admin, and only once per invite', async function () {
      const { code } = await alice.api.createInvite()
      bob = (await signup(node.url, 'bob', 'bob-battery-staple', { invite: code })).account
      expect(bob.user.admin).to.equal(false)
      const again = await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('carol', code) })
      expect(again.status).to.equal(403)
      expect(errorCode(again)).to.equal('INVITE_REQUIRED')
    })

    it('makes invite codes a command line takes as they are: base58, never starting with "-"', async function () {
      // 64 codes: a base64url code started with "-" 1 time in 32, and `--invite -abc` reads as an option.
      const codes = await Promise.all(Array.from({ length: 64 }, async () => (await alice.api.createInvite()).code))
      for (const code of codes) expect(code).to.match(/^[1-9A-HJ-NP-Za-km-z]{22,25}$/)
      expect(new Set(codes).size).to.equal(codes.length)
      for (const { id } of (await alice.api.listInvites()).filter((i) => i.code != null && codes.includes(i.code))) await alice.api.revokeInvite(id)
    })

    it('does not let a non-admin make invites', async function () {
      const res = await call(node.url, 'POST', '/api/v1/admin/invites', { token: bob.api.token })
      expect(res.status).to.equal(403)
      expect(errorCode(res)).to.equal('FORBIDDEN')
    })

    it('lists invites for the admin: open ones with their code, used ones with who used them; revoking stops a code at once', async function () {
      const open = await alice.api.createInvite()
      const doomed = await alice.api.createInvite()
      const listed = await alice.api.listInvites()
      const byCode = (code: string) => listed.find((i) => i.code === code)
      expect(byCode(open.code)).to.include({ state: 'open', expiresAt: open.expiresAt })
      expect(byCode(doomed.code)?.id).to.match(/^[0-9a-f]{64}$/)
      // The invite bob signed up with shows as used, by bob, and without its code.
      const used = listed.filter((i) => i.state === 'used')
      expect(used.map((i) => i.usedBy)).to.include('bob')
      expect(used.every((i) => i.code == null)).to.equal(true)

      expect((await call(node.url, 'DELETE', `/api/v1/admin/invites/${byCode(doomed.code)?.id ?? ''}`, { token: alice.api.token })).status).to.equal(204)
      const refused = await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('dora', doomed.code) })
      expect(errorCode(refused)).to.equal('INVITE_REQUIRED')
      expect((await alice.api.listInvites()).some((i) => i.code === doomed.code)).to.equal(false)
      const again = await call(node.url, 'DELETE', `/api/v1/admin/invites/${byCode(doomed.code)?.id ?? ''}`, { token: alice.api.token })
      expect(again.status).to.equal(404)
      expect((await call(node.url, 'DELETE', '/api/v1/admin/invites/not-hex', { token: alice.api.token })).status).to.equal(400)
    })

    it('shows invites to the admin only', async function () {
      for (const [method, path] of [['GET', '/api/v1/admin/invites'], ['DELETE', `/api/v1/admin/invites/${'0'.repeat(64)}`]] as const) {
        expect((await call(node.url, method, path, { token: bob.api.token })).status, `${method} as bob`).to.equal(403)
        expect((await call(node.url, method, path)).status, `${method} anonymous`).to.equal(401)
      }
    })

    it('refuses a username that is taken (USERNAME_TAKEN)', async function () {
      const { code } = await alice.api.createInvite()
      const res = await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('bob', code) })
      expect(res.status).to.equal(409)
      expect(errorCode(res)).to.equal('USERNAME_TAKEN')
    })
  })

  describe('signup races', function () {
    let fresh: TestNode
    let adminToken: string

    before(async function () {
      fresh = await startTestNode()
    })

    after(async function () {
      await fresh?.stop()
    })

    it('makes exactly one admin when the first signups arrive at once', async function () {
      const results = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map(async (name) =>
        await call(fresh.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody(name) })))
      const created = results.filter((r) => r.status === 201)
      expect(created).to.have.length(1)
      adminToken = created[0]!.json.token
      expect(created[0]!.json.user.admin).to.equal(true)
      expect(results.filter((r) => r.status === 403).map(errorCode)).to.deep.equal(new Array(4).fill('INVITE_REQUIRED'))
    })

    it('lets one invite make one account even when used twice at once', async function () {
      const code = await rawInvite(fresh.url, adminToken)
      const results = await Promise.all(['v1', 'v2'].map(async (name) =>
        await call(fresh.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody(name, code) })))
      expect(results.map((r) => r.status).sort()).to.deep.equal([201, 403])
    })
  })

  describe('login', function () {
    it('logs in with the right password and unlocks the same identity', async function () {
      const again = await login(node.url, 'alice', PASSWORD)
      expect(again.user.id).to.equal(alice.user.id)
      expect(Buffer.from(again.keys.signing.publicKey)).to.deep.equal(Buffer.from(alice.keys.signing.publicKey))
      expect(Buffer.from(again.keys.masterKey)).to.deep.equal(Buffer.from(alice.keys.masterKey))
    })

    it('refuses a wrong password with LOGIN_FAILED (401) and releases no key bundle', async function () {
      const res = await call(node.url, 'POST', '/api/v1/auth/login', { body: await wrongProof(node.url, 'alice') })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('LOGIN_FAILED')
      expect(res.json).to.have.all.keys('error')
      const stored = await node.node.accounts.findByUsername('alice')
      expect(Buffer.from(res.bytes).toString()).not.to.include(stored?.keyBundle.slice(0, 24))

      let failure: unknown
      try {
        await login(node.url, 'alice', 'not-the-password')
      } catch (err) {
        failure = err
      }
      expect(failure).to.be.instanceOf(ApiError)
      expect((failure as ApiError).code).to.equal('LOGIN_FAILED')
      expect((failure as ApiError).status).to.equal(401)
    })

    it('gives an unknown username a challenge indistinguishable in shape (decoy KDF, stable salt)', async function () {
      const real = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'alice' } })
      const ghost = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'nobody-here' } })
      const ghostAgain = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'nobody-here' } })
      const other = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'nobody-else' } })
      expect(ghost.status).to.equal(real.status)
      expect(Object.keys(ghost.json).sort()).to.deep.equal(Object.keys(real.json).sort())
      expect(Object.keys(ghost.json.kdf).sort()).to.deep.equal(Object.keys(real.json.kdf).sort())
      const { salt: realSalt, ...realParams } = real.json.kdf
      const { salt: ghostSalt, ...ghostParams } = ghost.json.kdf
      expect(ghostParams).to.deep.equal(realParams)
      expect(Buffer.from(ghostSalt, 'base64')).to.have.length(Buffer.from(realSalt, 'base64').length)
      expect(Buffer.from(ghost.json.challenge, 'base64')).to.have.length(Buffer.from(real.json.challenge, 'base64').length)
      expect(ghost.json.challengeId).to.have.length(real.json.challengeId.length)
      // A real account's salt never changes between attempts, so a decoy's must not either.
      expect(ghostAgain.json.kdf.salt).to.equal(ghostSalt)
      expect(other.json.kdf.salt).not.to.equal(ghostSalt)
      const realAgain = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'alice' } })
      expect(realAgain.json.kdf.salt).to.equal(realSalt)

      const res = await call(node.url, 'POST', '/api/v1/auth/login', { body: await wrongProof(node.url, 'nobody-here') })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('LOGIN_FAILED')
    })

    it('refuses a replayed login proof (each challenge is single-use)', async function () {
      const proof = await rightProof(node.url, 'alice', PASSWORD)
      const first = await call(node.url, 'POST', '/api/v1/auth/login', { body: proof })
      expect(first.status).to.equal(200)
      expect(first.json.keyBundle).to.be.a('string')
      const replay = await call(node.url, 'POST', '/api/v1/auth/login', { body: proof })
      expect(replay.status).to.equal(401)
      expect(errorCode(replay)).to.equal('LOGIN_FAILED')
      expect(replay.json.keyBundle).to.equal(undefined)
      expect(replay.json.token).to.equal(undefined)
    })

    it('refuses a proof made for one username when the challenge was for another', async function () {
      const { json } = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'bob' } })
      const kdf = (await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'alice' } })).json.kdf
      const { authKey } = await derivePasswordKeys(PASSWORD, { ...kdf, salt: new Uint8Array(Buffer.from(kdf.salt, 'base64')) })
      // Alice's valid signature over Bob's challenge, bound to her own name: still not Bob.
      const signature = await signDetached(authKey, LABELS.login, loginProofMessage(Buffer.from(json.challenge, 'base64'), 'alice'))
      const res = await call(node.url, 'POST', '/api/v1/auth/login', { body: { challengeId: json.challengeId, signature: Buffer.from(signature).toString('base64') } })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('LOGIN_FAILED')
    })
  })

  describe('challenges', function () {
    /** Every key in the node's metadata database, whatever its sublevel. */
    async function countKeys (): Promise<number> {
      let n = 0
      for await (const _ of node.node.db.level.keys()) n++
      return n
    }

    it('writes nothing to the database for login challenges, so anonymous requests cannot grow it', async function () {
      const before = await countKeys()
      for (let i = 0; i < 50; i++) {
        expect((await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: `ghost-${i}` } })).status).to.equal(200)
      }
      expect((await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'alice' } })).status).to.equal(200)
      expect(await countKeys()).to.equal(before)
      // and a login, whose challenge now lives in memory, still works
      expect((await login(node.url, 'alice', PASSWORD)).user.id).to.equal(alice.user.id)
    })

    it('refuses a proof for a challenge that expired (two minutes)', async function () {
      let now = Date.now()
      const clocked = new Accounts(node.node.db, node.node.config.accounts, { now: () => now })
      await clocked.start()
      const { challengeId } = await clocked.startLogin('alice')
      now += 2 * 60 * 1000 + 1
      let failure: unknown
      try {
        await clocked.verifyProof(challengeId, new Uint8Array(64))
      } catch (err) {
        failure = err
      }
      expect((failure as LoginFailedError)?.code).to.equal('LOGIN_FAILED')
      expect(clocked.pendingChallenges).to.equal(0)
    })

    it('holds at most its limit of challenges, dropping expired ones first, then the oldest', async function () {
      let now = Date.now()
      const small = new Accounts(node.node.db, node.node.config.accounts, { now: () => now, maxChallenges: 3 })
      await small.start()
      const first = await small.startLogin('alice')
      now += 3 * 60 * 1000 // the first one expires
      const second = await small.startLogin('alice')
      const third = await small.startLogin('alice')
      await small.startLogin('alice') // full: the expired one goes
      expect(small.pendingChallenges).to.equal(3)
      expect(small.challengeUsername(first.challengeId)).to.equal(undefined)
      expect(small.challengeUsername(second.challengeId)).to.equal('alice')
      for (let i = 0; i < 10; i++) await small.startLogin(`ghost-${i}`)
      expect(small.pendingChallenges).to.equal(3)
      expect(small.challengeUsername(second.challengeId)).to.equal(undefined) // the oldest went
      expect(small.challengeUsername(third.challengeId)).to.equal(undefined)
    })
  })

  describe('sessions', function () {
    it('answers 401 to an unknown session token', async function () {
      const res = await call(node.url, 'GET', '/api/v1/me', { token: randomBytes(32).toString('base64url') })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('UNAUTHENTICATED')
      const none = await call(node.url, 'GET', '/api/v1/me')
      expect(none.status).to.equal(401)
      expect(errorCode(none)).to.equal('UNAUTHENTICATED')
    })

    it('answers 401 to an expired session token and forgets it', async function () {
      const session = await login(node.url, 'bob', 'bob-battery-staple')
      const token = session.api.token as string
      expect((await call(node.url, 'GET', '/api/v1/me', { token })).status).to.equal(200)
      const key = createHash('sha256').update(token).digest('hex')
      const record = await node.node.db.sessions.get(key)
      expect(record).not.to.equal(undefined)
      await node.node.db.sessions.put(key, { ...record!, expiresAt: Date.now() - 1000 })
      await node.restart() // the running node caches sessions it has seen; a new one reads the store
      const res = await call(node.url, 'GET', '/api/v1/me', { token })
      expect(res.status).to.equal(401)
      expect(errorCode(res)).to.equal('UNAUTHENTICATED')
      expect(await node.node.db.sessions.get(key)).to.equal(undefined)
    })

    it('refuses a session the node has cached once it expires, and forgets it', async function () {
      let clock = Date.now()
      const shortLived = await startTestNode({ accounts: { sessionTtlSeconds: 1 } }, { expiryNow: () => clock })
      try {
        const { account } = await signup(shortLived.url, 'dora', 'dora-battery-staple')
        const token = account.api.token as string
        expect((await call(shortLived.url, 'GET', '/api/v1/me', { token })).status).to.equal(200)
        clock += 1100
        const res = await call(shortLived.url, 'GET', '/api/v1/me', { token })
        expect(res.status).to.equal(401)
        expect(errorCode(res)).to.equal('UNAUTHENTICATED')
        expect(await shortLived.node.db.sessions.get(createHash('sha256').update(token).digest('hex'))).to.equal(undefined)
      } finally {
        await shortLived.stop()
      }
    })

    it('invalidates the token on logout', async function () {
      const session = await login(node.url, 'alice', PASSWORD)
      const token = session.api.token as string
      expect((await call(node.url, 'GET', '/api/v1/me', { token })).status).to.equal(200)
      const out = await call(node.url, 'POST', '/api/v1/auth/logout', { token })
      expect(out.status).to.equal(204)
      const res = await call(node.url, 'GET', '/api/v1/me', { token })
      expect(res.status).to.equal(401)
      // Other sessions of the same account are untouched.
      expect((await call(node.url, 'GET', '/api/v1/me', { token: alice.api.token })).status).to.equal(200)
    })
  })

  describe('password change', function () {
    it('logs in with the new password only, and earlier uploads still decrypt', async function () {
      const library = await openLibrary(bob)
      const album = await library.ensureAlbum('Before the change')
      const original = new Uint8Array(randomBytes(300_000))
      await uploadFiles(library, [bytesSource('before.bin', original)], { targets: [album] })

      await changePassword(bob, 'bob-battery-staple', 'bob-new-password-42')

      let oldFailure: unknown
      try {
        await login(node.url, 'bob', 'bob-battery-staple')
      } catch (err) {
        oldFailure = err
      }
      expect((oldFailure as ApiError)?.code).to.equal('LOGIN_FAILED')

      const fresh = await openLibrary(await login(node.url, 'bob', 'bob-new-password-42'))
      const again = fresh.resolve('Before the change')
      const item = [...again.items.values()].find((i) => i.name === 'before.bin')
      expect(item).not.to.equal(undefined)
      expect(Buffer.from(await readItem(fresh, again, item!))).to.deep.equal(Buffer.from(original))
    })

    it('ends every other session of the account, and keeps the one that made the change', async function () {
      const other = await login(node.url, 'bob', 'bob-new-password-42')
      const changer = await login(node.url, 'bob', 'bob-new-password-42')
      await changePassword(changer, 'bob-new-password-42', 'bob-third-password-7')
      expect(errorCode(await call(node.url, 'GET', '/api/v1/me', { token: other.api.token }))).to.equal('UNAUTHENTICATED')
      expect((await changer.api.me()).username).to.equal('bob')
      await changePassword(changer, 'bob-third-password-7', 'bob-new-password-42')
      bob = changer // the earlier session ended with the change; later tests go on as bob
    })

    it('refuses a new key bundle that is not the stored one re-wrapped, and changes nothing', async function () {
      const before = await node.node.accounts.findByUsername('bob')
      const other = await createAccountKeys('bob-swapped-password')
      const res = await call(node.url, 'POST', '/api/v1/auth/password', {
        token: bob.api.token,
        body: {
          ...await rightProof(node.url, 'bob', 'bob-new-password-42'),
          authPublicKey: Buffer.from(other.authPublicKey).toString('base64'),
          kdf: { ...other.bundle.kdf, salt: Buffer.from(other.bundle.kdf.salt).toString('base64') },
          keyBundle: Buffer.from(encodeKeyBundle(other.bundle)).toString('base64')
        }
      })
      expect(res.status).to.equal(400)
      expect(errorCode(res)).to.equal('INVALID_REQUEST')
      expect(await node.node.accounts.findByUsername('bob')).to.deep.equal(before)
    })

    it('refuses a password change proven with a wrong current password', async function () {
      let failure: unknown
      try {
        await changePassword(bob, 'not-bobs-password', 'whatever-else-1')
      } catch (err) {
        failure = err
      }
      expect((failure as ApiError)?.code).to.equal('LOGIN_FAILED')
      await login(node.url, 'bob', 'bob-new-password-42')
    })
  })

  describe('guessing brake', function () {
    /** One wrong guess through `path`; 429 when the challenge itself is already refused. */
    async function guess (username: string, path: string, token?: string, extra: Record<string, unknown> = {}): Promise<number> {
      const challenge = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username } })
      if (challenge.status !== 200) return challenge.status
      const key = await signingKeyFromSeed(new Uint8Array(randomBytes(32)))
      const signature = await signDetached(key, LABELS.login, loginProofMessage(Buffer.from(challenge.json.challenge, 'base64'), username))
      const body = { challengeId: challenge.json.challengeId, signature: Buffer.from(signature).toString('base64'), ...extra }
      return (await call(node.url, 'POST', path, { token, body })).status
    }

    /** 401s, then 429s only, and at most `limit` 401s in all. */
    function expectBrake (statuses: number[], limit: number): void {
      const first429 = statuses.indexOf(429)
      expect(first429, `statuses: ${statuses.join(',')}`).to.be.greaterThan(0)
      expect(statuses.slice(0, first429).every((s) => s === 401)).to.equal(true)
      expect(statuses.slice(first429).every((s) => s === 429)).to.equal(true)
      expect(first429).to.be.at.most(limit)
    }

    it('rate-limits repeated wrong logins for one username (429), not other users', async function () {
      const { code } = await alice.api.createInvite()
      expect((await call(node.url, 'POST', '/api/v1/auth/signup', { body: throwawaySignupBody('dave', code) })).status).to.equal(201)
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push(await guess('dave', '/api/v1/auth/login'))
      expect(statuses).to.deep.equal([...new Array(10).fill(401), 429, 429])
      const limited = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'dave' } })
      expect(limited.status).to.equal(429)
      expect(errorCode(limited)).to.equal('RATE_LIMITED')
      expect((await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'bob' } })).status).to.equal(200)
    })

    it('counts wrong current passwords on a password change toward the same brake', async function () {
      const next = {
        authPublicKey: randomBytes(32).toString('base64'),
        kdf: { algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1, salt: randomBytes(16).toString('base64') },
        keyBundle: randomBytes(64).toString('base64')
      }
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push(await guess('alice', '/api/v1/auth/password', alice.api.token, next))
      expectBrake(statuses, 10)
    })
  })
})
