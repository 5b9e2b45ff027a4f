/**
 * Sizes as people read them: "2.6 MB", in decimal units as phones and file managers show sizes.
 * One formatter for the CLI, the node's error messages and the web UI, so that a quota reads the
 * same everywhere.
 */
const UNITS = ['KB', 'MB', 'GB', 'TB', 'PB']

export function formatBytes (bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  let value = bytes / 1000
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${value.toFixed(1)} ${UNITS[unit] as string}`
}
