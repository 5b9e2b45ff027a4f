/**
 * How the details panel words a photo (webui/src/display/camera.ts) and where the bundled
 * gazetteer places it (webui/src/places/gazetteer.ts): pure functions, run in Node.
 */
import { expect } from 'chai'
import { cameraName, exposureLine, shutter } from '../../webui/src/display/camera.ts'
import { nearestPlace } from '../../webui/src/places/gazetteer.ts'

describe('web UI details: camera, exposure and place names', function () {
  it('names the camera once when the model repeats the maker', function () {
    expect(cameraName({ make: 'Canon', model: 'Canon EOS R6' })).to.equal('Canon EOS R6')
    expect(cameraName({ make: 'NIKON CORPORATION', model: 'NIKON D750' })).to.equal('NIKON D750')
    expect(cameraName({ make: 'Apple', model: 'iPhone 15 Pro' })).to.equal('Apple iPhone 15 Pro')
    expect(cameraName({ model: 'ILCE-7M3' })).to.equal('ILCE-7M3')
    expect(cameraName({ lens: 'RF50mm' })).to.equal(undefined)
  })

  it('writes the exposure as photographers read it', function () {
    expect(exposureLine({ fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 50 })).to.equal('f/2.8 · 1/250 s · ISO 400 · 50 mm')
    expect(exposureLine({ fNumber: 8, focalLength: 4.25 })).to.equal('f/8 · 4.3 mm')
    expect(exposureLine({})).to.equal(undefined)
    expect(shutter(1 / 3)).to.equal('1/3 s')
    expect(shutter(1 / 8000)).to.equal('1/8000 s')
    expect(shutter(2.5)).to.equal('2.5 s')
  })

  it('names the place a large city covers, not the nearest small town centre', function () {
    // The Eiffel Tower: Issy-les-Moulineaux's centre is nearer than Paris's.
    expect(nearestPlace(48.8584, 2.2945)).to.include({ name: 'Paris', country: 'FR' })
    expect(nearestPlace(48.8245, 2.2700)).to.include({ name: 'Issy-les-Moulineaux', country: 'FR' })
    expect(nearestPlace(35.6586, 139.7454)).to.include({ name: 'Tokyo', country: 'JP' })
    expect(nearestPlace(-33.8568, 151.2153)).to.include({ name: 'Sydney', country: 'AU' })
  })

  it('names no place in the open sea, or for coordinates that are not numbers', function () {
    expect(nearestPlace(0, -160)).to.equal(undefined)
    expect(nearestPlace(Number.NaN, 2)).to.equal(undefined)
  })
})
