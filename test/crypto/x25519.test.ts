import { expect } from 'chai'
import { boxKeyPairFromSecret, nobleX25519, nodeX25519, x25519SharedSecret } from '../../src/crypto/x25519.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, hex, toHex } from './helpers.ts'

describe('crypto/x25519 (RFC 7748)', () => {
  it('matches the section 5.2 scalar multiplication vector', () => {
    const out = x25519SharedSecret(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'))
    expect(toHex(out)).to.equal('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
  })

  it('matches the section 6.1 Diffie-Hellman vector', () => {
    const alice = boxKeyPairFromSecret(hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'))
    const bob = boxKeyPairFromSecret(hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'))
    expect(toHex(alice.publicKey)).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(toHex(bob.publicKey)).to.equal('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
    expect(toHex(x25519SharedSecret(alice.secretKey, bob.publicKey))).to.equal(shared)
    expect(toHex(x25519SharedSecret(bob.secretKey, alice.publicKey))).to.equal(shared)
  })

  // Browsers use @noble/curves, Node OpenSSL: both must give RFC 7748's bytes and refuse the
  // same low-order keys.
  for (const [name, backend] of Object.entries({ noble: nobleX25519, openssl: nodeX25519 })) {
    it(`${name}: matches section 6.1 and refuses every low-order point`, () => {
      if (backend == null) throw new Error('node:crypto is missing under Node')
      const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
      expect(toHex(backend.publicKey(alice))).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
      expect(toHex(backend.sharedSecret(alice, hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'))))
        .to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
      // The points of order 1, 2, 4 and 8 (and their non-canonical twins), from libsodium's list.
      const lowOrder = [
        '0000000000000000000000000000000000000000000000000000000000000000',
        '0100000000000000000000000000000000000000000000000000000000000000',
        'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
        '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
        'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
      ]
      for (const point of lowOrder) {
        let refused = false
        try {
          const shared = backend.sharedSecret(alice, hex(point))
          refused = shared.every((b) => b === 0)
        } catch {
          refused = true
        }
        expect(refused, point).to.equal(true)
        expect(() => x25519SharedSecret(alice, hex(point)), point).to.throw(InvalidInputError)
      }
    })
  }

  it('rejects a low-order public key', async () => {
    await expectError(() => x25519SharedSecret(new Uint8Array(32).fill(1), new Uint8Array(32)), InvalidInputError)
  })
})
