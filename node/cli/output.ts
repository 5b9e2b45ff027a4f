/**
 * What the CLI prints, and how. Results go to stdout (`say`, `printJson`); summaries too, unless
 * `--quiet` (`inform`); notes and errors go to stderr; `--verbose` adds per-file lines
 * (`detail`). Colour is used only on a terminal, and never with NO_COLOR set or TERM=dumb.
 *
 * [Note: names from the network] Album, folder and file names, usernames and the node's error
 * messages come from other people and other machines. Printed raw, an ESC sequence in a name
 * rewrites the terminal (clears the screen, sets the title, fakes other lines) and a bidi
 * override makes "gpj.exe" read as "exe.jpg". Every line printed here passes through `termSafe`,
 * which shows such characters as escapes instead; JSON output escapes them too (JSON.stringify
 * already escapes C0 controls, not C1 or bidi controls).
 */

/** C0 controls, DEL, C1 controls, and the Unicode bidi and line-separator controls. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function escapeChar (char: string): string {
  const code = char.charCodeAt(0)
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * `text` with every character a terminal would act on shown as an escape (`\x1b`, `\u202e`),
 * newlines included: a name must not fake a line of output. Text of several lines is printed
 * one line per call.
 */
export function termSafe (text: string): string {
  return text.replace(UNSAFE, escapeChar)
}

let quiet = false
let verbose = false

/** Set once by main.ts from `--quiet` / `--verbose`. */
export function setVerbosity (options: { quiet: boolean, verbose: boolean }): void {
  quiet = options.quiet
  verbose = options.verbose && !options.quiet
}

export function isQuiet (): boolean { return quiet }
export function isVerbose (): boolean { return verbose }

/** Whether `stream` may be written in colour: a terminal, NO_COLOR unset, TERM not "dumb". */
export function colourOn (stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb'
}

function paint (stream: NodeJS.WriteStream, code: string, text: string): string {
  return colourOn(stream) ? `\x1b[${code}m${text}\x1b[0m` : text
}

/** A line of the command's result on stdout. */
export function say (line: string): void {
  process.stdout.write(termSafe(line) + '\n')
}

/** A summary line ("Uploaded 12 files…") on stdout; `--quiet` leaves it out. */
export function inform (line: string): void {
  if (!quiet) say(line)
}

/** Advice about what just happened ("send this to…"), on stderr; `--quiet` leaves it out. */
export function hint (line: string): void {
  if (!quiet) process.stderr.write(termSafe(line) + '\n')
}

/** A line on stderr that only `--verbose` shows (one per file uploaded, skipped, written…). */
export function detail (line: string): void {
  if (verbose) process.stderr.write(termSafe(line) + '\n')
}

/** Something the user should know that did not stop the command; printed even with `--quiet`. */
export function note (line: string): void {
  process.stderr.write(`${paint(process.stderr, '33', 'obscura: note:')} ${termSafe(line)}\n`)
}

/** A file the command left out, and why ("name: reason"); printed even with `--quiet`. */
export function refused (line: string): void {
  process.stderr.write(`${paint(process.stderr, '31', 'obscura: refused:')} ${termSafe(line)}\n`)
}

/** Something likely wrong that did not stop the command; printed even with `--quiet`. */
export function warn (line: string): void {
  process.stderr.write(`${paint(process.stderr, '33', 'obscura: warning:')} ${termSafe(line)}\n`)
}

/** The one line a failed command prints (`prefix: false` for the lines of a list under it). */
export function errorLine (message: string, options: { prefix?: boolean } = {}): void {
  const prefix = options.prefix === false ? '' : `${paint(process.stderr, '1;31', 'obscura:')} `
  process.stderr.write(`${prefix}${termSafe(message)}\n`)
}

/** Any value as indented JSON on stdout, with the characters of [Note: names from the network] escaped. */
export function printJson (value: unknown): void {
  // JSON.stringify escaped every C0 control inside strings; the newlines left are its own.
  process.stdout.write(JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n')
}

/**
 * Ends the process quietly when the reader of stdout or stderr goes away (`obscura ls | head -3`),
 * as Unix tools do, instead of failing with an EPIPE stack. Exit code 0: the reader chose to stop.
 */
export function exitQuietlyOnClosedPipe (): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0)
      throw err
    })
  }
}
