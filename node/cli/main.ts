/**
 * The `obscura` command: a table of subcommands, each in its own file under commands/. Errors a
 * user can cause (wrong password, unknown album, node down, quota) print one line on stderr and
 * exit non-zero; only unexpected failures print a stack, and only with --verbose or
 * OBSCURA_DEBUG=1. Flags every command takes (--quiet, --verbose, --help) are read here.
 */
import { commands } from './commands/index.ts'
import { CancelledError, formatCliError } from './errors.ts'
import { commandHelp, mainHelp } from './help.ts'
import { httpFetch } from './http-fetch.ts'
import { errorLine, exitQuietlyOnClosedPipe, isVerbose, setVerbosity } from './output.ts'
import { useFetch } from '../../src/client/fetch.ts'

const QUIET = new Set(['-q', '--quiet'])
const VERBOSE = new Set(['-v', '--verbose'])
const HELP = new Set(['-h', '--help'])

async function main (argv: string[]): Promise<number> {
  // Only flags before a lone "--" are ours: a file may be called "-q".
  const end = argv.indexOf('--')
  const flags = end === -1 ? argv : argv.slice(0, end)
  setVerbosity({ quiet: flags.some((a) => QUIET.has(a)), verbose: flags.some((a) => VERBOSE.has(a)) })
  const args = [...flags.filter((a) => !QUIET.has(a) && !VERBOSE.has(a)), ...(end === -1 ? [] : argv.slice(end))]
  const [name, ...rest] = args
  if (name == null || HELP.has(name) || name === 'help') {
    process.stdout.write(mainHelp() + '\n')
    return name == null ? 2 : 0
  }
  const command = commands[name]
  if (command == null) {
    errorLine(`unknown command "${name}"; run \`obscura --help\``)
    return 2
  }
  const ownFlags = end === -1 ? rest : rest.slice(0, rest.indexOf('--'))
  if (ownFlags.some((a) => HELP.has(a))) {
    process.stdout.write(commandHelp(name, command) + '\n')
    return 0
  }
  return await command.run(rest) ?? 0
}

exitQuietlyOnClosedPipe()
useFetch(httpFetch)
try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  errorLine(formatCliError(err))
  if (isVerbose() || process.env.OBSCURA_DEBUG === '1') process.stderr.write(`${(err as Error).stack ?? ''}\n`)
  process.exitCode = err instanceof CancelledError ? err.exitCode : 1
}
