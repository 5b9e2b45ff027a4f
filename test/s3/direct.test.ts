/**
 * Upload and download through the client library against a node whose blocks live in a real
 * local S3 server, in each direct mode: the bytes come back identical, they travel between the
 * client and the bucket (the gateway carries well under 1% of them), a client without rights
 * gets nothing, a direct path that does not work falls back to the gateway, and altered bytes in
 * the bucket are caught by the CID check whichever way they come.
 */
import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { fallbackNote, fetchVerified, transportFor } from '../../src/client/blocks.ts'
import { ApiError } from '../../src/client/errors.ts'
import { type Account } from '../../src/client/session.ts'
import { signup } from '../helpers/signup.ts'
import { uploadFiles } from '../../src/client/upload.ts'
import { S3Blockstore } from '../../node/storage/s3.ts'
import { bytesSource, openLibrary, readItem } from '../helpers/client.ts'
import { startTestNode, type TestNode } from '../helpers/node.ts'
import { meterGateway, s3StorageConfig, startTestS3, type TestS3 } from './helpers.ts'
import type { NodeConfigInput } from '../../node/config.ts'

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n))

interface Setup { node: TestNode, meter: { total: () => number }, alice: Account, store: S3Blockstore }

describe('direct S3 transfers through the client library', function () {
  let s3: TestS3

  before(async function () {
    s3 = await startTestS3({ publicRead: true })
  })

  after(async function () {
    await s3?.destroy()
  })

  async function setup (storage: Partial<NonNullable<NodeConfigInput['storage']>>): Promise<Setup> {
    const node = await startTestNode({ storage: s3StorageConfig(s3, storage as never), accounts: { openSignup: true } })
    const meter = meterGateway(node.gateway.server)
    const alice = (await signup(node.url, 'alice', 'alice-password-1')).account
    const store = node.node.direct!.store
    return { node, meter, alice, store }
  }

  /** Uploads `files` into an album and reads each back; returns the block bytes moved. */
  async function roundTrip ({ alice }: Setup, files: Array<{ name: string, bytes: Uint8Array }>): Promise<void> {
    const library = await openLibrary(alice)
    const album = await library.ensureAlbum('Direct')
    const result = await uploadFiles(library, files.map((f) => bytesSource(f.name, f.bytes)), { targets: [album] })
    expect(result.uploaded).to.equal(files.length)
    const fresh = await openLibrary(alice)
    const state = fresh.resolve('Direct')
    for (const file of files) {
      const item = [...state.items.values()].find((i) => i.name === file.name)
      expect(item, file.name).to.not.equal(undefined)
      expect(Buffer.from(await readItem(fresh, state, item!)).equals(Buffer.from(file.bytes)), file.name).to.equal(true)
    }
  }

  describe('authorised mode', function () {
    let s: Setup

    before(async function () {
      s = await setup({ direct: 'authorised' })
    })

    after(async function () {
      await s?.node.stop()
    })

    it('uploads and downloads byte-identical files, block bytes going straight to and from the bucket', async function () {
      const files = [
        { name: 'video.mov', bytes: random(9 * 1024 * 1024 + 12345) },
        { name: 'photo.jpg', bytes: random(2_500_000) },
        { name: 'tiny.txt', bytes: random(17) }
      ]
      const before = s.meter.total()
      await roundTrip(s, files)
      const stats = (await transportFor(s.alice.api)).stats
      expect(stats.gatewayWrites).to.equal(0)
      expect(stats.gatewayReads).to.equal(0)
      expect(stats.directWrites).to.be.greaterThan(12)
      expect(stats.directReads).to.be.greaterThan(12)
      const blockBytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0) * 2 // up and down
      const gatewayBytes = s.meter.total() - before
      expect(gatewayBytes / blockBytes).to.be.below(0.01)
    })

    it('gives a user without a grant no block, direct or through the gateway', async function () {
      const library = await openLibrary(s.alice)
      await uploadFiles(library, [bytesSource('private.bin', random(50_000))], { targets: [await library.ensureAlbum('Private')] })
      const item = [...(await openLibrary(s.alice)).resolve('Private').items.values()][0]!
      const bob = (await signup(s.node.url, 'bob', 'bob-password-1')).account
      const signed = s.node.node.direct!.signedUrls
      try {
        await fetchVerified(bob.api, item.manifest)
        expect.fail('bob read alice\'s manifest')
      } catch (err) {
        expect(err).to.be.instanceOf(ApiError)
        expect((err as ApiError).code).to.equal('FORBIDDEN')
      }
      expect(s.node.node.direct!.signedUrls).to.equal(signed)
    })

    it('catches a block altered in the bucket, whichever way it is fetched', async function () {
      const library = await openLibrary(s.alice)
      await uploadFiles(library, [bytesSource('tampered.bin', random(1_500_000))], { targets: [await library.ensureAlbum('Tampered')] })
      const fresh = await openLibrary(s.alice)
      const state = fresh.resolve('Tampered')
      const item = [...state.items.values()][0]!
      const bytes = await fetchVerified(s.alice.api, item.manifest)
      const altered = new Uint8Array(bytes)
      altered[altered.length - 1]! ^= 1
      await s.store.bucket.put(s.store.keyOf(item.manifest), altered) // not store.put: it would declare the CID's digest, which radosgw checks
      try {
        await readItem(fresh, state, item)
        expect.fail('an altered block was accepted')
      } catch (err) {
        expect((err as { code?: string }).code).to.equal('ERR_CID_MISMATCH')
      }
    })
  })

  describe('public mode', function () {
    let s: Setup

    before(async function () {
      s = await setup({ direct: 'public' })
    })

    after(async function () {
      await s?.node.stop()
    })

    it('reads blocks from the bucket without signed URLs, and still uploads through signed ones', async function () {
      const config = await s.alice.api.s3Config()
      expect(config.direct).to.equal('public')
      expect(config.publicUrl).to.equal(`${s.store.bucket.publicBaseUrl()}${s.store.prefix}`)
      const before = s.meter.total()
      const signedBefore = s.node.node.direct!.signedUrls
      await roundTrip(s, [{ name: 'public.bin', bytes: random(4 * 1024 * 1024 + 1) }])
      const stats = (await transportFor(s.alice.api)).stats
      expect(stats).to.include({ gatewayReads: 0, gatewayWrites: 0 })
      expect(fallbackNote(await transportFor(s.alice.api))).to.equal(undefined)
      expect(stats.directReads).to.be.greaterThan(4)
      // Only the uploads were signed: reads used plain bucket URLs.
      expect(s.node.node.direct!.signedUrls - signedBefore).to.equal(stats.directWrites)
      expect((s.meter.total() - before) / (8 * 1024 * 1024)).to.be.below(0.01)
    })
  })

  describe('when the bucket cannot be reached from the client', function () {
    let s: Setup

    before(async function () {
      // The node reaches the bucket; clients are told an endpoint where nothing listens.
      s = await setup({ direct: 'authorised', publicEndpoint: 'http://127.0.0.1:9' })
    })

    after(async function () {
      await s?.node.stop()
    })

    it('falls back to the gateway for uploads and reads, says so and why, and the files still come back identical', async function () {
      await roundTrip(s, [{ name: 'fallback.bin', bytes: random(3 * 1024 * 1024 + 5) }])
      const transport = await transportFor(s.alice.api)
      expect(fallbackNote(transport)).to.match(/^direct S3 transfers failed \(uploading to the bucket: the bucket did not answer \(.+\)\); \d+ blocks went through the node's gateway instead$/)
      const stats = transport.stats
      expect(stats.directWrites).to.equal(0)
      expect(stats.directReads).to.equal(0)
      expect(stats.gatewayWrites).to.be.greaterThan(3)
      expect(stats.gatewayReads).to.be.greaterThan(3)
    })
  })
})
