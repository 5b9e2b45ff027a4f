import { expect } from 'chai'
import { decodeManifestEnvelope, openManifest, sealManifest, type Manifest } from '../../src/format/manifest.ts'
import { encodeCanonical } from '../../src/format/cid.ts'
import { InvalidStructureError, NonCanonicalEncodingError } from '../../src/format/errors.ts'
import { BoxAuthenticationError, UnsupportedVersionError } from '../../src/crypto/errors.ts'
import { createStreamEncryptor, type StreamDescriptor } from '../../src/crypto/stream.ts'
import { newId } from '../../src/format/ids.ts'
import { collect, expectError, patternBytes } from '../crypto/helpers.ts'

async function describeStream (fileKey: Uint8Array, size: number): Promise<StreamDescriptor> {
  const encryptor = createStreamEncryptor(fileKey)
  await collect(encryptor.encrypt([patternBytes(size)]))
  return encryptor.descriptor()
}

describe('format/manifest', () => {
  const fileKey = new Uint8Array(32).fill(0x51)
  const item = newId()
  let manifest: Omit<Manifest, 'v'>

  before(async () => {
    const original = await describeStream(fileKey, 1_500_000)
    manifest = {
      kind: 'photo',
      name: 'IMG_0001.HEIC',
      mime: 'image/heic',
      size: original.size,
      contentTag: new Uint8Array(32).fill(7),
      takenAt: { utcMs: 1_700_000_000_000, offsetMinutes: 480 },
      gps: { lat: 31.2304, lon: 121.4737 },
      camera: { make: 'Apple', model: 'iPhone 15' },
      width: 4032,
      height: 3024,
      parts: { original, thumbnail: await describeStream(fileKey, 20_000) }
    }
  })

  it('seals and opens a manifest with every field intact', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    expect(await openManifest(fileKey, item, bytes)).to.deep.equal({ v: 1, ...manifest })
  })

  it('lists every chunk CID in plaintext, sorted, for the node', async () => {
    const { bytes, links } = await sealManifest(fileKey, item, manifest)
    const envelope = decodeManifestEnvelope(bytes)
    expect(envelope.links).to.have.length(3)
    expect(envelope.links.map(String)).to.deep.equal(links.map(String))
    expect(envelope.type).to.equal('obscura/manifest')
  })

  it('reveals no name, mime type or GPS in the block bytes', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    const text = Buffer.from(bytes).toString('latin1')
    for (const secret of ['IMG_0001', 'heic', 'Apple', 'iPhone']) expect(text).to.not.include(secret)
  })

  it('rejects the manifest of another item (swapped) with BoxAuthenticationError', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    await expectError(async () => await openManifest(fileKey, newId(), bytes), BoxAuthenticationError)
  })

  it('rejects envelope links that do not match the parts with InvalidStructureError', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    const envelope = decodeManifestEnvelope(bytes)
    const altered = encodeCanonical({ ...envelope, links: envelope.links.slice(1) })
    await expectError(async () => await openManifest(fileKey, item, altered), InvalidStructureError)
  })

  it('rejects unsorted envelope links with NonCanonicalEncodingError', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    const envelope = decodeManifestEnvelope(bytes)
    await expectError(() => decodeManifestEnvelope(encodeCanonical({ ...envelope, links: [...envelope.links].reverse() })), NonCanonicalEncodingError)
  })

  it('rejects an envelope of version 2 with UnsupportedVersionError', async () => {
    const { bytes } = await sealManifest(fileKey, item, manifest)
    await expectError(() => decodeManifestEnvelope(encodeCanonical({ ...decodeManifestEnvelope(bytes), v: 2 })), UnsupportedVersionError)
  })

  it('refuses to seal a descriptor whose chunk list does not follow from its size', async () => {
    const original = { ...manifest.parts.original, size: 10 }
    await expectError(async () => await sealManifest(fileKey, item, { ...manifest, size: 10, parts: { original } }), InvalidStructureError)
  })

  it('refuses a live photo without a motion part', async () => {
    await expectError(async () => await sealManifest(fileKey, item, { ...manifest, kind: 'live' }), InvalidStructureError)
  })
})
