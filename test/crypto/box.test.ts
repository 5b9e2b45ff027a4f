import { expect } from 'chai'
import { boxOpen, boxSeal, openSealed, sealTo } from '../../src/crypto/box.ts'
import { BoxAuthenticationError, InvalidInputError, PaddingError, UnsupportedVersionError } from '../../src/crypto/errors.ts'
import { boxKeyPairFromSecret } from '../../src/crypto/x25519.ts'
import { padme } from '../../src/format/padding.ts'
import { expectError, flipBit, seededRandom } from './helpers.ts'

const key = new Uint8Array(32).fill(0x11)
const otherKey = new Uint8Array(32).fill(0x22)
const label = 'obscura/v1/box/test'
const context = new Uint8Array(16).fill(0xcc)
const plaintext = new TextEncoder().encode('a small secret')

describe('crypto/box', () => {
  describe('boxSeal / boxOpen', () => {
    it('round-trips, with version byte 0x01 and 1 + 24 + 16 bytes of overhead', () => {
      const box = boxSeal(key, plaintext, { label, context })
      expect(box[0]).to.equal(0x01)
      expect(box.length).to.equal(plaintext.length + 41)
      expect(boxOpen(key, box, { label, context })).to.deep.equal(plaintext)
    })

    it('draws a fresh nonce each time, so equal plaintexts give different boxes', () => {
      expect(boxSeal(key, plaintext, { label })).to.not.deep.equal(boxSeal(key, plaintext, { label }))
    })

    it('is deterministic under injected randomness', () => {
      expect(boxSeal(key, plaintext, { label, random: seededRandom('b') })).to.deep.equal(boxSeal(key, plaintext, { label, random: seededRandom('b') }))
    })

    it('rejects the wrong key with BoxAuthenticationError', async () => {
      await expectError(() => boxOpen(otherKey, boxSeal(key, plaintext, { label }), { label }), BoxAuthenticationError)
    })

    it('rejects the wrong label with BoxAuthenticationError', async () => {
      await expectError(() => boxOpen(key, boxSeal(key, plaintext, { label }), { label: 'obscura/v1/box/other' }), BoxAuthenticationError)
    })

    it('rejects the wrong or a missing context with BoxAuthenticationError', async () => {
      const box = boxSeal(key, plaintext, { label, context })
      await expectError(() => boxOpen(key, box, { label, context: new Uint8Array(16) }), BoxAuthenticationError)
      await expectError(() => boxOpen(key, box, { label }), BoxAuthenticationError)
    })

    it('rejects any flipped byte with BoxAuthenticationError', async () => {
      const box = boxSeal(key, plaintext, { label })
      for (const position of [1, 24, 25, box.length - 1]) {
        const altered = flipBit(box.slice(), position)
        await expectError(() => boxOpen(key, altered, { label }), BoxAuthenticationError)
      }
    })

    it('rejects a truncated box with BoxAuthenticationError', async () => {
      const box = boxSeal(key, plaintext, { label })
      await expectError(() => boxOpen(key, box.subarray(0, box.length - 1), { label }), BoxAuthenticationError)
      await expectError(() => boxOpen(key, box.subarray(0, 40), { label }), BoxAuthenticationError)
    })

    it('rejects an unknown version byte with UnsupportedVersionError', async () => {
      const box = boxSeal(key, plaintext, { label })
      box[0] = 0x02
      await expectError(() => boxOpen(key, box, { label }), UnsupportedVersionError)
    })

    it('rejects a label that is not printable ASCII', async () => {
      await expectError(() => boxSeal(key, plaintext, { label: 'bad label' }), InvalidInputError)
    })
  })

  describe('padding', () => {
    it('pads to padme(length + 1) so that nearby sizes look alike', () => {
      for (const length of [0, 1, 100, 1000, 5000]) {
        const box = boxSeal(key, new Uint8Array(length), { label, pad: true })
        expect(box.length - 41).to.equal(padme(length + 1))
        expect(boxOpen(key, box, { label, pad: true })).to.have.length(length)
      }
      const a = boxSeal(key, new Uint8Array(1990), { label, pad: true })
      const b = boxSeal(key, new Uint8Array(2000), { label, pad: true })
      expect(a.length).to.equal(b.length)
    })

    it('rejects an unpadded box opened as padded with PaddingError', async () => {
      const box = boxSeal(key, new Uint8Array([1, 2, 3]), { label })
      await expectError(() => boxOpen(key, box, { label, pad: true }), PaddingError)
    })
  })

  describe('sealTo / openSealed', () => {
    const recipient = boxKeyPairFromSecret(new Uint8Array(32).fill(0x33))
    const stranger = boxKeyPairFromSecret(new Uint8Array(32).fill(0x44))

    it('round-trips to the recipient: 0x01 || epk(32) || nonce(24) || ciphertext', () => {
      const sealed = sealTo(recipient.publicKey, plaintext, { label: 'collection-key' })
      expect(sealed[0]).to.equal(0x01)
      expect(sealed.length).to.equal(1 + 32 + 24 + plaintext.length + 16)
      expect(openSealed(recipient.secretKey, sealed, { label: 'collection-key' })).to.deep.equal(plaintext)
    })

    it('rejects another recipient with BoxAuthenticationError', async () => {
      const sealed = sealTo(recipient.publicKey, plaintext, { label: 'collection-key' })
      await expectError(() => openSealed(stranger.secretKey, sealed, { label: 'collection-key' }), BoxAuthenticationError)
    })

    it('rejects the wrong label with BoxAuthenticationError', async () => {
      const sealed = sealTo(recipient.publicKey, plaintext, { label: 'collection-key' })
      await expectError(() => openSealed(recipient.secretKey, sealed, { label: 'file-key' }), BoxAuthenticationError)
    })

    it('rejects a replaced ephemeral key with BoxAuthenticationError', async () => {
      const sealed = sealTo(recipient.publicKey, plaintext, { label: 'collection-key' })
      sealed.set(stranger.publicKey, 1)
      await expectError(() => openSealed(recipient.secretKey, sealed, { label: 'collection-key' }), BoxAuthenticationError)
      sealed.fill(0, 1, 33)
      await expectError(() => openSealed(recipient.secretKey, sealed, { label: 'collection-key' }), BoxAuthenticationError)
    })
  })
})
