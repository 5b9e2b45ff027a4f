/**
 * The password reset with the recovery key, against a real node: signup registers the recovery
 * key's auth public key; a recovery proof releases the bundle and a second one sets a new
 * password, ends every session and keeps the library and the recovery key working; wrong keys,
 * replayed challenges, unknown users and password proofs are refused without releasing a bundle;
 * accounts made before the key was registered get a clear RECOVERY_UNAVAILABLE.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { ApiError } from '../../src/client/errors.ts'
import { login, recoverAccount, type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { RecoveryKeyFormatError, WrongRecoveryKeyError } from '../../src/crypto/errors.ts'
import { createAccountKeys, decodeKeyBundle, decodeRecoveryKey, derivePasswordKeys, deriveRecoveryKeys, encodeKeyBundle } from '../../src/crypto/keys.ts'
import { LABELS } from '../../src/crypto/labels.ts'
import { signDetached } from '../../src/crypto/sign.ts'
import { newId } from '../../src/format/ids.ts'
import { loginProofMessage } from '../../src/format/login.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { call, errorCode } from '../helpers/http.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/** A proof made by hand, as `recoverAccount` makes it: the challenge signed with the recovery auth key. */
async function recoveryProof (url: string, username: string, recoveryKey: string, label: string = LABELS.recoveryLogin): Promise<{ challengeId: string, signature: string }> {
  const { json } = await call(url, 'POST', '/api/v1/auth/challenge', { body: { username } })
  const { authKey } = await deriveRecoveryKeys(decodeRecoveryKey(recoveryKey))
  const signature = await signDetached(authKey, label, loginProofMessage(Buffer.from(json.challenge, 'base64'), username))
  return { challengeId: json.challengeId, signature: b64(signature) }
}

