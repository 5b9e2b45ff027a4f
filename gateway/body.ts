/**
 * Request body readers with hard size limits. Bodies are read as they arrive and refused the
 * moment they pass the limit, so an oversized upload costs the node at most `max` bytes of
 * memory; JSON bodies are then checked against a schema before any handler sees them.
 */
import { InvalidRequestError, PayloadTooLargeError } from '../node/errors.ts'
import type { Context } from 'koa'
import type { z } from 'zod'

export async function readRawBody (ctx: Context, max: number): Promise<Uint8Array> {
  const declared = Number(ctx.get('content-length'))
  if (Number.isFinite(declared) && declared > max) throw new PayloadTooLargeError(max)
  const parts: Buffer[] = []
  let total = 0
  for await (const part of ctx.req as AsyncIterable<Buffer>) {
    total += part.byteLength
    if (total > max) throw new PayloadTooLargeError(max)
    parts.push(part)
  }
  return new Uint8Array(Buffer.concat(parts, total))
}

export async function readJson<S extends z.ZodType> (ctx: Context, schema: S, max = 256 * 1024): Promise<z.infer<S>> {
  const type = ctx.get('content-type')
  if (!type.startsWith('application/json')) throw new InvalidRequestError('Send the body as application/json')
  const raw = await readRawBody(ctx, max)
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(raw).toString('utf8'))
  } catch {
    throw new InvalidRequestError('The body is not valid JSON')
  }
  return parseWith(schema, value)
}

export function parseWith<S extends z.ZodType> (schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    throw new InvalidRequestError(`${where}${issue?.message ?? 'invalid value'}`)
  }
  return result.data
}
