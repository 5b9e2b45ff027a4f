/**
 * The allowlist of types decrypted bytes may be shown under ([Note: shown media types] in
 * src/client/mime.ts): images and videos a browser draws or plays pass, in canonical form;
 * every type a browser renders as a document, and anything unknown, becomes octet-stream.
 */
import { expect } from 'chai'
import { OPAQUE_MIME, mimeFromName, servedMime, shownMime } from '../../src/client/mime.ts'

describe('media types shown', function () {
  it('passes the image and video types a photo library holds, in canonical form', function () {
    for (const type of ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/heic', 'image/heif', 'video/mp4', 'video/quicktime', 'video/webm']) {
      expect(shownMime(type), type).to.equal(type)
    }
    expect(shownMime('IMAGE/JPEG')).to.equal('image/jpeg')
    expect(shownMime(' video/mp4 ; codecs="avc1"')).to.equal('video/mp4')
  })

  it('refuses every type a browser renders as a document, however it is spelled', function () {
    const refused = ['text/html', 'Text/HTML; charset=utf-8', 'image/svg+xml', 'IMAGE/SVG+XML', 'application/xhtml+xml', 'text/xml', 'application/xml',
      'text/javascript', 'application/javascript', 'application/pdf', 'text/plain', 'multipart/x-mixed-replace', 'image/jpeg,text/html', 'image/jpeg\ntext/html',
      'image/x-icon', '', 'image', 'image/', '*/*']
    for (const type of refused) {
      expect(shownMime(type), JSON.stringify(type)).to.equal(undefined)
      expect(servedMime(type)).to.equal(OPAQUE_MIME)
    }
  })

  it('shows what file names map to, except raw camera formats no browser shows', function () {
    for (const name of ['a.jpg', 'a.png', 'a.heic', 'a.mp4', 'a.mov', 'a.webm']) expect(shownMime(mimeFromName(name)), name).to.equal(mimeFromName(name))
    for (const name of ['a.dng', 'a.cr2', 'a.html', 'a.svg']) expect(servedMime(mimeFromName(name)), name).to.equal(OPAQUE_MIME)
  })
})