async function failure (run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('node recovery', function () {
  let node: TestNode
  let alice: Account
  let aliceKey: string
  let bobKey: string

  before(async function () {
    node = await startTestNode()
    const created = await signup(node.url, 'alice', 'alice-first-password')
    alice = created.account
    aliceKey = created.recoveryKey
    const { code } = await alice.api.createInvite()
    bobKey = (await signup(node.url, 'bob', 'bob-first-password', { invite: code })).recoveryKey
  })

  after(async function () {
    await node?.stop()
  })

  it('stores the recovery auth public key at signup', async function () {
    const stored = await node.node.accounts.findByUsername('alice')
    const { authKey } = await deriveRecoveryKeys(decodeRecoveryKey(aliceKey))
    expect(stored?.recoveryAuthPublicKey).to.equal(b64(authKey.publicKey))
  })

  it('refuses a signup without a recovery auth public key', async function () {
    const { code } = await alice.api.createInvite()
    const created = await createAccountKeys('carol-password-1')
    const res = await call(node.url, 'POST', '/api/v1/auth/signup', {
      body: {
        username: 'carol',
        invite: code,
        authPublicKey: b64(created.authPublicKey),
        kdf: { ...created.bundle.kdf, salt: b64(created.bundle.kdf.salt) },
        keyBundle: b64(encodeKeyBundle(created.bundle)),
        signingPublicKey: b64(created.keys.signing.publicKey),
        boxPublicKey: b64(created.keys.box.publicKey),
        rootCollection: newId()
      }
    })
    expect(res.status).to.equal(400)
    expect(errorCode(res)).to.equal('INVALID_REQUEST')
  })

  it('resets the password with the recovery key: old password fails, library intact, every session ended', async function () {
    const library = await openLibrary(alice)
    const album = await library.ensureAlbum('Kept through recovery')
    const original = new Uint8Array(randomBytes(300_000))
    await uploadFiles(library, [bytesSource('kept.bin', original)], { targets: [album] })
    const other = await login(node.url, 'alice', 'alice-first-password')
    const bundleBefore = decodeKeyBundle(Buffer.from((await node.node.accounts.findByUsername('alice'))!.keyBundle, 'base64'))

    const recovered = await recoverAccount(node.url, 'alice', aliceKey.toLowerCase().replace(/-/g, ' '), 'alice-second-password')
    expect(recovered.user.id).to.equal(alice.user.id)
    expect(Buffer.from(recovered.keys.masterKey)).to.deep.equal(Buffer.from(alice.keys.masterKey))

    for (const token of [alice.api.token, other.api.token]) {
      expect(errorCode(await call(node.url, 'GET', '/api/v1/me', { token }))).to.equal('UNAUTHENTICATED')
    }
    expect((await recovered.api.me()).username).to.equal('alice')
    expect((await failure(async () => await login(node.url, 'alice', 'alice-first-password')) as ApiError).code).to.equal('LOGIN_FAILED')

    const fresh = await openLibrary(await login(node.url, 'alice', 'alice-second-password'))
    const again = fresh.resolve('Kept through recovery')
    const item = [...again.items.values()].find((i) => i.name === 'kept.bin')
    expect(item).not.to.equal(undefined)
    expect(Buffer.from(await readItem(fresh, again, item!))).to.deep.equal(Buffer.from(original))

    const bundleAfter = decodeKeyBundle(Buffer.from((await node.node.accounts.findByUsername('alice'))!.keyBundle, 'base64'))
    expect(Buffer.from(bundleAfter.recoveryWrappedMasterKey)).to.deep.equal(Buffer.from(bundleBefore.recoveryWrappedMasterKey))
    expect(Buffer.from(bundleAfter.wrappedMasterKey)).not.to.deep.equal(Buffer.from(bundleBefore.wrappedMasterKey))
  })

  it('keeps the recovery key working after a recovery', async function () {
    alice = await recoverAccount(node.url, 'alice', aliceKey, 'alice-third-password')
    expect((await login(node.url, 'alice', 'alice-third-password')).user.id).to.equal(alice.user.id)
  })

  it('refuses a wrong recovery key with LOGIN_FAILED and releases no bundle', async function () {
    const res = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: await recoveryProof(node.url, 'alice', bobKey) })
    expect(res.status).to.equal(401)
    expect(errorCode(res)).to.equal('LOGIN_FAILED')
    expect(res.json.keyBundle).to.equal(undefined)
    const err = await failure(async () => await recoverAccount(node.url, 'alice', bobKey, 'mallory-password'))
    expect(err).to.be.instanceOf(WrongRecoveryKeyError)
    expect((err as Error).message).to.equal('wrong username or recovery key')
    expect((await login(node.url, 'alice', 'alice-third-password')).user.id).to.equal(alice.user.id)
  })

  it('refuses a wrong recovery key on the reset step too, and changes nothing', async function () {
    const before = await node.node.accounts.findByUsername('alice')
    const next = await createAccountKeys('mallory-password')
    const res = await call(node.url, 'POST', '/api/v1/auth/recover', {
      body: {
        ...await recoveryProof(node.url, 'alice', bobKey),
        authPublicKey: b64(next.authPublicKey),
        kdf: { ...next.bundle.kdf, salt: b64(next.bundle.kdf.salt) },
        keyBundle: b64(encodeKeyBundle(next.bundle))
      }
    })
    expect(errorCode(res)).to.equal('LOGIN_FAILED')
    expect(res.json.token).to.equal(undefined)
    expect(await node.node.accounts.findByUsername('alice')).to.deep.equal(before)
  })

  it('answers an unknown user exactly as a wrong key', async function () {
    const unknown = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: await recoveryProof(node.url, 'nobody', aliceKey) })
    const wrong = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: await recoveryProof(node.url, 'bob', aliceKey) })
    expect(unknown.status).to.equal(401)
    expect(unknown.json).to.deep.equal(wrong.json)
    expect(unknown.json.keyBundle).to.equal(undefined)
  })

  it('refuses a replayed challenge', async function () {
    const proof = await recoveryProof(node.url, 'bob', bobKey)
    const first = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: proof })
    expect(first.status).to.equal(200)
    expect(decodeKeyBundle(Buffer.from(first.json.keyBundle, 'base64')).v).to.equal(1)
    const replay = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: proof })
    expect(errorCode(replay)).to.equal('LOGIN_FAILED')
    expect(replay.json.keyBundle).to.equal(undefined)
  })

  it('does not take a password proof for a recovery proof, nor the other way round', async function () {
    const { json } = await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'bob' } })
    const kdf = { ...json.kdf, salt: new Uint8Array(Buffer.from(json.kdf.salt, 'base64')) }
    const { authKey } = await derivePasswordKeys('bob-first-password', kdf)
    const signature = await signDetached(authKey, LABELS.login, loginProofMessage(Buffer.from(json.challenge, 'base64'), 'bob'))
    const asRecovery = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: { challengeId: json.challengeId, signature: b64(signature) } })
    expect(errorCode(asRecovery)).to.equal('LOGIN_FAILED')
    const asLogin = await call(node.url, 'POST', '/api/v1/auth/login', { body: await recoveryProof(node.url, 'bob', bobKey) })
    expect(errorCode(asLogin)).to.equal('LOGIN_FAILED')
    const withLoginLabel = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: await recoveryProof(node.url, 'bob', bobKey, LABELS.login) })
    expect(errorCode(withLoginLabel)).to.equal('LOGIN_FAILED')
  })

  it('refuses a new bundle that drops the recovery box, and changes nothing', async function () {
    const before = await node.node.accounts.findByUsername('bob')
    const other = await createAccountKeys('bob-swapped-password')
    const res = await call(node.url, 'POST', '/api/v1/auth/recover', {
      body: {
        ...await recoveryProof(node.url, 'bob', bobKey),
        authPublicKey: b64(other.authPublicKey),
        kdf: { ...other.bundle.kdf, salt: b64(other.bundle.kdf.salt) },
        keyBundle: b64(encodeKeyBundle(other.bundle))
      }
    })
    expect(res.status).to.equal(400)
    expect(errorCode(res)).to.equal('INVALID_REQUEST')
    expect(await node.node.accounts.findByUsername('bob')).to.deep.equal(before)
  })

  it('finds a mistyped recovery key before asking the node', async function () {
    const typo = aliceKey.slice(0, -1) + (aliceKey.endsWith('0') ? '1' : '0')
    expect(await failure(async () => await recoverAccount('http://127.0.0.1:9', 'alice', typo, 'whatever-password'))).to.be.instanceOf(RecoveryKeyFormatError)
  })

  it('answers RECOVERY_UNAVAILABLE for an account made before recovery keys were registered', async function () {
    const bob = await node.node.accounts.findByUsername('bob')
    await node.node.accounts.update(bob!.id, ({ recoveryAuthPublicKey: _, ...rest }) => rest)
    const res = await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: await recoveryProof(node.url, 'bob', bobKey) })
    expect(res.status).to.equal(409)
    expect(errorCode(res)).to.equal('RECOVERY_UNAVAILABLE')
    expect(res.json.error.message).to.match(/created before recovery keys could be used/)
    expect(res.json.keyBundle).to.equal(undefined)
    const err = await failure(async () => await recoverAccount(node.url, 'bob', bobKey, 'bob-second-password'))
    expect((err as ApiError).code).to.equal('RECOVERY_UNAVAILABLE')
    expect((await login(node.url, 'bob', 'bob-first-password')).user.username).to.equal('bob')
  })

  it('counts failed recovery proofs toward the login brake', async function () {
    const { code } = await alice.api.createInvite()
    await signup(node.url, 'dave', 'dave-first-password', { invite: code })
    const proofs = []
    for (let i = 0; i < 12; i++) proofs.push(await recoveryProof(node.url, 'dave', bobKey))
    const statuses: number[] = []
    for (const proof of proofs) statuses.push((await call(node.url, 'POST', '/api/v1/auth/recover/bundle', { body: proof })).status)
    expect(statuses).to.deep.equal([...new Array(10).fill(401), 429, 429])
    expect((await call(node.url, 'POST', '/api/v1/auth/challenge', { body: { username: 'dave' } })).status).to.equal(429)
  })
})
