/**
 * The `obscura` command: a table of subcommands, each in its own file under commands/. Errors a
 * user can cause (wrong password, unknown album, node down, quota) print one line on stderr and
 * exit non-zero; only unexpected failures print a stack, and only with OBSCURA_DEBUG=1.
 */
import { commands } from './commands/index.ts'
import { CancelledError, formatCliError } from './errors.ts'
import { httpFetch } from './http-fetch.ts'
import { useFetch } from '../../src/client/fetch.ts'

function usage (): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length))
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  return [
    'Obscura — end-to-end encrypted photo and video cloud',
    '',
    'Usage: obscura <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Client commands take --node URL (default $OBSCURA_NODE or http://127.0.0.1:8080), keep their',
    'state in $OBSCURA_HOME (default ~/.obscura) and read the password from $OBSCURA_PASSWORD or a prompt.',
    'An album shared with you goes by its name; when you have one of the same name, say OWNER/NAME.',
    'Run `obscura <command> --help` for the options of one command.'
  ].join('\n')
}

async function main (argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name == null || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name == null ? 2 : 0
  }
  const command = commands[name]
  if (command == null) {
    process.stderr.write(`obscura: unknown command "${name}"; run \`obscura --help\`\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: obscura ${name} ${command.usage}\n\n${command.summary}\n`)
    return 0
  }
  return await command.run(rest) ?? 0
}

useFetch(httpFetch)
try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`obscura: ${formatCliError(err)}\n`)
  if (process.env.OBSCURA_DEBUG === '1') process.stderr.write(`${(err as Error).stack ?? ''}\n`)
  process.exitCode = err instanceof CancelledError ? err.exitCode : 1
}
