/**
 * The root of Obscura's error classes. Every error a caller may want to tell apart carries a
 * stable machine-readable `code` (used in HTTP error bodies and CLI messages) and a default
 * message; each area keeps its own subclasses in its own `errors.ts`.
 */
export class ObscuraError extends Error {
  /** Stable identifier, e.g. `ERR_CHUNK_AUTHENTICATION`. Never changes between versions. */
  readonly code: string

  constructor (code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}
