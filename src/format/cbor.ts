/**
 * Canonical dag-cbor, the only encoding of Obscura's structured data. A value has exactly one
 * valid encoding (dag-cbor's deterministic rules: shortest integers, map keys sorted by length
 * then bytes, no indefinite lengths, 64-bit floats), and decoders enforce it by re-encoding and
 * comparing, as age does with its header. Without this, the same signed content could be
 * shipped under many CIDs, and signatures over re-encoded data would stop verifying.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { bytesEqual } from '../crypto/bytes.ts'
import { InvalidInputError } from '../crypto/errors.ts'
import { MalformedEncodingError, NonCanonicalEncodingError } from './errors.ts'

/** The multicodec code of dag-cbor (0x71). */
export const DAG_CBOR_CODE = dagCbor.code

/**
 * Removes object properties whose value is `undefined`, which the IPLD data model cannot
 * represent; optional fields are encoded by being absent. CIDs and byte arrays pass through.
 */
function dropUndefined (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined)
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) return value
    const out: Record<string, unknown> = {}
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined) out[key] = dropUndefined(entry)
    }
    return out
  }
  return value
}

/** Encodes `value` as canonical dag-cbor; `undefined` properties are omitted. */
export function encodeCanonical (value: unknown): Uint8Array {
  try {
    return dagCbor.encode(dropUndefined(value))
  } catch (err) {
    throw new InvalidInputError(`cannot encode as dag-cbor: ${(err as Error).message}`)
  }
}

/** Decodes dag-cbor and rejects any encoding other than the canonical one. */
export function decodeCanonical (bytes: Uint8Array): unknown {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err) {
    const message = (err as Error).message
    // cborg's strict mode already refuses some non-canonical forms (non-minimal integers and
    // lengths) and marks them "(strict decode)"; report those as what they are.
    if (message.includes('strict')) throw new NonCanonicalEncodingError(`encoding is not canonical dag-cbor: ${message}`)
    throw new MalformedEncodingError(`malformed dag-cbor: ${message}`, { cause: err })
  }
  if (!bytesEqual(dagCbor.encode(value), bytes)) throw new NonCanonicalEncodingError()
  return value
}
