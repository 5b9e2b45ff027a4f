import { expect } from 'chai'
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto'
import { aesGcmOpen, aesGcmSeal, importAesGcmKey, xchachaOpen, xchachaSeal, type AesGcmKey } from '../../src/crypto/aead.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, flipBit, hex, toHex } from './helpers.ts'

describe('crypto/aead', () => {
  describe('XChaCha20-Poly1305', () => {
    // draft-irtf-cfrg-xchacha-03, appendix A.3.1.
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657')
    const aad = hex('50515253c0c1c2c3c4c5c6c7')
    const plaintext = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
    const expected = 'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
      'c0875924c1c7987947deafd8780acf49'

    it('matches draft-irtf-cfrg-xchacha A.3.1', () => {
      expect(toHex(xchachaSeal(key, nonce, plaintext, aad))).to.equal(expected)
      expect(xchachaOpen(key, nonce, hex(expected), aad)).to.deep.equal(plaintext)
    })

    it('returns null for a flipped tag bit', () => {
      const sealed = flipBit(hex(expected), -1)
      expect(xchachaOpen(key, nonce, sealed, aad)).to.equal(null)
    })

    it('rejects a 31-byte key with an exact message', async () => {
      const err = await expectError(() => xchachaSeal(new Uint8Array(31), nonce, plaintext, aad), InvalidInputError)
      expect(err.message).to.equal('xchacha key: expected Uint8Array of length 32, got length=31')
    })
  })

  // Browsers seal with Web Crypto, Node with OpenSSL (src/crypto/native.ts): both must give the
  // same bytes, and each must open what the other sealed.
  const backends: Array<{ name: string, importKey: (raw: Uint8Array) => Promise<AesGcmKey> }> = [
    { name: 'Web Crypto', importKey: async (raw) => await globalThis.crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']) },
    { name: 'node:crypto', importKey: async (raw) => createSecretKey(raw) }
  ]
  for (const backend of backends) {
    describe(`AES-256-GCM (${backend.name})`, () => {
      // The GCM specification (McGrew & Viega, as published by NIST), test case 16.
      const key = hex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308')
      const iv = hex('cafebabefacedbaddecaf888')
      const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2')
      const plaintext = hex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39')
      const expected = '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
        '76fc6ece0f4e1768cddf8853bb2d551b'

      it('matches GCM test case 16 (256-bit key, with AAD)', async () => {
        const aesKey = await backend.importKey(key)
        expect(toHex(await aesGcmSeal(aesKey, iv, plaintext, aad))).to.equal(expected)
        expect(await aesGcmOpen(aesKey, iv, hex(expected), aad)).to.deep.equal(plaintext)
      })

      it('returns null for a flipped ciphertext bit, a flipped tag bit, wrong AAD or a short input', async () => {
        const aesKey = await backend.importKey(key)
        expect(await aesGcmOpen(aesKey, iv, flipBit(hex(expected), 0), aad)).to.equal(null)
        expect(await aesGcmOpen(aesKey, iv, flipBit(hex(expected), -1), aad)).to.equal(null)
        expect(await aesGcmOpen(aesKey, iv, hex(expected), flipBit(aad.slice(), 3))).to.equal(null)
        expect(await aesGcmOpen(aesKey, iv, hex(expected).subarray(0, 15), aad)).to.equal(null)
      })

      it('seals without AAD exactly as the other backend, and opens what it sealed', async () => {
        const other = backends.find((b) => b !== backend) as typeof backend
        const raw = randomBytes(32)
        const nonce = randomBytes(12)
        const chunk = randomBytes(1024 * 1024 + 7)
        const mine = await aesGcmSeal(await backend.importKey(raw), nonce, chunk)
        expect(toHex(mine)).to.equal(toHex(await aesGcmSeal(await other.importKey(raw), nonce, chunk)))
        expect(await aesGcmOpen(await other.importKey(raw), nonce, mine)).to.deep.equal(new Uint8Array(chunk))
      })
    })
  }

  describe('importAesGcmKey', () => {
    it('under Node gives a 32-byte secret KeyObject (the OpenSSL path), not raw bytes', async () => {
      const key = await importAesGcmKey(new Uint8Array(32).fill(7))
      expect(key).to.be.instanceOf(KeyObject)
      expect((key as KeyObject).type).to.equal('secret')
      expect((key as KeyObject).symmetricKeySize).to.equal(32)
    })

    it('refuses a 16-byte key', async () => {
      await expectError(async () => await importAesGcmKey(new Uint8Array(16)), InvalidInputError)
    })
  })
})
