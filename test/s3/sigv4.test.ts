/**
 * The SigV4 signer against published vectors: cases from AWS's Signature Version 4 test suite
 * (aws-sig-v4-test-suite: credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service
 * "service"), reproduced with their expected canonical requests and signatures, and the worked
 * examples of the S3 documentation ("Signature Calculations for the Authorization Header" and
 * "Authenticating Requests: Using Query Parameters"; AKIAIOSFODNN7EXAMPLE, 2013-05-24).
 */
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { EMPTY_SHA256, encodeRfc3986, presignUrl, signRequest } from '../../node/storage/sigv4.ts'

const suite = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 'service',
  now: new Date('2015-08-30T12:36:00Z')
}

interface SuiteCase {
  name: string
  method: string
  url: string
  headers?: Record<string, string>
  canonicalRequest: string
  authorization: string
}

const scope = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request'

const SUITE: SuiteCase[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    url: 'https://example.amazonaws.com/',
    canonicalRequest: `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    url: 'https://example.amazonaws.com/',
    canonicalRequest: `POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
    canonicalRequest: `GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`
  },
  {
    name: 'get-vanilla-query-order-value',
    method: 'GET',
    url: 'https://example.amazonaws.com/?Param1=value2&Param1=value1',
    canonicalRequest: `GET\n/\nParam1=value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694`
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    url: 'https://example.amazonaws.com/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    canonicalRequest: `GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197`
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    url: 'https://example.amazonaws.com/?ሴ=bar',
    canonicalRequest: `GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04`
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    url: 'https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    canonicalRequest: `GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f`
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    url: 'https://example.amazonaws.com/',
    headers: { 'My-Header1': ' value1', 'My-Header2': ' "a   b   c"' },
    canonicalRequest: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:"a b c"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736`
  },
  {
    name: 'post-header-key-sort',
    method: 'POST',
    url: 'https://example.amazonaws.com/',
    headers: { 'My-Header1': 'value1' },
    canonicalRequest: `POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c`
  },
  {
    name: 'post-header-value-case',
    method: 'POST',
    url: 'https://example.amazonaws.com/',
    headers: { 'My-Header1': 'VALUE1' },
    canonicalRequest: `POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d`
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    url: 'https://example.amazonaws.com/?Param1=value1',
    canonicalRequest: `POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_SHA256}`,
    authorization: `${scope}, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11`
  }
]

const s3Docs = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  service: 's3',
  now: new Date('2013-05-24T00:00:00Z')
}

const signatureOf = (authorization: string | undefined): string | undefined => /Signature=([0-9a-f]{64})$/.exec(authorization ?? '')?.[1]
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex')

describe('SigV4 signer', function () {
  describe('AWS Signature Version 4 test suite', function () {
    for (const c of SUITE) {
      it(`matches ${c.name}`, function () {
        const signed = signRequest({ ...suite, method: c.method, url: new URL(c.url), headers: c.headers, payloadHash: EMPTY_SHA256 })
        expect(signed.canonicalRequest).to.equal(c.canonicalRequest)
        expect(signed.headers.authorization).to.equal(c.authorization)
        expect(signed.headers['x-amz-date']).to.equal('20150830T123600Z')
      })
    }

    it('signs a session token as x-amz-security-token (post-sts-header-after)', function () {
      const token = 'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='
      const signed = signRequest({
        ...suite,
        credentials: { ...suite.credentials, sessionToken: token },
        method: 'POST',
        url: new URL('https://example.amazonaws.com/'),
        payloadHash: EMPTY_SHA256
      })
      expect(signed.headers['x-amz-security-token']).to.equal(token)
      expect(signed.headers.authorization).to.equal(`${scope}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`)
    })
  })

  describe('S3 documentation examples', function () {
    it('GET Object with a Range header', function () {
      const signed = signRequest({
        ...s3Docs,
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_SHA256 },
        payloadHash: EMPTY_SHA256
      })
      expect(signed.stringToSign).to.equal('AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972')
      expect(signed.headers.authorization).to.equal('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')
    })

    it('PUT Object, with a path that needs encoding', function () {
      const payloadHash = sha256Hex('Welcome to Amazon S3.')
      expect(payloadHash).to.equal('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072')
      const signed = signRequest({
        ...s3Docs,
        method: 'PUT',
        url: new URL('https://examplebucket.s3.amazonaws.com/test$file.text'),
        headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': payloadHash },
        payloadHash
      })
      expect(signed.canonicalRequest.split('\n')[1]).to.equal('/test%24file.text')
      expect(signatureOf(signed.headers.authorization)).to.equal('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd')
    })

    it('GET Bucket lifecycle (a query parameter without a value)', function () {
      const signed = signRequest({
        ...s3Docs,
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?lifecycle'),
        headers: { 'x-amz-content-sha256': EMPTY_SHA256 },
        payloadHash: EMPTY_SHA256
      })
      expect(signatureOf(signed.headers.authorization)).to.equal('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543')
    })

    it('GET Bucket (List Objects) with sorted query parameters', function () {
      const signed = signRequest({
        ...s3Docs,
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'),
        headers: { 'x-amz-content-sha256': EMPTY_SHA256 },
        payloadHash: EMPTY_SHA256
      })
      expect(signatureOf(signed.headers.authorization)).to.equal('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7')
    })

    it('presigned GET URL', function () {
      const url = presignUrl({ ...s3Docs, method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), expiresSeconds: 86400 })
      expect(url).to.equal('https://examplebucket.s3.amazonaws.com/test.txt' +
        '?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
    })
  })

  describe('presigned URLs', function () {
    const base = { ...s3Docs, method: 'PUT', url: new URL('http://127.0.0.1:4568/bucket/bafkrei'), expiresSeconds: 300 }

    it('signs the pinned headers as headers, not as query parameters', function () {
      const url = new URL(presignUrl({ ...base, headers: { 'content-length': '1024', 'x-amz-checksum-sha256': 'AAAA' } }))
      expect(url.searchParams.get('X-Amz-SignedHeaders')).to.equal('content-length;host;x-amz-checksum-sha256')
      expect(url.searchParams.has('x-amz-checksum-sha256')).to.equal(false)
      expect(url.searchParams.has('content-length')).to.equal(false)
    })

    it('gives a different signature for another length, checksum, method or key', function () {
      const sig = (input: Parameters<typeof presignUrl>[0]): string | null => new URL(presignUrl(input)).searchParams.get('X-Amz-Signature')
      const headers = { 'content-length': '1024', 'x-amz-checksum-sha256': 'AAAA' }
      const reference = sig({ ...base, headers })
      expect(sig({ ...base, headers: { ...headers, 'content-length': '1025' } })).to.not.equal(reference)
      expect(sig({ ...base, headers: { ...headers, 'x-amz-checksum-sha256': 'AAAB' } })).to.not.equal(reference)
      expect(sig({ ...base, method: 'GET', headers })).to.not.equal(reference)
      expect(sig({ ...base, url: new URL('http://127.0.0.1:4568/bucket/bafkrej'), headers })).to.not.equal(reference)
      expect(sig({ ...base, headers })).to.equal(reference)
    })

    it('refuses lifetimes outside 1 s to 7 days', function () {
      expect(() => presignUrl({ ...base, expiresSeconds: 0 })).to.throw(RangeError)
      expect(() => presignUrl({ ...base, expiresSeconds: 7 * 24 * 3600 + 1 })).to.throw(RangeError)
    })

    it('percent-encodes like RFC 3986, including the characters encodeURIComponent keeps', function () {
      expect(encodeRfc3986("a b!'()*~-._/+=")).to.equal('a%20b%21%27%28%29%2A~-._%2F%2B%3D')
    })
  })
})
