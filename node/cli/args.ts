/**
 * Flag parsing for subcommands on top of node:util's parseArgs, turning its exceptions into
 * usage errors that name the command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.ts'

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>> (command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${command}: ${(err as Error).message.replace(/\. To specify.*$/s, '')}`)
  }
}

export function parseInteger (name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text == null) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  return value
}
