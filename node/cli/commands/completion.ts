/**
 * `obscura completion bash|zsh`: a completion script generated from the command and flag tables,
 * so it offers exactly the commands, subcommands and flags the CLI accepts. Arguments that are
 * not flags complete as file names (the shell's default).
 */
import { UsageError } from '../errors.ts'
import { commands } from './index.ts'
import { OPTIONS, type OptionSpec } from '../options.ts'
import { parseFlags } from '../args.ts'

const COMMON = ['--quiet', '--verbose', '--help']

function flagsOf (name: keyof typeof OPTIONS): string[] {
  return Object.keys(OPTIONS[name]).map((f) => `--${f}`)
}

/** Subcommand name → its entry in OPTIONS, for commands that have subcommands (link, admin). */
function subcommands (command: string): Map<string, keyof typeof OPTIONS> {
  const subs = new Map<string, keyof typeof OPTIONS>()
  for (const entry of commands[command]?.flags ?? []) {
    const [, sub] = entry.split(' ')
    if (sub != null) subs.set(sub, entry)
  }
  return subs
}

export function bashScript (): string {
  const cases = Object.keys(commands).map((name) => {
    const subs = subcommands(name)
    if (subs.size === 0) {
      return `    ${name}) opts="${[...flagsOf(commands[name]?.flags[0] as keyof typeof OPTIONS), ...COMMON].join(' ')}" ;;`
    }
    const inner = [...subs].map(([sub, entry]) => `        ${sub}) opts="${[...flagsOf(entry), ...COMMON].join(' ')}" ;;`)
    return [
      `    ${name})`,
      `      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W "${[...subs.keys()].join(' ')}" -- "$cur") ); return; fi`,
      '      case "${COMP_WORDS[2]}" in',
      ...inner,
      '      esac ;;'
    ].join('\n')
  })
  return `# obscura completion for bash: source <(obscura completion bash)
_obscura() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${Object.keys(commands).join(' ')} --help" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  fi
}
complete -o default -o bashdefault -F _obscura obscura
`
}

/** Text safe inside a zsh _arguments/_describe description. */
function zshText (text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/:/g, '\\:').replace(/\[/g, '(').replace(/\]/g, ')')
}

function zshArguments (entry: keyof typeof OPTIONS): string {
  const specs = Object.entries(OPTIONS[entry] as Record<string, OptionSpec>).map(([flag, spec]) => {
    const value = spec.type === 'string' ? `:${zshText(spec.value ?? 'value')}:${/DIR|FILE|PATH/.test(spec.value ?? '') ? '_files' : ''}` : ''
    return `'${spec.multiple === true ? '*' : ''}--${flag}[${zshText(spec.help)}]${value}'`
  })
  return ['_arguments', ...specs, "'(-q --quiet)'{-q,--quiet}'[print only results, warnings and errors]'",
    "'(-v --verbose)'{-v,--verbose}'[print a line per file]'", "'(-h --help)'{-h,--help}'[show help]'", "'*:file:_files'"].join(' \\\n        ')
}

export function zshScript (): string {
  const described = Object.entries(commands).map(([name, c]) => `    '${name}:${zshText(c.summary)}'`)
  const cases = Object.keys(commands).map((name) => {
    const subs = subcommands(name)
    if (subs.size === 0) return `    ${name})\n      ${zshArguments(commands[name]?.flags[0] as keyof typeof OPTIONS)} ;;`
    const inner = [...subs].map(([sub, entry]) => `        ${sub}) ${zshArguments(entry)} ;;`)
    return [
      `    ${name})`,
      `      if (( CURRENT == 2 )); then _values 'subcommand' ${[...subs.keys()].join(' ')}; return; fi`,
      '      shift words; (( CURRENT-- ))',
      '      case $words[1] in',
      ...inner,
      '      esac ;;'
    ].join('\n')
  })
  return `#compdef obscura
# obscura completion for zsh: obscura completion zsh > "\${fpath[1]}/_obscura"
_obscura() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words; (( CURRENT-- ))
  case $words[1] in
${cases.join('\n')}
  esac
}
_obscura "$@"
`
}

export async function runCompletion (args: string[]): Promise<number> {
  const { positionals } = parseFlags('completion', args)
  const [shell] = positionals
  if (shell === 'bash') process.stdout.write(bashScript())
  else if (shell === 'zsh') process.stdout.write(zshScript())
  else throw new UsageError('completion takes bash or zsh: `source <(obscura completion bash)`')
  return 0
}
