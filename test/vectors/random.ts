/**
 * Randomness for test vectors. The generator records every draw a case makes (from a seeded
 * source); the replayer hands exactly those draws back, in order, and fails if the code under
 * test asks for a different number of bytes or leaves draws unused, since either means the
 * encryption is no longer the one the vector pins.
 */
import type { RandomSource } from '../../src/crypto/random.ts'
import { seededRandom, toHex, hex } from '../crypto/helpers.ts'

export function recordingRandom (seed: string): { random: RandomSource, draws: string[] } {
  const source = seededRandom(seed)
  const draws: string[] = []
  return {
    draws,
    random: (length) => {
      const bytes = source(length)
      draws.push(toHex(bytes))
      return bytes
    }
  }
}

export function replayRandom (draws: readonly string[]): { random: RandomSource, assertConsumed: () => void } {
  let next = 0
  return {
    random: (length) => {
      const draw = draws[next++]
      if (draw === undefined) throw new Error(`vector has no random draw #${next} (${length} bytes requested)`)
      const bytes = hex(draw)
      if (bytes.length !== length) throw new Error(`random draw #${next} has ${bytes.length} bytes, code asked for ${length}`)
      return bytes
    },
    assertConsumed: () => {
      if (next !== draws.length) throw new Error(`only ${next} of ${draws.length} random draws were used`)
    }
  }
}
