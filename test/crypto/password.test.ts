import { expect } from 'chai'
import { argon2idRaw, defaultKdfParams, derivePasswordKeys, type KdfParams } from '../../src/crypto/password.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, seededRandom, toHex } from './helpers.ts'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('crypto/password', () => {
  describe('Argon2id (hash-wasm)', () => {
    // RFC 9106 section 5.3 publishes only a vector with a secret key and associated data;
    // hash-wasm accepts a secret but no associated data, so it cannot reproduce it. These are
    // the reference implementation's vectors (phc-winner-argon2, src/test.c, version 0x13).
    it('matches the reference vector m=256 KiB, t=2, p=1', async () => {
      const tag = await argon2idRaw(utf8('password'), utf8('somesalt'), { memoryKiB: 256, iterations: 2, parallelism: 1, hashLength: 32 })
      expect(toHex(tag)).to.equal('9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe')
    })

    it('matches the reference vector m=256 KiB, t=2, p=2', async () => {
      const tag = await argon2idRaw(utf8('password'), utf8('somesalt'), { memoryKiB: 256, iterations: 2, parallelism: 2, hashLength: 32 })
      expect(toHex(tag)).to.equal('6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037')
    })

    it('matches the reference vector m=64 MiB, t=2, p=1', async () => {
      const tag = await argon2idRaw(utf8('password'), utf8('somesalt'), { memoryKiB: 65536, iterations: 2, parallelism: 1, hashLength: 32 })
      expect(toHex(tag)).to.equal('09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7')
    })
  })

  describe('defaultKdfParams', () => {
    it('is 64 MiB, 3 passes, 1 lane with a fresh 16-byte salt', () => {
      const params = defaultKdfParams(seededRandom('kdf'))
      expect(params).to.deep.include({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 })
      expect(params.salt).to.have.length(16)
      expect(toHex(defaultKdfParams().salt)).to.not.equal(toHex(defaultKdfParams().salt))
    })
  })

  describe('derivePasswordKeys', () => {
    const params: KdfParams = defaultKdfParams(seededRandom('password-test'))

    it('derives the same KEK and auth key from NFC and NFD spellings of a password', async () => {
      const nfc = await derivePasswordKeys('caf\u00e9', params)
      const nfd = await derivePasswordKeys('cafe\u0301', params)
      expect(toHex(nfc.kek)).to.equal(toHex(nfd.kek))
      expect(toHex(nfc.authKey.publicKey)).to.equal(toHex(nfd.authKey.publicKey))
      expect(toHex(nfc.kek)).to.not.equal(toHex(nfc.authKey.publicKey))
    })

    it('refuses parameters below 64 MiB or 3 passes, so a node cannot weaken the auth key', async () => {
      await expectError(async () => await derivePasswordKeys('pw', { ...params, memoryKiB: 65535 }), InvalidInputError)
      await expectError(async () => await derivePasswordKeys('pw', { ...params, iterations: 2 }), InvalidInputError)
    })

    it('refuses an empty password', async () => {
      await expectError(async () => await derivePasswordKeys('', params), InvalidInputError)
    })
  })
})
