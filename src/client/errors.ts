/**
 * Errors the client raises: a refusal from the node (with the node's code and message), a node
 * that cannot be reached, and the client's own findings about what it was sent.
 */
import { ObscuraError } from '../errors.ts'

/** The node answered with `{ error: { code, message } }`. */
export class ApiError extends ObscuraError {
  readonly status: number

  constructor (status: number, code: string, message: string) {
    super(code, message)
    this.status = status
  }
}

export class NodeUnreachableError extends ObscuraError {
  constructor (url: string, options?: ErrorOptions) {
    super('NODE_UNREACHABLE', `cannot reach the node at ${url}: is it running?`, options)
  }
}

/** The node sent something that does not match the API's schema. */
export class BadResponseError extends ObscuraError {
  constructor (message: string) { super('BAD_RESPONSE', `the node sent an invalid response: ${message}`) }
}

export class NotFoundInLibraryError extends ObscuraError {
  constructor (what: string) { super('NOT_IN_LIBRARY', what) }
}
