import { expect } from 'chai'
import { nobleEd25519, nodeEd25519, signDetached, signingKeyFromSeed, verifyDetached } from '../../src/crypto/sign.ts'
import { InvalidInputError } from '../../src/crypto/errors.ts'
import { expectError, hex, toHex } from './helpers.ts'

describe('crypto/sign (Ed25519)', () => {
  // RFC 8032 section 7.1, tests 1 to 3.
  const vectors = [
    {
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
    },
    {
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
    },
    {
      seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
      publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
      message: 'af82',
      signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'
    }
  ]

  vectors.forEach((vector, i) => {
    it(`matches RFC 8032 test ${i + 1}`, async () => {
      const key = await signingKeyFromSeed(hex(vector.seed))
      expect(toHex(key.publicKey)).to.equal(vector.publicKey)
      expect(toHex(await key.sign(hex(vector.message)))).to.equal(vector.signature)
    })
  })

  // Browsers sign with @noble/curves, Node with OpenSSL ([Note: native Ed25519]): both must give
  // RFC 8032's bytes and agree on what verifies.
  const backends = { noble: nobleEd25519, openssl: nodeEd25519 }
  for (const [name, backend] of Object.entries(backends)) {
    it(`${name}: matches every RFC 8032 vector`, async () => {
      if (backend == null) throw new Error('node:crypto is missing under Node')
      for (const vector of vectors) {
        const key = backend.fromSeed(hex(vector.seed))
        expect(toHex(key.publicKey)).to.equal(vector.publicKey)
        expect(toHex(await key.sign(hex(vector.message)))).to.equal(vector.signature)
        expect(backend.verify(hex(vector.publicKey), hex(vector.message), hex(vector.signature))).to.equal(true)
      }
    })
  }

  it('both back ends refuse a signature whose S is not reduced (malleability)', async () => {
    const vector = vectors[0]!
    const sig = hex(vector.signature)
    // S + L, with L the group order: the same point equation, a non-canonical encoding.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!)
    s += L
    const forged = sig.slice()
    for (let i = 0; i < 32; i++) { forged[32 + i] = Number(s & 0xffn); s >>= 8n }
    expect(nobleEd25519.verify(hex(vector.publicKey), hex(vector.message), forged)).to.equal(false)
    expect(() => nodeEd25519?.verify(hex(vector.publicKey), hex(vector.message), forged)).to.not.throw()
    expect(nodeEd25519?.verify(hex(vector.publicKey), hex(vector.message), forged)).to.equal(false)
  })

  it('both back ends sign a random message alike and accept each other\'s signatures', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const message = crypto.getRandomValues(new Uint8Array(1000))
    const a = nobleEd25519.fromSeed(seed)
    const b = nodeEd25519!.fromSeed(seed)
    expect(toHex(a.publicKey)).to.equal(toHex(b.publicKey))
    const sig = await a.sign(message)
    expect(toHex(sig)).to.equal(toHex(await b.sign(message)))
    expect(nodeEd25519!.verify(a.publicKey, message, sig)).to.equal(true)
    sig[5]! ^= 1
    expect(nodeEd25519!.verify(a.publicKey, message, sig)).to.equal(false)
    expect(nobleEd25519.verify(a.publicKey, message, sig)).to.equal(false)
  })

  it('verifies a labelled signature under the same label only', async () => {
    const key = await signingKeyFromSeed(new Uint8Array(32).fill(9))
    const message = new Uint8Array([1, 2, 3])
    const sig = await signDetached(key, 'obscura/v1/login', message)
    expect(await verifyDetached(key.publicKey, 'obscura/v1/login', message, sig)).to.equal(true)
    expect(await verifyDetached(key.publicKey, 'obscura/v1/head', message, sig)).to.equal(false)
  })

  it('signs label || 0x00 || message, so a label cannot absorb message bytes', async () => {
    const key = await signingKeyFromSeed(new Uint8Array(32).fill(9))
    const sig = await signDetached(key, 'obscura/v1/a', new Uint8Array([0x62]))
    expect(await verifyDetached(key.publicKey, 'obscura/v1/ab', new Uint8Array(0), sig)).to.equal(false)
    expect(toHex(sig)).to.equal(toHex(await key.sign(new TextEncoder().encode('obscura/v1/a\x00b'))))
  })

  it('returns false rather than throwing for a malformed signature or key', async () => {
    const key = await signingKeyFromSeed(new Uint8Array(32).fill(9))
    expect(await verifyDetached(key.publicKey, 'obscura/v1/login', new Uint8Array(1), new Uint8Array(63))).to.equal(false)
    expect(await verifyDetached(new Uint8Array(31), 'obscura/v1/login', new Uint8Array(1), new Uint8Array(64))).to.equal(false)
  })

  it('rejects a label with a NUL or non-ASCII character', async () => {
    const key = await signingKeyFromSeed(new Uint8Array(32).fill(9))
    await expectError(async () => await signDetached(key, 'obscura/v1/\x00', new Uint8Array(1)), InvalidInputError)
    await expectError(async () => await signDetached(key, 'obscura/v1/é', new Uint8Array(1)), InvalidInputError)
  })
})
