/**
 * Shared pieces of the benchmarks: the result shape every benchmark returns, throughput and
 * memory helpers, and peak-RSS sampling of child processes through /proc (VmHWM is the kernel's
 * own high-water mark, so sampling it late still sees the peak).
 */
import { readFile } from 'node:fs/promises'

/** Figures of one benchmark run: named numbers with units, plus free-form notes. */
export interface BenchResult {
  name: string
  figures: Record<string, { value: number, unit: string, target?: string }>
  notes?: string[]
}

export const MiB = 1024 * 1024

export function mbPerSecond (bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000)
}

export function round (value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** Peak resident memory of a running process, in MiB (Linux /proc; undefined elsewhere). */
export async function peakRssOf (pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1])
    return Number.isFinite(kib) ? kib / 1024 : undefined
  } catch {
    return undefined
  }
}

/** Polls a child's peak RSS until it exits; resolves with the last (highest) reading. */
export function trackPeakRss (pid: number, everyMs = 100): { stop: () => Promise<number> } {
  let peak = 0
  const timer = setInterval(() => {
    peakRssOf(pid).then((v) => { if (v != null && v > peak) peak = v }, () => {})
  }, everyMs)
  return {
    async stop () {
      const last = await peakRssOf(pid)
      if (last != null && last > peak) peak = last
      clearInterval(timer)
      return peak
    }
  }
}

export function ownPeakRssMiB (): number {
  return process.resourceUsage().maxRSS / 1024
}
