/**
 * Names of a zip's entries (webui/src/worker/zip.ts): each file keeps its own name, a clash
 * (compared without case, as the file systems people unzip onto do) becomes "name (2).jpg",
 * and no entry can climb out of the folder it is unzipped into.
 */
import { expect } from 'chai'
import { ZipNames } from '../../webui/src/worker/zip.ts'

describe('zip entry names', function () {
  it('keeps names that do not clash', function () {
    const names = new ZipNames()
    expect(['IMG_1.HEIC', 'IMG_1.MOV', 'beach.jpg'].map((n) => names.claim(n))).to.deep.equal(['IMG_1.HEIC', 'IMG_1.MOV', 'beach.jpg'])
  })

  it('numbers clashing names before the extension, ignoring case', function () {
    const names = new ZipNames()
    expect(['a.jpg', 'a.jpg', 'A.JPG', 'a (2).jpg'].map((n) => names.claim(n))).to.deep.equal(['a.jpg', 'a (2).jpg', 'A (3).JPG', 'a (2) (2).jpg'])
  })

  it('numbers names without an extension, and hidden files by their whole name', function () {
    const names = new ZipNames()
    expect(['notes', 'notes', '.hidden', '.hidden'].map((n) => names.claim(n))).to.deep.equal(['notes', 'notes (2)', '.hidden', '.hidden (2)'])
  })

  it('turns path separators and dot names into plain names', function () {
    const names = new ZipNames()
    expect(['../../etc/passwd', 'a\\b.jpg', '..', ''].map((n) => names.claim(n))).to.deep.equal(['.._.._etc_passwd', 'a_b.jpg', '_', 'file'])
  })
})
