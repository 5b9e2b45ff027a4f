/** heic-decode ships no types: libheif (WebAssembly) decoding to RGBA, transforms applied (src/media/heic.ts). */
declare module 'heic-decode' {
  interface DecodedImage { width: number, height: number, data: Uint8ClampedArray }
  function decode (input: { buffer: Uint8Array | ArrayBuffer }): Promise<DecodedImage>
  export default decode
}
