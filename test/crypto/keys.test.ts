import { expect } from 'chai'
import { createAccountKeys, decodeKeyBundle, derivePasswordKeys, encodeKeyBundle, recoverAccountKeys, rewrapAccountKeys, unlockAccountKeys, unlockWithKek, unlockWithMasterKey, type CreatedAccount } from '../../src/crypto/keys.ts'
import { KeyBundleMismatchError, RecoveryKeyFormatError, WrongPasswordError, WrongRecoveryKeyError, UnsupportedVersionError } from '../../src/crypto/errors.ts'
import { boxSeal } from '../../src/crypto/box.ts'
import { decodeRecoveryKey, encodeRecoveryKey } from '../../src/crypto/recovery-key.ts'
import { encodeCanonical } from '../../src/format/cbor.ts'
import { InvalidStructureError } from '../../src/format/errors.ts'
import { expectError, seededRandom, toHex } from './helpers.ts'

// Each Argon2id call costs ~0.3 s at 64 MiB: accounts are created once and reused.
describe('crypto/keys', function () {
  this.timeout(30000)
  let account: CreatedAccount

  before(async () => {
    account = await createAccountKeys('correct horse battery staple', { random: seededRandom('account') })
  })

  it('creates a bundle whose public keys match the unlocked identity', () => {
    const { bundle, keys } = account
    expect(bundle.v).to.equal(1)
    expect(bundle.kdf).to.deep.include({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 })
    expect(toHex(bundle.signingPublicKey)).to.equal(toHex(keys.signing.publicKey))
    expect(toHex(bundle.boxPublicKey)).to.equal(toHex(keys.box.publicKey))
    expect(account.authPublicKey).to.have.length(32)
    expect(toHex(account.authPublicKey)).to.not.equal(toHex(keys.signing.publicKey))
  })

  it('creates the same account from the same injected randomness', async () => {
    const again = await createAccountKeys('correct horse battery staple', { random: seededRandom('account') })
    expect(toHex(encodeKeyBundle(again.bundle))).to.equal(toHex(encodeKeyBundle(account.bundle)))
    expect(again.recoveryKey).to.equal(account.recoveryKey)
  })

  it('unlocks with the password to the same keys', async () => {
    const keys = await unlockAccountKeys(account.bundle, 'correct horse battery staple')
    expect(toHex(keys.masterKey)).to.equal(toHex(account.keys.masterKey))
    expect(toHex(keys.dedupKey)).to.equal(toHex(account.keys.dedupKey))
    expect(toHex(keys.box.secretKey)).to.equal(toHex(account.keys.box.secretKey))
    const message = new Uint8Array([1, 2, 3])
    expect(toHex(await keys.signing.sign(message))).to.equal(toHex(await account.keys.signing.sign(message)))
  })

  it('unlocks with the KEK derived at login, without a second Argon2id run', async () => {
    const { kek } = await derivePasswordKeys('correct horse battery staple', account.bundle.kdf)
    expect(toHex((await unlockWithKek(account.bundle, kek)).masterKey)).to.equal(toHex(account.keys.masterKey))
    await expectError(async () => await unlockWithKek(account.bundle, new Uint8Array(32)), WrongPasswordError)
  })

  it('rebuilds the keys from a kept master key, and refuses a master key of another account', async () => {
    const keys = await unlockWithMasterKey(account.bundle, account.keys.masterKey)
    expect(toHex(keys.signing.publicKey)).to.equal(toHex(account.keys.signing.publicKey))
    await expectError(async () => await unlockWithMasterKey(account.bundle, new Uint8Array(32)), KeyBundleMismatchError)
  })

  it('rejects the wrong password with WrongPasswordError', async () => {
    await expectError(async () => await unlockAccountKeys(account.bundle, 'Correct horse battery staple'), WrongPasswordError)
  })

  it('changes the password by rewrapping the master key only', async () => {
    const changed = await rewrapAccountKeys(account.keys, 'new password', { random: seededRandom('rewrap') })
    const { bundle } = changed
    expect(toHex(bundle.kdf.salt)).to.not.equal(toHex(account.bundle.kdf.salt))
    expect(toHex(bundle.wrappedSigningSeed)).to.equal(toHex(account.bundle.wrappedSigningSeed))
    expect(toHex(bundle.wrappedBoxSecret)).to.equal(toHex(account.bundle.wrappedBoxSecret))
    expect(toHex(bundle.recoveryWrappedMasterKey)).to.equal(toHex(account.bundle.recoveryWrappedMasterKey))
    expect(toHex(changed.authPublicKey)).to.not.equal(toHex(account.authPublicKey))
    const keys = await unlockAccountKeys(bundle, 'new password')
    expect(toHex(keys.masterKey)).to.equal(toHex(account.keys.masterKey))
    await expectError(async () => await unlockAccountKeys(bundle, 'correct horse battery staple'), WrongPasswordError)
  })

  it('recovers the master key with the recovery key, as typed by a human', async () => {
    const sloppy = account.recoveryKey.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o')
    const keys = await recoverAccountKeys(account.bundle, sloppy)
    expect(toHex(keys.masterKey)).to.equal(toHex(account.keys.masterKey))
  })

  it('rejects a mistyped recovery key with RecoveryKeyFormatError', async () => {
    const chars = account.recoveryKey.split('')
    chars[0] = chars[0] === 'A' ? 'B' : 'A'
    await expectError(async () => await recoverAccountKeys(account.bundle, chars.join('')), RecoveryKeyFormatError)
    await expectError(async () => await recoverAccountKeys(account.bundle, account.recoveryKey.slice(0, -1)), RecoveryKeyFormatError)
  })

  it("rejects another account's recovery key with WrongRecoveryKeyError", async () => {
    await expectError(async () => await recoverAccountKeys(account.bundle, encodeRecoveryKey(new Uint8Array(32).fill(3))), WrongRecoveryKeyError)
  })

  it('rejects a bundle whose identity box was swapped with KeyBundleMismatchError', async () => {
    const forged = { ...account.bundle, wrappedBoxSecret: boxSeal(new Uint8Array(32), new Uint8Array(32), { label: 'obscura/v1/box/box-secret' }) }
    await expectError(async () => await unlockAccountKeys(forged, 'correct horse battery staple'), KeyBundleMismatchError)
  })

  describe('key bundle encoding', () => {
    it('round-trips through canonical dag-cbor', () => {
      const decoded = decodeKeyBundle(encodeKeyBundle(account.bundle))
      expect(toHex(encodeKeyBundle(decoded))).to.equal(toHex(encodeKeyBundle(account.bundle)))
    })

    it('rejects a bundle with weakened KDF parameters with InvalidStructureError', async () => {
      const weak = encodeCanonical({ ...account.bundle, kdf: { ...account.bundle.kdf, memoryKiB: 1024 } })
      await expectError(() => decodeKeyBundle(weak), InvalidStructureError)
    })

    it('rejects version 2 with UnsupportedVersionError', async () => {
      await expectError(() => decodeKeyBundle(encodeCanonical({ ...account.bundle, v: 2 })), UnsupportedVersionError)
    })
  })

  describe('recovery key encoding', () => {
    it('is 14 groups of 4 Crockford base32 characters that decode to the key', () => {
      const key = new Uint8Array(32).map((_, i) => i * 7)
      const text = encodeRecoveryKey(key)
      expect(text).to.match(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/)
      expect(decodeRecoveryKey(text)).to.deep.equal(key)
    })
  })
})
