// The parts of @20minutes/s3rver (a dev dependency without type declarations) that `obscura s3-dev` uses.
declare module '@20minutes/s3rver' {
  import type { Server } from 'node:http'
  import type { AddressInfo } from 'node:net'

  interface S3rverOptions {
    address?: string
    port?: number
    directory?: string
    silent?: boolean
    vhostBuckets?: boolean
    resetOnClose?: boolean
    configureBuckets?: Array<{ name: string, configs?: Array<string | Buffer> }>
  }

  class S3rver {
    constructor (options?: S3rverOptions)
    httpServer?: Server
    run (): Promise<AddressInfo>
    close (): Promise<void>
  }

  export default S3rver
}
