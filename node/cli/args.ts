/**
 * Flag parsing for subcommands on top of node:util's parseArgs, with each command's flags taken
 * from the one table in options.ts, and its exceptions turned into usage errors that name the
 * command and where its flags are listed.
 */
import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'
import { OPTIONS, type CommandName } from './options.ts'

type ParsedFlags<K extends CommandName> = ReturnType<typeof parseArgs<{ options: typeof OPTIONS[K], allowPositionals: true, strict: true }>>

export function parseFlags<K extends CommandName> (command: K, args: string[]): ParsedFlags<K> {
  const options = Object.fromEntries(Object.entries(OPTIONS[command]).map(([name, spec]) => {
    const { type, multiple, short } = spec as { type: 'string' | 'boolean', multiple?: boolean, short?: string }
    return [name, { type, ...(multiple != null ? { multiple } : {}), ...(short != null ? { short } : {}) }]
  }))
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedFlags<K>
  } catch (err) {
    const reason = (err as Error).message.replace(/\. To specify.*$/s, '')
    throw new UsageError(`${command}: ${reason}; see \`obscura ${command} --help\``)
  }
}

export function parseInteger (name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text == null) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`)
  return value
}
