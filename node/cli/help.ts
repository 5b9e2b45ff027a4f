/**
 * `obscura --help` and `obscura <command> --help`, from the command table (commands/index.ts) and
 * the flag table (options.ts): every flag a command takes is listed, with what it does.
 */
import { commands, type Command } from './commands/index.ts'
import { flagSyntax, OPTIONS, type OptionSpec } from './options.ts'

/** The flags main.ts reads for every command. */
export const COMMON_FLAGS: Array<[string, string]> = [
  ['-q, --quiet', 'print only results, warnings and errors (no progress, no summaries)'],
  ['-v, --verbose', 'also print a line per file, and the stack of an unexpected error'],
  ['-h, --help', 'show this help']
]

function table (rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`)
}

function flagRows (name: keyof typeof OPTIONS): Array<[string, string]> {
  return Object.entries(OPTIONS[name] as Record<string, OptionSpec>)
    .map(([flag, spec]) => [flagSyntax(flag, spec) + (spec.multiple === true ? '...' : ''), spec.help])
}

export function mainHelp (): string {
  const rows = Object.entries(commands).map(([name, c]): [string, string] => [name, c.summary])
  return [
    'Obscura — end-to-end encrypted photo and video cloud',
    '',
    'Usage: obscura <command> [options]',
    '',
    'Commands:',
    ...table(rows),
    '',
    'Options of every command:',
    ...table(COMMON_FLAGS),
    '',
    'Client commands take --node URL (default $OBSCURA_NODE or http://127.0.0.1:8080), keep their',
    'state in $OBSCURA_HOME (default ~/.obscura) and read the password from $OBSCURA_PASSWORD or a prompt.',
    'An album shared with you goes by its name; when you have one of the same name, say OWNER/NAME.',
    'NO_COLOR turns colour off. Run `obscura <command> --help` for the options of one command.'
  ].join('\n')
}

export function commandHelp (name: string, command: Command): string {
  const lines = [`Usage: obscura ${name}${command.args !== '' ? ` ${command.args}` : ''} [options]`, '', command.summary]
  if (command.more != null) lines.push('', ...command.more)
  if (command.flags.length === 1) {
    const rows = flagRows(command.flags[0] as keyof typeof OPTIONS)
    lines.push('', 'Options:', ...table([...rows, ...COMMON_FLAGS]))
  } else {
    for (const sub of command.flags) {
      const rows = flagRows(sub)
      lines.push('', `obscura ${sub}:`, ...(rows.length > 0 ? table(rows) : ['  (no options)']))
    }
    lines.push('', 'Options of every command:', ...table(COMMON_FLAGS))
  }
  lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`))
  return lines.join('\n')
}
