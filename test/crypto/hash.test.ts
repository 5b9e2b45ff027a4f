import { expect } from 'chai'
import { hkdf, hmacSha256, sha256, sha256Sync } from '../../src/crypto/hash.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, hex, toHex } from './helpers.ts'

describe('crypto/hash', () => {
  describe('sha256 (node:crypto under Node, Web Crypto in browsers)', () => {
    it('matches the FIPS 180-2 "abc" vector', async () => {
      expect(toHex(await sha256(new TextEncoder().encode('abc')))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    })

    it('agrees with the synchronous implementation and with Web Crypto, on a view into a larger buffer too', async () => {
      const whole = new Uint8Array(1024 * 1024 + 100).map((_, i) => i * 31)
      for (const data of [new Uint8Array(1000).fill(7), whole.subarray(50, 50 + 1024 * 1024)]) {
        const web = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data.slice()))
        expect(toHex(await sha256(data))).to.equal(toHex(sha256Sync(data))).and.to.equal(toHex(web))
      }
    })

    it('rejects a non-Uint8Array input with an exact message', async () => {
      const err = await expectError(async () => await sha256('abc' as unknown as Uint8Array), InvalidInputError)
      expect(err.message).to.equal('sha256 data: expected Uint8Array, got string')
    })
  })

  describe('hmacSha256', () => {
    it('matches RFC 4231 test case 2', () => {
      const mac = hmacSha256(new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'))
      expect(toHex(mac)).to.equal('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    })
  })

  describe('hkdf (RFC 5869)', () => {
    it('matches test case A.1 (salt and info)', () => {
      const okm = hkdf(hex('0b'.repeat(22)), { salt: hex('000102030405060708090a0b0c'), info: hex('f0f1f2f3f4f5f6f7f8f9'), length: 42 })
      expect(toHex(okm)).to.equal('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
    })

    it('matches test case A.3 (no salt, empty info)', () => {
      const okm = hkdf(hex('0b'.repeat(22)), { info: new Uint8Array(0), length: 42 })
      expect(toHex(okm)).to.equal('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8')
    })

    it('gives independent keys for different labels', () => {
      const ikm = new Uint8Array(32).fill(1)
      expect(toHex(hkdf(ikm, { info: 'obscura/v1/kek' }))).to.not.equal(toHex(hkdf(ikm, { info: 'obscura/v1/auth' })))
    })
  })
})
