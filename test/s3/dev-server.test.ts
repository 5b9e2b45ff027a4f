/**
 * `obscura s3-dev`: the local S3 server has the bucket and the CORS rule browsers need for direct
 * uploads and reads, and the rule's two forms in config/ (JSON for the AWS CLI, XML for other
 * tools) say the same thing.
 */
import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import { corsXml } from '../../node/cli/commands/s3-dev.ts'
import { onlyOn, startTestS3, type TestS3 } from './helpers.ts'

describe('obscura s3-dev', function () {
  let s3: TestS3

  before(async function () {
    onlyOn(this, 's3rver')
    s3 = await startTestS3()
  })

  after(async function () {
    await s3?.destroy()
  })

  it('answers a browser\'s CORS preflight for a direct upload with its checksum header', async function () {
    const res = await fetch(`${s3.endpoint}/${s3.bucket}/blocks/bafkreitest`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8080', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-amz-checksum-sha256' }
    })
    expect(res.status).to.equal(200)
    expect(res.headers.get('access-control-allow-origin')).to.equal('*')
    expect(res.headers.get('access-control-allow-methods')).to.include('PUT')
    expect(res.headers.get('access-control-allow-headers')).to.equal('x-amz-checksum-sha256')
  })

  it('keeps config/s3-cors.xml and config/s3-cors.json in step', async function () {
    const xml = await readFile(new URL('../../config/s3-cors.xml', import.meta.url), 'utf8')
    expect(xml.replace(/>\s+</g, '><').trim()).to.equal(await corsXml())
  })
})
