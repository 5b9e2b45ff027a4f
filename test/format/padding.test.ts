import { expect } from 'chai'
import { padBox, padme, unpadBox } from '../../src/format/padding.ts'
import { PaddingError } from '../../src/crypto/errors.ts'
import { expectError } from '../crypto/helpers.ts'

describe('format/padding', () => {
  describe('padme', () => {
    it('leaves lengths below 8 unchanged', () => {
      expect([0, 1, 2, 3, 7].map(padme)).to.deep.equal([0, 1, 2, 3, 7])
    })

    it('matches the PURBs paper (e.g. 9 -> 10, 100 -> 104, 1000 -> 1024)', () => {
      expect([8, 9, 100, 1000, 1025].map(padme)).to.deep.equal([8, 10, 104, 1024, 1088])
    })

    it('never shrinks, adds at most 12%, and is idempotent', () => {
      for (let n = 2; n < 1 << 21; n = Math.ceil(n * 1.37) + 1) {
        const p = padme(n)
        expect(p).to.be.at.least(n)
        expect((p - n) / n).to.be.below(0.12)
        expect(padme(p)).to.equal(p)
      }
    })

    it('works beyond 2^32 (multi-gigabyte videos)', () => {
      const n = 5 * 2 ** 32 + 12345
      expect(padme(n) % 2 ** 27).to.equal(0)
      expect(padme(n)).to.be.at.least(n)
    })
  })

  describe('box padding', () => {
    it('round-trips and always adds a 0x80 marker', () => {
      for (const length of [0, 1, 9, 100, 4000]) {
        const data = new Uint8Array(length).fill(0xaa)
        const padded = padBox(data)
        expect(padded.length).to.equal(padme(length + 1))
        expect(padded[length]).to.equal(0x80)
        expect(unpadBox(padded)).to.deep.equal(data)
      }
    })

    it('keeps trailing zeros of the plaintext intact', () => {
      const data = new Uint8Array([1, 0, 0])
      expect(unpadBox(padBox(data))).to.deep.equal(data)
    })

    it('rejects padding without a marker with PaddingError', async () => {
      await expectError(() => unpadBox(new Uint8Array(10)), PaddingError)
    })

    it('rejects padding longer than Padmé allows with PaddingError', async () => {
      const padded = new Uint8Array(64)
      padded[0] = 0x80
      await expectError(() => unpadBox(padded), PaddingError)
    })
  })
})
